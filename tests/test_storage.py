"""Storage: sessions survive a restart, rooms keep feedback apart, attempts accumulate."""

from design_framework.session import Feedback, Rating, Session
from storage import Store, open_store


def test_a_saved_session_survives_a_new_connection(tmp_path):
    session = Session(scenario_id="skip-prediction", notes={"requirements": "p99"})
    open_store(tmp_path).save_session(session)
    restored = open_store(tmp_path).load_session(session.id)  # as after a server restart
    assert restored.notes == {"requirements": "p99"}
    assert restored.scenario_id == "skip-prediction"


def test_saving_again_updates_in_place(tmp_path):
    store = open_store(tmp_path)
    session = Session()
    store.save_session(session)
    session.notes["data"] = "logs"
    store.save_session(session)
    assert store.load_session(session.id).notes == {"data": "logs"}
    assert [s.id for s in store.recent_sessions()] == [session.id]


def test_unknown_ids_return_none(tmp_path):
    store = open_store(tmp_path)
    assert store.load_session("nope") is None
    assert store.room_session_id("AAAAAA") is None


def test_rooms_map_codes_to_sessions_and_keep_feedback_apart(tmp_path):
    store = open_store(tmp_path)
    session = Session()
    store.save_session(session)
    code = store.create_room(session.id)
    assert len(code) == 6 and store.room_session_id(code.lower()) == session.id
    feedback = Feedback(ratings={"data": Rating(score=4, comment="great")}, verdict="hire")
    store.save_feedback(code, feedback)
    session.notes["requirements"] = "candidate keeps typing"
    store.save_session(session)  # the candidate's save does not touch the feedback
    assert store.load_feedback(code) == feedback


def test_attempts_are_listed_oldest_first(tmp_path):
    store = Store(tmp_path / "x.sqlite3")
    first, second = Session(finished_at=100.0), Session(finished_at=200.0)
    store.record_attempt(second, 70, {"score": 70})
    store.record_attempt(first, 50, {"score": 50})
    store.record_attempt(second, 75, {"score": 75})  # recomputed report: replaced, not added
    assert [(a.session_id, a.score) for a in store.attempts()] == [(first.id, 50), (second.id, 75)]
