"""Curveballs: a scenario's changes of requirements, validated where they are written and
applied to every check from the moment they are said (issue 22)."""

from __future__ import annotations

import pytest
import yaml

from components.loading import InputError
from design_framework.rubric import Status, check_design
from scenarios.loader import PACK_DIR, scenario_from_string
from scenarios.model import Curveball

PLAYLIST = "realtime-playlist-recs"


def with_curveballs(balls: list) -> str:
    data = yaml.safe_load((PACK_DIR / f"{PLAYLIST}.yaml").read_text())
    data["curveballs"] = balls
    return yaml.safe_dump(data, sort_keys=False)


TRAFFIC = {
    "id": "traffic-x10",
    "title": "Traffic x10",
    "say": "Marketing just launched the shelf everywhere: peak traffic is ten times higher.",
    "changes": {"peak_qps": 150000},
    "strong_answer": ["Sizes the replicas again from the new peak"],
}


def problems_of(balls: list) -> str:
    with pytest.raises(InputError) as caught:
        scenario_from_string(with_curveballs(balls), "scenario.yaml")
    return str(caught.value)


def test_a_curveball_that_changes_nothing_or_names_unknowns_is_refused_with_its_place():
    assert "must change a number" in problems_of([{**TRAFFIC, "changes": {}}])
    said = problems_of([{**TRAFFIC, "requires": ["feture_store"]}])
    assert "curveballs.0.requires.0" in said and "feature_store" in said
    said = problems_of([{**TRAFFIC, "rules": {"latency.budgit": {}}}])
    assert "curveballs.0.rules.latency.budgit" in said and "latency.budget" in said
    assert "used twice" in problems_of([TRAFFIC, TRAFFIC])
    assert "peak_qps" in problems_of([{**TRAFFIC, "changes": {"peak_qps": -5}}])


def test_a_curveball_changes_the_numbers_the_rubric_checks_and_adds_what_it_requires():
    scenario = scenario_from_string(
        with_curveballs(
            [
                {
                    **TRAFFIC,
                    "changes": {"latency_budget_ms": 20},
                    "requires": ["cache"],
                    "strong_answer": ["Puts a cache in front of the ranker"],
                }
            ]
        )
    )
    ball = scenario.curveballs[0]
    assert isinstance(ball, Curveball)
    before = check_design(scenario.reference_design, scenario)
    after = check_design(scenario.reference_design, scenario.with_curveballs([ball]))
    assert before.by_rule()["latency.budget"].status == Status.passed
    # 20 ms is below what the reference's request path takes: the same design now fails
    assert after.by_rule()["latency.budget"].status == Status.failed
    assert "20 ms" in after.by_rule()["latency.budget"].message
    assert after.by_rule()["components.required"].status == Status.failed
    assert "cache" in after.by_rule()["components.required"].message
    assert scenario.requirements.latency_budget_ms == 200  # the scenario itself is unchanged
