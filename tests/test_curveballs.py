"""Curveballs: a scenario's changes of requirements, validated where they are written and
applied to every check from the moment they are said (issue 22)."""

from __future__ import annotations

import pytest
import yaml

from components.loading import InputError
from design_framework.rubric import Status, check_design
from scenarios.loader import PACK_DIR, scenario_from_string, shipped_scenarios
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


def playlist_with_budget_curveball():
    return scenario_from_string(
        with_curveballs(
            [
                {
                    **TRAFFIC,
                    "id": "budget-60",
                    "title": "Budget 60 ms",
                    "say": "The shelf now has to render with the track list: 60 ms end to end.",
                    "changes": {"latency_budget_ms": 60},
                    "strong_answer": ["Precomputes candidates"],
                }
            ]
        )
    )


def test_a_delivered_curveball_records_what_it_broke_and_when_the_design_passed_again():
    from design_framework.curveballs import deliver, note_recovery
    from design_framework.session import Session

    scenario = playlist_with_budget_curveball()
    session = Session(scenario_id=PLAYLIST, design=scenario.reference_design)
    session.start(now=1000.0)
    applied = deliver(session, scenario.curveballs[0], "scenario", scenario, check_design, 1600.0)
    assert applied.broke == ["latency.budget"] and applied.passed_again_at is None
    assert applied.elapsed_s == 600.0 and applied.before["latency.budget"] == "pass"
    changed = scenario.with_curveballs(session.curveballs)
    # the same design checked again: still broken, nothing recorded
    assert not note_recovery(session, check_design(session.design, changed), now=1700.0)
    # every box made nearly free: the path fits 60 ms again
    fast = session.design.model_copy(deep=True)
    for component in fast.components:
        component.params.latency_ms = 1
    assert check_design(fast, changed).by_rule()["latency.budget"].status == Status.passed
    assert note_recovery(session, check_design(fast, changed), now=1900.0)
    assert session.curveballs[0].passed_again_at == 1900.0


def test_an_interviewer_s_curveball_reaches_the_candidate_s_session_through_the_room():
    from design_framework.room import RoomEvent, apply_all, message
    from design_framework.session import Session

    scenario = playlist_with_budget_curveball()
    session = Session(scenario_id=PLAYLIST, design=scenario.reference_design, mode="mock")
    events = [
        RoomEvent(seq=1, at=10.0, kind="curveball", curveball="budget-60"),
        RoomEvent(
            seq=2, at=20.0, kind="curveball", changes={"peak_qps": 150000}, text="Traffic x10."
        ),
    ]
    assert "60 ms end to end" in message(events[0], scenario, session)
    assert "latency budget 200 ms → 60 ms" in message(events[0], scenario, session)
    applied = apply_all(session, events, scenario)
    assert len(applied) == 2
    first, second = session.curveballs
    assert (first.id, first.source) == ("budget-60", "interviewer")
    assert (second.id, second.changes.peak_qps, second.say) == ("custom-1", 150000, "Traffic x10.")
    # the second was checked against the first already: the budget stays broken in both
    assert second.before["latency.budget"] == "fail"
    assert [e.kind for e in session.timeline] == ["curveball", "curveball"]
    assert not apply_all(session, events, scenario)  # applied once only


PACK = shipped_scenarios()
JUDGED = (Status.failed, Status.warning)


def shipped_curveballs():
    for scenario_id, scenario in sorted(PACK.items()):
        for ball in scenario.curveballs:
            yield pytest.param(scenario_id, ball.id, id=f"{scenario_id}:{ball.id}")


@pytest.mark.parametrize("scenario_id", sorted(PACK))
def test_every_shipped_scenario_has_two_curveballs_that_apply_together(scenario_id):
    scenario = PACK[scenario_id]
    assert len(scenario.curveballs) >= 2
    # said one after another in one interview, their numbers still fit the scenario's mode
    everything = scenario.with_curveballs(scenario.curveballs)
    assert everything.requirements.mode == scenario.requirements.mode


@pytest.mark.parametrize(("scenario_id", "ball_id"), list(shipped_curveballs()))
def test_every_shipped_curveball_makes_the_reference_design_fail_or_warn_a_rule(
    scenario_id, ball_id
):
    """A curveball the reference design already copes with asks nothing of the candidate:
    each one turns a rule the reference passes (or that did not apply) into a failure or a
    warning, which a strong answer then fixes."""
    scenario = PACK[scenario_id]
    ball = next(b for b in scenario.curveballs if b.id == ball_id)
    before = check_design(scenario.reference_design, scenario).by_rule()
    after = check_design(scenario.reference_design, scenario.with_curveballs([ball])).by_rule()
    newly = [r for r, f in after.items() if f.status in JUDGED and before[r].status not in JUDGED]
    assert newly, f"{ball_id} leaves every verdict on {scenario_id}'s reference design as it was"
