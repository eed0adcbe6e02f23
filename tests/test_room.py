"""The room protocol: what the interviewer sends lands in the candidate's session, once,
at the time it was sent, and ends up in the timeline."""

from design_framework.room import RoomEvent, apply, apply_all, message, project, time_call
from design_framework.session import Session
from scenarios.loader import shipped_scenarios

SCENARIO = shipped_scenarios()["realtime-playlist-recs"]


def session() -> Session:
    return Session(scenario_id=SCENARIO.id, length_minutes=45)


def test_a_pushed_hint_is_recorded_as_used_like_a_requested_one():
    s = session()
    assert apply(s, RoomEvent(seq=1, kind="hint", hint=2), SCENARIO)
    assert s.hints_used == {"requirements": [2]}
    assert s.timeline[-1].kind == "hint" and s.timeline[-1].text == SCENARIO.hints[2]
    apply(s, RoomEvent(seq=2, kind="hint", hint=2), SCENARIO)  # the same hint again
    assert s.hints_used == {"requirements": [2]}


def test_an_event_is_applied_once_even_if_read_twice():
    s = session()
    event = RoomEvent(seq=1, kind="question", text="What is your p99 budget?")
    assert apply(s, event, SCENARIO) is True
    assert apply(s, event, SCENARIO) is False
    assert [e.text for e in s.timeline] == ["What is your p99 budget?"]
    assert s.room_seq == 1


def test_the_shared_clock_follows_the_interviewer_at_the_times_they_acted():
    s = session()
    events = [
        RoomEvent(seq=1, at=1_000.0, kind="clock_start"),
        RoomEvent(seq=2, at=1_300.0, kind="advance", step="framing"),
        RoomEvent(seq=3, at=1_360.0, kind="clock_pause"),
    ]
    # applied late (the candidate's browser was away): the times come from the events
    new = apply_all(s, list(reversed(events)), SCENARIO)
    assert [e.seq for e in new] == [1, 2, 3]
    assert s.spent_s == {"requirements": 300.0, "framing": 60.0}
    assert s.current_step == "framing" and not s.running


def test_ending_finishes_the_session_at_the_end_time():
    s = session()
    apply_all(
        s,
        [RoomEvent(seq=1, at=10.0, kind="clock_start"), RoomEvent(seq=2, at=70.0, kind="end")],
        SCENARIO,
    )
    assert s.finished_at == 70.0 and s.spent_s == {"requirements": 60.0}


def test_the_interviewer_sees_the_projection_without_touching_the_session():
    s = session()
    view = project(s, [RoomEvent(seq=1, at=5.0, kind="clock_start")], SCENARIO)
    assert view.running and not s.running and s.room_seq == 0


def test_a_pointer_names_the_node_by_its_label():
    s = session()
    s.design = s.design.model_validate(
        {"components": [{"id": "rank", "type": "ranker", "label": "Deep ranker"}]}
    )
    event = RoomEvent(
        seq=1, kind="pointer", target="rank", target_kind="node", text="why this cost?"
    )
    assert message(event, SCENARIO, s) == "Look at the node Deep ranker (rank): why this cost?"


def test_a_time_call_says_what_is_left_for_the_step():
    s = session()
    s.start(now=0.0)
    text = time_call(s, now=60.0)
    assert (
        text.startswith("5 minutes left for Clarify requirements") and "44 in the interview" in text
    )
    assert "over its budget" in time_call(s, now=60.0 * 20)
