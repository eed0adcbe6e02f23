"""The rubric engine: run every registered rule on a design, for a scenario.

Whether a rule applies, and how severe its failure is, comes from the scenario. A design
checked without a scenario runs every rule with default options; rules that need numbers
only a scenario gives (a latency budget, a slate size) say so with ``skip``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from components.catalog import Catalog, load_catalog
from components.design import Design
from design_framework.rubric.base import Analysed, Finding, Status
from design_framework.rubric.registry import (
    RULE_MODULES,
    all_rules,
    get_rule,
    parse_options,
    rule_options,
)

__all__ = ["RULE_MODULES", "Finding", "Report", "Status", "check_design", "get_rule"]


@dataclass
class Report:
    """All findings of one check, with the score derived from them."""

    scenario: str | None
    findings: list[Finding]

    @property
    def passed(self) -> bool:
        return not any(f.status == Status.failed for f in self.findings)

    @property
    def score(self) -> int:
        """Share of applicable rules passed, a warning counting half; 0-100."""
        applicable = [f for f in self.findings if f.status != Status.skipped]
        if not applicable:
            return 0
        points = sum(
            1.0 if f.status == Status.passed else 0.5 if f.status == Status.warning else 0.0
            for f in applicable
        )
        return round(100 * points / len(applicable))

    def failing_nodes(self) -> set[str]:
        return {n for f in self.findings if f.status == Status.failed for n in f.nodes}

    def warning_nodes(self) -> set[str]:
        return {n for f in self.findings if f.status == Status.warning for n in f.nodes}

    def by_rule(self) -> dict[str, Finding]:
        return {f.rule: f for f in self.findings}

    def to_json(self) -> dict:
        return {
            "scenario": self.scenario,
            "passed": self.passed,
            "score": self.score,
            "findings": [f.model_dump(mode="json", exclude={"title"}) for f in self.findings],
        }


def check_design(design: Design, scenario=None, catalog: Catalog | None = None) -> Report:
    """Run the rubric. ``scenario`` is a :class:`scenarios.model.Scenario` or None."""
    catalog = catalog or load_catalog()
    catalog_size = scenario.requirements.catalog_size if scenario else None
    analysed = Analysed(
        design,
        catalog,
        **({"catalog_size": catalog_size} if catalog_size else {}),
        mode=scenario.requirements.mode.value if scenario else None,
    )
    findings: list[Finding] = []
    for rule in all_rules():
        rule_id = rule.RULE.id
        if scenario is not None and rule_id not in scenario.rules:
            findings.append(rule.RULE.skipped(f"Not part of the {scenario.id} rubric."))
            continue
        config = scenario.rules[rule_id] if scenario is not None else {}
        options = parse_options(rule_id, rule_options(config))
        for result in rule.check(analysed, scenario, options):
            if result.status == Status.failed and scenario and scenario.severity(rule_id) == "warn":
                result = result.model_copy(update={"status": Status.warning})
            findings.append(as_drawn(result, analysed))
    return Report(scenario.id if scenario else design.scenario, findings)


MAX_READINGS_SHOWN = 3


def as_drawn(finding: Finding, analysed: Analysed) -> Finding:
    """A finding in the drawing's terms: a model the reading drew inside a box is named by
    that box, and the finding says what was read another way than drawn about the boxes it
    names (model v3)."""
    graph = analysed.graph
    hosts = {n: h for n, h in graph.nodes(data="host") if h}

    def drawn(value):
        if isinstance(value, str):
            return hosts.get(value, value)
        if isinstance(value, list):
            out = [drawn(v) for v in value]
            return [v for i, v in enumerate(out) if i == 0 or v != out[i - 1]]
        if isinstance(value, dict):
            return {hosts.get(k, k): drawn(v) for k, v in value.items()}
        return value

    whole_ids = (
        re.compile(
            r"(?<![\w.-])("
            + "|".join(re.escape(m) for m in sorted(hosts, key=len, reverse=True))
            + r")(?![\w-])"
        )
        if hosts
        else None
    )

    def text(value):
        if whole_ids is None:
            return value
        return whole_ids.sub(lambda m: f"the model in {hosts[m.group(1)]}", value)

    named = set(finding.nodes)
    for value in finding.figures.values():
        if isinstance(value, list):
            named |= {v for v in value if isinstance(v, str)}
    named = {hosts.get(n, n) for n in named}
    read_as = [r.text for r in analysed.readings if named & set(r.nodes)]
    message = text(finding.message)
    if read_as:
        shown = "; ".join(read_as[:MAX_READINGS_SHOWN])
        more = len(read_as) - MAX_READINGS_SHOWN
        message += f" (Read: {shown}{f'; {more} more' if more > 0 else ''}.)"
    return finding.model_copy(
        update={
            "nodes": list(dict.fromkeys(drawn(list(finding.nodes)))),
            "figures": drawn(finding.figures),
            "message": message,
            "hint": text(finding.hint) if finding.hint else finding.hint,
        }
    )
