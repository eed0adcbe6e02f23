"""Storage: sessions survive a restart, rooms keep feedback apart, attempts accumulate.

Every test runs on both back ends: the SQLite file and a real PostgreSQL server
(``tests/conftest.py``)."""

import json
from pathlib import Path

import pytest

from components.design import Design
from design_framework.room import RoomEvent
from design_framework.session import ConflictCopy, Feedback, Rating, Session, merge_sessions
from storage import ConflictError, RoomClosed, StorageError, Store, open_store
from storage.rooms import KEEP_DAYS


def test_a_saved_session_survives_a_new_connection(reopen):
    session = Session(scenario_id="skip-prediction", notes={"requirements": "p99"})
    reopen().save_session(session)
    restored = reopen().load_session(session.id)  # as after a server restart
    assert restored.notes == {"requirements": "p99"}
    assert restored.scenario_id == "skip-prediction"


def test_a_save_is_kept_when_the_process_dies_right_after_it(tmp_path):
    # WAL with synchronous=NORMAL: a commit does not wait for the disk (bench/load.py: p99
    # of saves), and what it committed survives the process dying without closing the file
    # (os._exit: no clean-up, no checkpoint); only the machine losing power could lose it
    import subprocess
    import sys

    saver = (
        "import os, sys\n"
        "from storage import open_store\n"
        "from design_framework.session import Session\n"
        "store = open_store(sys.argv[1])\n"
        "session = Session(scenario_id='realtime-playlist-recs', notes={'data': 'logs'})\n"
        "store.save_session(session)\n"
        "print(session.id, flush=True)\n"
        "os._exit(9)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", saver, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert ran.returncode == 9, ran.stderr
    reopened = open_store(tmp_path)
    assert reopened.load_session(ran.stdout.strip()).notes == {"data": "logs"}
    assert reopened._connection().execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


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


# ---- no silent overwrite -------------------------------------------------------------------


def test_a_save_from_a_stale_copy_is_refused_with_what_is_stored(store):
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


def test_a_tab_that_drew_on_while_another_finished_does_not_reopen_the_session():
    base = Session(scenario_id="realtime-playlist-recs")
    base.start(now=1000.0)
    mine, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
    theirs.finish(now=1600.0)
    mine.record_design(
        Design.from_string("version: 1\ncomponents: [{id: r, type: ranker}]\nedges: []\n", "d"),
        now=1590.0,
    )
    merged = merge_sessions(base, mine, theirs).session
    assert merged.finished_at == 1600.0 and merged.running_since is None
    assert [c.id for c in merged.design.components] == ["r"]  # the drawing is not lost


# ---- owners ---------------------------------------------------------------------------------


def test_listings_show_only_the_owners_rows(store):
    alice, bob = Session(finished_at=1.0), Session(finished_at=2.0)
    store.save_session(alice, owner="browser:alice")
    store.save_session(bob, owner="user:bob")
    store.record_attempt(alice, 60, {}, owner="browser:alice")
    store.record_attempt(bob, 70, {}, owner="user:bob")
    assert [s.id for s in store.recent_sessions(owner="browser:alice")] == [alice.id]
    assert [a.session_id for a in store.attempts(owner="user:bob")] == [bob.id]
    store.save_session(alice, owner="user:bob")  # a later save never changes the owner
    assert store.session_owner(alice.id) == "browser:alice"


# ---- damaged data (a corrupt or truncated file is SQLite's alone) ---------------------------------------------------------------------------


def test_a_row_that_no_longer_validates_is_skipped_and_reported(store):
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
    with pytest.raises(StorageError) as raised:
        store.load_session(broken.id)
    assert str(store.path) in str(raised.value)  # the file, or the database's URL
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


# ---- purging expired rooms -------------------------------------------------------------------

DAY = 86_400.0
KEPT = KEEP_DAYS * DAY  # how long a room stays once its links expired


def expired_room(store, session=None, hours=1.0):
    """A room that opened at t=0 and whose links expired an hour later."""
    session = session or Session(scenario_id="realtime-playlist-recs")
    store.save_session(session)
    return session, store.create_room(session.id, hours=hours, now=0.0)


def test_a_room_goes_with_its_events_a_week_after_it_expired(store):
    session, room = expired_room(store)
    store.push(room.code, RoomEvent(kind="question", text="Where does the 200 ms go?", at=60.0))
    store.push(room.code, RoomEvent(kind="end", at=120.0))
    store.save_feedback(room.code, Feedback(verdict="hire", summary="Clear on numbers."))
    fresh, live = expired_room(store, hours=24 * 30)  # links still working

    assert store.purge_expired_rooms(now=3_600 + KEPT - 1) == 0  # not yet a week
    assert store.room(room.code) is not None
    assert store.purge_expired_rooms(now=3_600 + KEPT + 1) == 1
    assert store.room(room.code) is None and store.room_events(room.code) == []
    assert store.room(live.code) is not None

    # the candidate never came back to apply the end: their report still has everything
    kept = store.load_session(session.id)
    assert [e.text for e in kept.timeline] == [
        "Where does the 200 ms go?",
        "The interviewer ended the interview.",
    ]
    assert kept.finished_at == 120.0
    assert kept.feedback.verdict == "hire" and kept.feedback.summary == "Clear on numbers."


def test_a_pushed_hint_keeps_its_text_when_its_room_is_purged(store):
    session, room = expired_room(store)
    store.push(room.code, RoomEvent(kind="hint", hint=0, at=30.0))
    store.purge_expired_rooms(now=3_600 + KEPT + 1)
    kept = store.load_session(session.id)
    assert kept.hints_used == {"requirements": [0]}  # recorded as used, as on the page
    assert kept.timeline[0].text and kept.timeline[0].kind == "hint"


def test_events_the_candidate_applied_are_not_applied_twice(store):
    session, room = expired_room(store)
    event = store.push(room.code, RoomEvent(kind="question", text="Once only", at=10.0))
    from design_framework.room import apply_all

    apply_all(session, [event])  # the candidate's page did this and saved
    store.save_session(session)
    store.purge_expired_rooms(now=3_600 + KEPT + 1)
    assert [e.text for e in store.load_session(session.id).timeline] == ["Once only"]


def test_the_purge_runs_in_bounded_batches_when_a_room_opens_and_at_start(reopen):
    store = reopen()
    rooms = [expired_room(store)[1] for _ in range(3)]
    assert store.purge_expired_rooms(now=3_600 + KEPT + 1, limit=2) == 2
    assert sum(store.room(r.code) is not None for r in rooms) == 1  # the newest waits

    # no cron: opening a room purges what is due...
    session = Session()
    store.save_session(session)
    opened = store.create_room(session.id, now=3_600 + KEPT + 1)
    assert [store.room(r.code) for r in rooms] == [None, None, None]
    assert store.room(opened.code) is not None

    # ...and so does starting (opening the store), as every replica does
    due = expired_room(store)[1]
    assert store.room(due.code) is not None
    reopen()  # now is long after t=0
    assert store.room(due.code) is None


def test_a_room_whose_session_no_longer_loads_is_kept_with_its_feedback(store):
    session, room = expired_room(store)
    store.save_feedback(room.code, Feedback(summary="Keep me."))
    body = json.loads(store._read("SELECT body FROM sessions WHERE id = ?", (session.id,))[0][0])
    body["notes"] = {"old_step_id": "text"}
    store._write(
        lambda db: db.execute(
            "UPDATE sessions SET body = ? WHERE id = ?", (json.dumps(body), session.id)
        )
    )
    assert store.purge_expired_rooms(now=3_600 + KEPT + 1) == 0
    assert store.load_feedback(room.code).summary == "Keep me."


def test_a_room_whose_session_is_gone_is_purged(store):
    _, room = expired_room(store)
    store._write(lambda db: db.execute("DELETE FROM sessions WHERE id = ?", (room.session_id,)))
    assert store.purge_expired_rooms(now=3_600 + KEPT + 1) == 1
    assert store.room(room.code) is None


def test_the_process_shares_one_store_per_data_folder_until_released(tmp_path, monkeypatch):
    from storage import release_shared_stores, shared_store

    monkeypatch.delenv("WHITEBOARD_DATABASE_URL", raising=False)
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(tmp_path / "a"))
    first = shared_store()
    assert shared_store() is first
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(tmp_path / "b"))
    assert shared_store() is not first
    assert shared_store().path == tmp_path / "b" / "whiteboard.sqlite3"
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(tmp_path / "a"))
    release_shared_stores()  # as a restart: the next call opens the file afresh
    assert shared_store() is not first
    release_shared_stores()


