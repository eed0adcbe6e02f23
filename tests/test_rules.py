"""Every rule against its fixture file of named cases (tests/fixtures/rules/<rule id>.yaml).

A case: ``design`` in quick syntax; ``scenario`` (overrides of a base scenario that applies
every rule, or ``none`` for a design checked without a scenario, ``applies: false`` for one that does not
apply the rule); ``options`` for the rule
under test; then what a user would see: ``expect`` (the status), ``nodes`` (exactly the nodes
blamed), ``figures`` (a subset of the numbers), ``message`` and ``hint`` (phrases they hold).
"""

import inspect
from pathlib import Path

import pytest
import yaml

from components.quick import parse_quick
from design_framework.rubric import check_design
from design_framework.rubric.registry import RULE_MODULES, get_rule
from scenarios.model import Scenario

FIXTURES = Path(__file__).parent / "fixtures" / "rules"

BASE_SCENARIO = {
    "id": "fixture",
    "title": "Rule fixture",
    "prompt": "A tiny scenario that applies every rule.",
    "difficulty": "medium",
    "requirements": {
        "mode": "realtime",
        "users": 1_000_000,
        "catalog_size": 100_000_000,
        "latency_budget_ms": 200,
        "slate_size": 20,
        "feature_freshness_s": 60,
    },
    "reference_design": {"version": 1},
}


def build_scenario(overrides, rule_id, options):
    if overrides == "none":
        return None
    overrides = dict(overrides or {})
    applies = overrides.pop("applies", True)
    data = {**BASE_SCENARIO, **{k: v for k, v in overrides.items() if k != "requirements"}}
    data["requirements"] = {**BASE_SCENARIO["requirements"], **overrides.get("requirements", {})}
    data["rules"] = {rid: {} for rid in RULE_MODULES}
    data["rules"][rule_id] = options or {}
    if not applies:
        del data["rules"][rule_id]
    return Scenario.model_validate(data)


def cases():
    for file in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.safe_load(file.read_text())
        for case in data["cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}: {case['name']}")


def test_every_rule_has_a_fixture_file_with_pass_flag_and_its_own_skip_cases():
    for rule_id in RULE_MODULES:
        file = FIXTURES / f"{rule_id}.yaml"
        assert file.exists(), f"no fixture file for {rule_id}"
        data = yaml.safe_load(file.read_text())
        assert data["rule"] == rule_id
        statuses = {case["expect"] for case in data["cases"]}
        source = inspect.getsource(get_rule(rule_id))
        can_skip = "RULE.skipped(" in source
        flags = {"fail"} if "RULE.failed(" in source else {"warn"}  # rules that only warn
        wanted = {"pass"} | flags | ({"skip"} if can_skip else set())
        assert wanted <= statuses, f"{rule_id} lacks {wanted - statuses}"


def test_a_rule_the_scenario_does_not_apply_reports_skip_and_severity_can_soften_a_failure():
    design = parse_quick("client: client_app\nclient -> gateway(api_gateway) -> ranker")
    scenario = build_scenario({}, "experiment.ab_layer", {"severity": "warn"})
    data = scenario.model_dump(by_alias=True)
    del data["rules"]["monitoring.coverage"]
    scenario = Scenario.model_validate(data)
    by_rule = check_design(design, scenario).by_rule()
    assert by_rule["monitoring.coverage"].status == "skip"
    assert by_rule["monitoring.coverage"].message == "Not part of the fixture rubric."
    assert by_rule["experiment.ab_layer"].status == "warn"


@pytest.mark.parametrize(("rule_id", "case"), list(cases()))
def test_rule_case(rule_id, case):
    design = parse_quick(case["design"])
    scenario = build_scenario(case.get("scenario"), rule_id, case.get("options"))
    report = check_design(design, scenario)
    found = [f for f in report.findings if f.rule == rule_id]
    assert len(found) == 1
    finding = found[0]
    assert finding.status == case["expect"], finding.message
    if "nodes" in case:
        assert sorted(finding.nodes) == sorted(case["nodes"]), finding.message
    for key, value in case.get("figures", {}).items():
        assert finding.figures[key] == value, (key, finding.figures)
    for phrase in case.get("message", []):
        assert phrase in finding.message, finding.message
    if finding.status in ("fail", "warn"):
        assert finding.hint
    for phrase in case.get("hint", []):
        assert phrase in finding.hint, finding.hint
