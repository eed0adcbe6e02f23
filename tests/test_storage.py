"""Storage: sessions survive a restart, rooms keep feedback apart, attempts accumulate.

Every test runs on both back ends: the SQLite file and a real PostgreSQL server
(``tests/conftest.py``)."""

import pytest

from design_framework.room import RoomEvent
from design_framework.session import Feedback, Rating, Session
from storage import RoomClosed


def test_a_saved_session_survives_a_new_connection(reopen):
    session = Session(scenario_id="skip-prediction", notes={"requirements": "p99"})
    reopen().save_session(session)
    restored = reopen().load_session(session.id)  # as after a server restart
    assert restored.notes == {"requirements": "p99"}
    assert restored.scenario_id == "skip-prediction"


def test_saving_again_updates_in_place(store):
    session = Session()
    store.save_session(session)
    session.notes["data"] = "logs"
    store.save_session(session)
    assert store.load_session(session.id).notes == {"data": "logs"}
    assert [s.id for s in store.recent_sessions()] == [session.id]


def test_unknown_ids_return_none(store):
    assert store.load_session("nope") is None
    assert store.room_session_id("AAAAAA") is None
    assert store.room("AAAAAA") is None


def test_rooms_map_codes_to_sessions_and_keep_feedback_apart(store):
    session = Session()
    store.save_session(session)
    code = store.create_room(session.id).code
    assert len(code) == 6 and store.room_session_id(code.lower()) == session.id
    feedback = Feedback(ratings={"data": Rating(score=4, comment="great")}, verdict="hire")
    store.save_feedback(code, feedback)
    session.notes["requirements"] = "candidate keeps typing"
    store.save_session(session)  # the candidate's save does not touch the feedback
    assert store.load_feedback(code) == feedback


def test_attempts_are_listed_oldest_first(store):
    first, second = Session(finished_at=100.0), Session(finished_at=200.0)
    store.record_attempt(second, 70, {"score": 70})
    store.record_attempt(first, 50, {"score": 50})
    store.record_attempt(second, 75, {"score": 75})  # recomputed report: replaced, not added
    assert [(a.session_id, a.score) for a in store.attempts()] == [(first.id, 50), (second.id, 75)]


# ---- live rooms ------------------------------------------------------------------------------


def test_a_room_has_two_different_keys_and_each_grants_one_role(store):
    session = Session()
    store.save_session(session)
    room = store.create_room(session.id)
    assert room.interviewer_key != room.candidate_key and len(room.interviewer_key) >= 20
    again = store.room(room.code)
    assert again.role_for(room.interviewer_key) == "interviewer"
    assert again.role_for(room.candidate_key) == "candidate"
    assert again.role_for("") is None and again.role_for(room.interviewer_key[:-1]) is None
    assert again.role_for(room.code) is None  # the code alone grants nothing


def test_a_room_expires(store):
    session = Session()
    store.save_session(session)
    room = store.create_room(session.id, hours=1, now=1_000.0)
    assert not room.expired(now=1_000.0 + 3_599)
    assert room.expired(now=1_000.0 + 3_600)


def test_pushed_events_get_increasing_numbers_and_bump_the_version(store):
    session = Session()
    store.save_session(session)
    code = store.create_room(session.id).code
    before = store.room_version(code)
    first = store.push(code, RoomEvent(kind="question", text="How do you size the index?"))
    second = store.push(code, RoomEvent(kind="time_call", text="5 minutes left for data."))
    assert second.seq > first.seq
    assert store.room_version(code) == second.seq > before
    assert [e.text for e in store.room_events(code)] == [
        "How do you size the index?",
        "5 minutes left for data.",
    ]
    assert [e.seq for e in store.room_events(code, after=first.seq)] == [second.seq]


def test_the_interviewer_watch_moves_when_the_candidate_saves_or_the_room_changes(store):
    session = Session()
    store.save_session(session)
    code = store.create_room(session.id).code
    seen = store.room_watch(code)
    session.notes["data"] = "a new line"
    store.save_session(session)
    after_save = store.room_watch(code)
    assert after_save > seen
    store.save_feedback(code, Feedback(summary="draft"))
    assert store.room_watch(code) > after_save


def test_an_ended_room_refuses_further_events(store):
    session = Session()
    store.save_session(session)
    code = store.create_room(session.id).code
    store.push(code, RoomEvent(kind="end"))
    assert store.room(code).ended
    with pytest.raises(RoomClosed, match=f"Room {code} is ended"):
        store.push(code, RoomEvent(kind="question", text="too late"))
    assert [e.kind for e in store.room_events(code)] == ["end"]


def test_only_one_next_round_is_linked(store):
    session = Session()
    store.save_session(session)
    first = store.create_room(session.id).code
    second = store.create_room(session.id, previous_code=first).code
    third = store.create_room(session.id, previous_code=first).code
    assert store.link_next_room(first, second) is True
    assert store.link_next_room(first, third) is False  # the other side clicked too
    assert store.room(first).next_code == second
    assert store.room(second).previous_code == first


def test_both_backends_share_one_database_between_two_processes(reopen):
    """Two replicas on one database: what one writes, the other reads at once."""
    replica_a, replica_b = reopen(), reopen()
    session = Session(notes={"requirements": "from replica A"})
    replica_a.save_session(session)
    code = replica_a.create_room(session.id).code
    replica_b.push(code, RoomEvent(kind="question", text="from replica B"))
    assert replica_b.load_session(session.id).notes == {"requirements": "from replica A"}
    assert [e.text for e in replica_a.room_events(code)] == ["from replica B"]