def test_a_read_only_link_has_its_own_key_survives_a_reopen_and_can_be_revoked(reopen):
    store = reopen()
    session = Session(scenario_id="realtime-playlist-recs", notes={"data": "logged events"})
    store.save_session(session, owner="browser:a")
    assert store.share_key(session.id) is None  # nothing is shared until asked
    key = store.share_key(session.id, create=True)
    assert len(key) == 32 and key != session.id
    assert store.share_key(session.id, create=True) == key  # one link per session
    store = reopen()  # another process, or a replica, on the same database
    assert store.shared_session(key).notes == {"data": "logged events"}
    assert store.shared_session(session.id) is None  # the session's id is no link key
    store.unshare(session.id)
    assert store.shared_session(key) is None and store.share_key(session.id) is None


def test_two_tabs_conflict_copies_are_both_kept_once_in_the_merge():
    base = Session(scenario_id="realtime-playlist-recs", notes={"requirements": "40k QPS"})
    mine = base.model_copy(deep=True)
    theirs = base.model_copy(deep=True)
    first = ConflictCopy(id="a" * 32, parts=["the design"], at=1.0)
    second = ConflictCopy(id="b" * 32, parts=["notes on Data"], at=2.0)
    mine.copies = [first.model_copy(update={"dismissed": True})]
    theirs.copies = [first, second]
    merged = merge_sessions(base, mine, theirs).session
    assert [(c.id, c.dismissed) for c in merged.copies] == [("a" * 32, True), ("b" * 32, False)]
