"""Time spent drawing is booked to the step the drawing belongs to, not the step that is open."""

import pytest

from components.catalog import load_catalog
from components.design import Design
from components.quick import parse_quick
from design_framework.drawing import DRAW_GAP_S, step_of_types, steps_for_edit
from design_framework.report import build_report, to_json, to_markdown
from design_framework.session import Session
from scenarios.loader import shipped_scenarios

T0 = 1_000_000.0
SERVING = parse_quick(
    "client: client_app\nclient -> gateway(api_gateway) -> svc(recommendation_service)"
)


def test_every_catalog_type_belongs_to_exactly_one_step():
    steps = step_of_types()
    assert set(steps) == set(load_catalog().ids)
    assert steps["api_gateway"] == "serving" and steps["ann_index"] == "serving"
    assert steps["feature_store"] == "data" and steps["batch_etl"] == "data"
    assert steps["training_pipeline"] == "model" and steps["ranker"] == "model"
    assert steps["ab_testing"] == "evaluation" and steps["monitoring"] == "monitoring"


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("", "ranker: ranker", ["model"]),
        ("client: client_app", "client: client_app\nmonitoring: monitoring", ["monitoring"]),
        # an edge belongs to both its ends
        (
            "feature_store: feature_store\nranker: ranker",
            "feature_store: feature_store\nranker: ranker\nfeature_store -> ranker",
            ["data", "model"],
        ),
        ("ranker: ranker out_k=200", "ranker: ranker out_k=50", ["model"]),
        ("ab: ab_testing\nranker: ranker", "ranker: ranker", ["evaluation"]),
        ("ranker: ranker", "ranker: ranker", []),
    ],
    ids=["added", "added-next-to", "edge", "edited", "removed", "unchanged"],
)
def test_a_change_belongs_to_the_steps_of_what_changed(before, after, expected):
    assert steps_for_edit(parse_quick(before), parse_quick(after)) == expected


def test_moving_a_box_belongs_to_its_step_and_sticky_notes_to_none():
    placed = Design.model_validate(
        {"components": [{"id": "c", "type": "cache", "pos": {"x": 0, "y": 0}}]}
    )
    moved = Design.model_validate(
        {"components": [{"id": "c", "type": "cache", "pos": {"x": 90, "y": 0}}]}
    )
    assert steps_for_edit(placed, moved) == ["serving"]
    noted = Design.model_validate({**placed.to_dict(), "notes": [{"text": "ask about cold start"}]})
    assert steps_for_edit(placed, noted) == []


def test_sketching_serving_during_requirements_is_serving_time():
    session = Session(scenario_id="realtime-playlist-recs")
    session.start(T0)
    session.record_notes("requirements", "Peak 15k QPS", T0 + 120)  # two minutes of talk
    assert session.record_design(SERVING, T0 + 150) == ["serving"]  # then 30 s drawing
    session.pause(T0 + 200)
    assert session.spent_s == {"requirements": 170, "serving": 30}
    assert session.drawn_s == {"serving": 30}
    assert session.current_step == "requirements"


def test_a_long_silence_before_a_change_stays_with_the_open_step():
    session = Session()
    session.start(T0)
    session.record_design(parse_quick("ranker: ranker"), T0 + 600)
    assert session.spent_s == {"requirements": 600 - DRAW_GAP_S, "model": DRAW_GAP_S}
    assert session.drawn_s == {"model": DRAW_GAP_S}


def test_a_change_touching_two_steps_shares_the_drawing_time():
    session = Session()
    session.start(T0)
    session.record_design(parse_quick("feature_store -> ranker"), T0 + 40)
    assert session.spent_s == {"data": 20, "model": 20}
    assert session.elapsed_seconds(T0 + 40) == 40  # moved, never counted twice


def test_the_step_the_candidate_says_they_draw_for_wins():
    session = Session(drawing_for="serving")
    session.start(T0)
    session.record_design(parse_quick("ranker: ranker"), T0 + 30)
    assert session.drawn_s == {"serving": 30}


def test_sticky_notes_and_a_paused_clock():
    session = Session()
    session.start(T0)
    noted = Design.model_validate({"notes": [{"text": "ask about cold start"}]})
    session.record_design(noted, T0 + 10)
    assert session.drawn_s == {"requirements": 10}  # no type to go by: the open step
    session.pause(T0 + 20)
    session.record_design(parse_quick("ranker: ranker"), T0 + 900)
    assert session.spent_s == {"requirements": 20} and "model" not in session.drawn_s
    assert session.design.component("ranker")  # the design is still taken


def test_the_report_and_its_exports_say_how_time_was_booked():
    scenario = shipped_scenarios()["realtime-playlist-recs"]
    session = Session(scenario_id=scenario.id, length_minutes=45)
    session.start(T0)
    for n in range(1, 15):  # 14 changes on the board, 30 s apart, all serving
        session.record_design(
            parse_quick("\n".join(f"g{i}: api_gateway" for i in range(n))), T0 + 30 * n
        )
    session.pause(T0 + 30 * 14)
    report = build_report(session, scenario)
    serving = next(s for s in report.steps if s.step_id == "serving")
    assert serving.spent_text == "7:00, of which 7:00 drawing"
    requirements = next(s for s in report.steps if s.step_id == "requirements")
    assert requirements.spent_s == 0  # nothing booked to the step that was open
    assert not [p for p in report.lost if p.area == "time" and "Serving" in p.reason]
    assert next(s for s in to_json(report)["steps"] if s["step"] == "serving")["drawn_s"] == 420
    markdown = to_markdown(report)
    assert "| Serving and deployment | 7:00 | 7:00 |" in markdown
    assert "7:00 was drawing: " in markdown
    assert report.summary()["steps"]["serving"]["drawn_s"] == 420


def test_an_old_session_file_without_drawing_fields_still_loads():
    old = "kind: session\nversion: 1\nid: abcdef12\nspent_s: {requirements: 300}\n"
    session = Session.from_string(old, "old.yaml")
    assert session.drawn_s == {} and session.drawing_for is None
    assert build_report(session).steps[0].spent_text == "5:00"


def test_drawing_fields_round_trip_and_bad_ones_name_their_line():
    session = Session(drawing_for="model")
    session.start(T0)
    session.record_design(parse_quick("ranker: ranker"), T0 + 12)
    assert Session.from_string(session.to_yaml(), "s.yaml") == session
    from components.loading import InputError

    with pytest.raises(InputError) as caught:
        Session.from_string("kind: session\ndrawn_s:\n  lunch: 3\n", "s.yaml")
    assert "s.yaml:3: drawn_s.lunch: unknown step" in str(caught.value)
    with pytest.raises(InputError) as caught:
        Session.from_string("kind: session\ndrawing_for: lunch\n", "s.yaml")
    assert "s.yaml:2: drawing_for: unknown step 'lunch'" in str(caught.value)
