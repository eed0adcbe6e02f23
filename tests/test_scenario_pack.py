"""Integrity of everything shipped: scenarios load, reference designs pass, mistakes fail."""

from pathlib import Path

import pytest
import yaml

from design_framework.rubric import Status, check_design
from scenarios.loader import PACK_DIR, shipped_scenarios
from tests.variants import apply_patch

MISTAKES_DIR = Path(__file__).parent / "fixtures" / "mistakes"
PACK = shipped_scenarios()
CONTRACT_IDS = [
    "realtime-playlist-recs",
    "skip-prediction",
    "premium-churn",
    "new-track-cold-start",
    "home-artwork-bandit",
    "discover-weekly",
    "podcast-recs",
    "mood-classification",
    "music-search-ranking",
    "home-feed-multi-objective",
    "song-radio-ann",
    "next-track-sequential",
    "artificial-streams",
    "new-release-notifications",
]


def mistake_cases():
    for file in sorted(MISTAKES_DIR.glob("*.yaml")):
        data = yaml.safe_load(file.read_text())
        for mistake in data["mistakes"]:
            yield pytest.param(
                data["scenario"], mistake, id=f"{data['scenario']}:{mistake['name']}"
            )


def test_file_names_match_scenario_ids():
    for file in PACK_DIR.glob("*.yaml"):
        assert file.stem in PACK, f"{file.name} does not hold scenario {file.stem!r}"


@pytest.mark.parametrize("scenario_id", sorted(PACK))
def test_reference_design_passes_every_applied_rule(scenario_id):
    scenario = PACK[scenario_id]
    report = check_design(scenario.reference_design, scenario)
    failing = {
        f.rule: f.message
        for f in report.findings
        if f.status != Status.passed and f.rule in scenario.rules
    }
    assert failing == {}, failing
    assert report.score == 100


@pytest.mark.parametrize("scenario_id", sorted(PACK))
def test_realtime_scenarios_have_a_budget_and_batch_ones_are_judged_by_batch_rules(scenario_id):
    scenario = PACK[scenario_id]
    mode = scenario.requirements.mode.value
    if mode == "batch":
        assert "batch.pipeline" in scenario.rules
        assert "latency.budget" not in scenario.rules
    if mode == "realtime":
        assert "latency.budget" in scenario.rules


@pytest.mark.parametrize("scenario_id", sorted(PACK))
def test_every_scenario_has_at_least_two_mistake_designs(scenario_id):
    file = MISTAKES_DIR / f"{scenario_id}.yaml"
    assert file.exists(), f"no mistake designs for {scenario_id}"
    assert len(yaml.safe_load(file.read_text())["mistakes"]) >= 2


@pytest.mark.parametrize(("scenario_id", "mistake"), list(mistake_cases()))
def test_mistake_design_fails_exactly_the_rules_it_targets(scenario_id, mistake):
    scenario = PACK[scenario_id]
    design = apply_patch(scenario.reference_design, mistake["patch"])
    report = check_design(design, scenario)
    failed = sorted(f.rule for f in report.findings if f.status == Status.failed)
    assert failed == sorted(mistake["fails"])
    for f in report.findings:
        if f.status == Status.failed:
            assert f.hint, f"{f.rule} fails without a hint"
            assert len(f.message) > 30


def test_pack_holds_exactly_the_contract_scenarios():
    assert sorted(PACK) == sorted(CONTRACT_IDS)


def test_bank_questions_tied_to_a_scenario_name_shipped_scenarios():
    from design_framework.questions import load_question_bank

    for question in load_question_bank().questions:
        for scenario_id in question.scenarios:
            assert scenario_id in PACK, f"{question.id}: unknown scenario {scenario_id!r}"


@pytest.mark.parametrize("scenario_id", sorted(PACK))
def test_follow_ups_belong_to_the_scenario_or_to_the_generic_step(scenario_id):
    from design_framework.coverage import notes_coverage
    from design_framework.interview import follow_ups
    from design_framework.questions import load_question_bank

    scenario = PACK[scenario_id]
    coverage = notes_coverage({}, scenario)
    bank = {q.text: q for q in load_question_bank().questions}
    for step_id, step in coverage.items():
        own = set(scenario.steps[step_id].follow_ups) if step_id in scenario.steps else set()
        skip = {p.id for p in step.not_relevant}
        for text in follow_ups(step_id, step, scenario, limit=1000):
            if text in own:
                continue
            question = bank[text]
            assert not question.scenarios or scenario_id in question.scenarios, (
                f"{scenario_id}/{step_id} offers {question.id}, which is about "
                f"{', '.join(question.scenarios)}"
            )
            assert not (question.points and set(question.points) <= skip), (
                f"{scenario_id}/{step_id} offers {question.id}, which probes only points "
                "the scenario marks not relevant"
            )


def test_playlist_recommendations_are_not_asked_about_premium_cancellations():
    from design_framework.coverage import notes_coverage
    from design_framework.interview import follow_ups

    scenario = PACK["realtime-playlist-recs"]
    framing = notes_coverage({}, scenario)["framing"]
    offered = follow_ups("framing", framing, scenario, limit=1000)
    assert not any("Premium subscribers cancel" in text for text in offered)
    churn = PACK["premium-churn"]
    churn_framing = notes_coverage({}, churn)["framing"]
    assert any(
        "Premium subscribers cancel" in text
        for text in follow_ups("framing", churn_framing, churn, limit=1000)
    )


SHIPPED_FILES = sorted(PACK_DIR.glob("*.yaml")) + [
    Path(__file__).parents[1] / "components" / "catalog.yaml",
    *sorted((Path(__file__).parents[1] / "design_framework").glob("*.yaml")),
]


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.name)
def test_shipped_files_read_the_same_with_the_fast_parser(path):
    """The app's own files go through libyaml (a fresh server's first page waited a second
    for PyYAML's parser): the same data and the same line for every value, so messages
    and checks do not depend on which parser read the file."""
    from components.loading import SHIPPED_LOADER, parse_yaml

    assert SHIPPED_LOADER is yaml.CSafeLoader, "PyYAML without libyaml: the pack loads slowly"
    text = path.read_text()
    fast, slow = parse_yaml(text, str(path), shipped=True), parse_yaml(text, str(path))
    assert fast.data == slow.data
    assert fast.lines == slow.lines
