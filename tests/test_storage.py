"""Storage: sessions survive a restart, rooms keep feedback apart, attempts accumulate."""

import json
from pathlib import Path

import pytest

from components.design import Design
from design_framework.session import Feedback, Rating, Session, merge_sessions
from storage import ConflictError, StorageError, Store, open_store


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


# ---- no silent overwrite -------------------------------------------------------------------


def test_a_save_from_a_stale_copy_is_refused_with_what_is_stored(tmp_path):
    store = open_store(tmp_path)
    session = Session(notes={"data": "first"})
    read_at = store.save_session(session)
    tab_a, tab_b = session.model_copy(deep=True), session.model_copy(deep=True)
    tab_a.notes["data"] = "tab A's notes"
    after_a = store.save_session(tab_a, expected=read_at)
    tab_b.notes["model"] = "tab B's notes"
    with pytest.raises(ConflictError) as raised:
        store.save_session(tab_b, expected=read_at)
    assert raised.value.revision == after_a
    assert raised.value.stored.notes["data"] == "tab A's notes"
    assert store.load_session(session.id).notes == {"data": "tab A's notes"}


def test_merging_two_tabs_keeps_both_sides_and_names_real_conflicts():
    base = Session(notes={"data": "logs"})
    mine, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
    theirs.notes["requirements"] = "40k QPS"  # only the other tab wrote here
    mine.design = Design.from_string(
        "version: 1\ncomponents: [{id: r, type: ranker}]\nedges: []\n", "d"
    )
    merged = merge_sessions(base, mine, theirs)
    assert merged.conflicts == []
    assert merged.session.notes["requirements"] == "40k QPS"
    assert [c.id for c in merged.session.design.components] == ["r"]
    theirs.notes["data"] = "logs and plays"
    mine.notes["data"] = "logs, plays and skips"
    merged = merge_sessions(base, mine, theirs)
    assert merged.conflicts == ["notes on Data and features"]
    assert merged.session.notes["data"] == "logs, plays and skips"


# ---- owners ---------------------------------------------------------------------------------


def test_listings_show_only_the_owners_rows(tmp_path):
    store = open_store(tmp_path)
    alice, bob = Session(finished_at=1.0), Session(finished_at=2.0)
    store.save_session(alice, owner="browser:alice")
    store.save_session(bob, owner="user:bob")
    store.record_attempt(alice, 60, {}, owner="browser:alice")
    store.record_attempt(bob, 70, {}, owner="user:bob")
    assert [s.id for s in store.recent_sessions(owner="browser:alice")] == [alice.id]
    assert [a.session_id for a in store.attempts(owner="user:bob")] == [bob.id]
    store.save_session(alice, owner="user:bob")  # a later save never changes the owner
    assert store.session_owner(alice.id) == "browser:alice"


# ---- damaged data ---------------------------------------------------------------------------


def test_a_row_that_no_longer_validates_is_skipped_and_reported(tmp_path):
    store = open_store(tmp_path)
    good = Session(notes={"data": "kept"})
    store.save_session(good)
    broken = Session()
    store.save_session(broken)
    body = json.loads(store._read("SELECT body FROM sessions WHERE id = ?", (broken.id,))[0][0])
    body["notes"] = {"old_step_id": "text"}
    store._write(
        lambda db: db.execute(
            "UPDATE sessions SET body = ? WHERE id = ?", (json.dumps(body), broken.id)
        )
    )
    listing = store.recent_sessions()
    assert [s.id for s in listing] == [good.id]
    assert len(listing.skipped) == 1 and broken.id in listing.skipped[0]
    assert "notes" in listing.skipped[0]
    with pytest.raises(StorageError, match=str(tmp_path)):
        store.load_session(broken.id)
    assert store.load_session(good.id).notes == {"data": "kept"}


def test_a_corrupt_file_is_named_with_what_to_do(tmp_path):
    path = tmp_path / "whiteboard.sqlite3"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    store = Store(path)
    with pytest.raises(StorageError) as raised:
        store.recent_sessions()
    message = str(raised.value)
    assert str(path) in message and "corrupt" in message and "move it aside" in message
    with pytest.raises(StorageError, match="corrupt"):
        store.save_session(Session())
    assert path.read_bytes().startswith(b"this is not a database")  # left as it was


def test_a_truncated_file_is_reported_not_a_traceback(tmp_path):
    store = open_store(tmp_path)
    for n in range(200):
        store.save_session(Session(notes={"data": f"note {n} " * 50}))
    store._write(lambda db: db.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
    store.close()
    path = tmp_path / "whiteboard.sqlite3"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with pytest.raises(StorageError) as raised:
        reopened = Store(path)
        reopened.recent_sessions(limit=500)
    assert str(path) in str(raised.value)
    assert "corrupt or truncated" in str(raised.value)


def test_a_file_from_before_revisions_and_owners_opens_and_saves(tmp_path):
    import sqlite3

    path = tmp_path / "whiteboard.sqlite3"
    old = Session(notes={"data": "from the first release"})
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE sessions (id TEXT PRIMARY KEY, scenario_id TEXT, "
        "updated_at DOUBLE PRECISION NOT NULL, body TEXT NOT NULL)"
    )
    db.execute("INSERT INTO sessions VALUES (?, NULL, 1.0, ?)", (old.id, json.dumps(old.to_dict())))
    db.commit()
    db.close()
    store = Store(path)
    assert store.load_versioned(old.id)[1] == 1 and store.session_owner(old.id) is None
    store.claim_session(old.id, "browser:me")
    old.notes["data"] = "and saved again"
    assert store.save_session(old, "browser:me", expected=1) == 2
    assert [s.notes for s in store.recent_sessions(owner="browser:me")] == [old.notes]
