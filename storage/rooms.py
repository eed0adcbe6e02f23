"""Mock-interview rooms in the database: role keys, expiry, events and one version to poll.

See ``design_framework.room`` for the protocol. Every write a participant must see bumps
``rooms.version`` in the same transaction, so "did anything change?" is one integer read
by primary key: cheap enough for every browser in a room to ask twice a second.

A mixin of ``Store``: it uses only the store's ``_read`` and ``_write`` plumbing, so it
runs unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hmac
import json
import time
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from design_framework.room import ROOM_HOURS, RoomEvent, apply_all, new_code, new_key
from design_framework.session import Feedback

Role = Literal["candidate", "interviewer"]

ROOM_TABLES = [
    """CREATE TABLE IF NOT EXISTS room_events (
        code TEXT NOT NULL,
        seq BIGINT NOT NULL,
        at DOUBLE PRECISION NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (code, seq))""",
]
ROOM_COLUMNS = [
    ("rooms", "interviewer_key", "TEXT NOT NULL DEFAULT ''"),
    ("rooms", "candidate_key", "TEXT NOT NULL DEFAULT ''"),
    # rooms from before keys existed have no keys and expire at 0: nobody can join them
    ("rooms", "expires_at", "DOUBLE PRECISION NOT NULL DEFAULT 0"),
    ("rooms", "ended_at", "DOUBLE PRECISION"),
    ("rooms", "version", "BIGINT NOT NULL DEFAULT 0"),
    ("rooms", "next_code", "TEXT"),
    ("rooms", "previous_code", "TEXT"),
]
_COLUMNS = (
    "code, session_id, created_at, expires_at, ended_at, version, interviewer_key, "
    "candidate_key, next_code, previous_code"
)
ROOM_INDEXES = [  # after ROOM_COLUMNS: older files get expires_at from there first
    "CREATE INDEX IF NOT EXISTS rooms_expires_at ON rooms (expires_at)",
]
KEEP_DAYS = 7.0
"""A room and its events are deleted this long after its links stopped working; what the
candidate's report needs (the interviewer's feedback, every event) is folded into their
session first."""
PURGE_BATCH = 50
"""Rooms purged at most per call: the purge runs on the way (a store opening, a room
opening), so it must stay short however many rooms are due."""


class RoomClosed(RuntimeError):
    """The room is ended (or gone): nothing more can be sent to it."""


@dataclass(frozen=True)
class Room:
    code: str
    session_id: str
    created_at: float
    expires_at: float
    ended_at: float | None
    version: int
    interviewer_key: str
    candidate_key: str
    next_code: str | None
    previous_code: str | None

    def role_for(self, key: str | None) -> Role | None:
        """The role a link's key grants here, or None (constant-time comparisons)."""
        if not key:
            return None
        given = key.encode()
        if self.interviewer_key and hmac.compare_digest(given, self.interviewer_key.encode()):
            return "interviewer"
        if self.candidate_key and hmac.compare_digest(given, self.candidate_key.encode()):
            return "candidate"
        return None

    def key_for(self, role: Role) -> str:
        return self.interviewer_key if role == "interviewer" else self.candidate_key

    def expired(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.expires_at

    @property
    def ended(self) -> bool:
        return self.ended_at is not None


def _scenario_of(session):
    """The scenario a session practises (a pushed hint needs its text), or None."""
    from components.loading import InputError
    from scenarios.loader import scenario_from_string, shipped_scenarios

    if session.scenario_yaml:
        try:
            return scenario_from_string(session.scenario_yaml, "the session's scenario")
        except InputError:  # an authored scenario that no longer loads: hints keep no text
            return None
    return shipped_scenarios().get(session.scenario_id) if session.scenario_id else None


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def swapped(role: Role) -> Role:
    return "candidate" if role == "interviewer" else "interviewer"


class RoomsMixin:
    """Room operations of ``Store`` (see the module docstring)."""

    def create_room(
        self,
        session_id: str,
        owner: str | None = None,
        hours: float = ROOM_HOURS,
        previous_code: str | None = None,
        now: float | None = None,
    ) -> Room:
        """A new room on ``session_id`` with a fresh code and two role keys."""
        now = time.time() if now is None else now

        def write(db):
            for _ in range(100):  # 32**6 codes: a clash is rare, a hundred in a row is not
                code = new_code()
                if not db.execute("SELECT 1 FROM rooms WHERE code = ?", (code,)).fetchone():
                    break
            db.execute(
                "INSERT INTO rooms (code, session_id, created_at, feedback, owner, "
                "interviewer_key, candidate_key, expires_at, version, previous_code) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                (
                    code,
                    session_id,
                    now,
                    Feedback().model_dump_json(),
                    owner,
                    new_key(),
                    new_key(),
                    now + hours * 3600,
                    previous_code,
                ),
            )
            return code

        created = self.room(self._write(write))
        self.purge_quietly(now)  # housekeeping on the way; the room is open whatever it says
        return created

    def purge_quietly(self, now: float | None = None) -> int:
        """``purge_expired_rooms``, for the places it runs on the way: a failure is left
        for the next run (the rooms stay as they were), never raised to the caller."""
        from storage import StorageError

        try:
            return self.purge_expired_rooms(now)
        except StorageError:
            return 0

    def room(self, code: str) -> Room | None:
        row = self._read(f"SELECT {_COLUMNS} FROM rooms WHERE code = ?", (normalise(code),), True)
        return Room(*row) if row else None

    def room_session_id(self, code: str) -> str | None:
        row = self._read("SELECT session_id FROM rooms WHERE code = ?", (normalise(code),), True)
        return row[0] if row else None

    def room_version(self, code: str) -> int:
        """The integer the candidate's screen polls: moves whenever the room changes."""
        row = self._read("SELECT version FROM rooms WHERE code = ?", (normalise(code),), True)
        return int(row[0]) if row else -1

    def room_watch(self, code: str) -> int:
        """The integer the interviewer's screen polls: the room's version plus the
        candidate session's revision, both only ever grow, so their sum moves whenever
        either side saved. One read by primary key."""
        row = self._read(
            "SELECT r.version + s.revision FROM rooms r JOIN sessions s ON s.id = r.session_id "
            "WHERE r.code = ?",
            (normalise(code),),
            True,
        )
        return int(row[0]) if row else -1

    def push(self, code: str, event: RoomEvent) -> RoomEvent:
        """Append an event; returns it with its sequence number. Refused once ended."""
        code = normalise(code)

        def write(db):
            rows = db.execute(
                "UPDATE rooms SET version = version + 1 WHERE code = ? AND ended_at IS NULL "
                "RETURNING version",
                (code,),
            ).fetchall()
            if not rows:
                return None
            stored = event.model_copy(update={"seq": int(rows[0][0])})
            db.execute(
                "INSERT INTO room_events (code, seq, at, body) VALUES (?, ?, ?, ?)",
                (code, stored.seq, stored.at, stored.model_dump_json()),
            )
            if event.kind == "end":
                db.execute("UPDATE rooms SET ended_at = ? WHERE code = ?", (event.at, code))
            return stored

        stored = self._write(write)
        if stored is None:
            raise RoomClosed(f"Room {code} is ended or does not exist: nothing was sent.")
        return stored

    def room_events(self, code: str, after: int = 0) -> list[RoomEvent]:
        rows = self._read(
            "SELECT body FROM room_events WHERE code = ? AND seq > ? ORDER BY seq",
            (normalise(code), after),
        )
        return [RoomEvent.model_validate_json(body) for (body,) in rows]

    def save_feedback(self, code: str, feedback: Feedback) -> None:
        # Kept apart from the session row so the interviewer's saves never overwrite the
        # candidate's notes (two browsers write at the same time).
        self._write(
            lambda db: db.execute(
                "UPDATE rooms SET feedback = ?, version = version + 1 WHERE code = ?",
                (feedback.model_dump_json(), normalise(code)),
            )
        )

    def load_feedback(self, code: str) -> Feedback:
        from storage import StorageError

        row = self._read("SELECT feedback FROM rooms WHERE code = ?", (normalise(code),), True)
        if row is None:
            return Feedback()
        try:
            return Feedback.model_validate_json(row[0])
        except ValidationError:
            raise StorageError(
                f"Stored feedback of room {code} in {self.path} cannot be read; it is left "
                "as it is."
            ) from None

    def purge_expired_rooms(
        self,
        now: float | None = None,
        keep_days: float = KEEP_DAYS,
        limit: int = PURGE_BATCH,
    ) -> int:
        """Delete rooms whose links expired more than ``keep_days`` ago, with their events;
        returns how many went. No cron needed: called when a store opens and when a room
        opens, ``limit`` rooms at a time, oldest first.

        Nothing a report shows is lost: the events the candidate's page never applied are
        applied to the candidate's session (so its timeline and clock are whole) and the
        interviewer's feedback is copied into it, in the same transaction as the delete,
        written only if the session did not change meanwhile (a room whose session is
        being saved at that moment, or cannot be read, waits for the next purge).
        """
        cutoff = (time.time() if now is None else now) - keep_days * 86400
        due = self._read(
            "SELECT code, session_id FROM rooms WHERE expires_at < ? ORDER BY expires_at LIMIT ?",
            (cutoff, limit),
        )
        return sum(self._purge_room(code, session_id) for code, session_id in due)

    def _purge_room(self, code: str, session_id: str) -> bool:
        from storage import StorageError

        stored = self._read("SELECT body, revision FROM sessions WHERE id = ?", (session_id,), True)
        session = revision = None
        if stored is not None:
            try:
                session = self._session(session_id, stored[0])
            except StorageError:
                return False  # kept: its feedback has nowhere to go
            revision = stored[1]
            events = self.room_events(code, after=session.room_seq)
            if events:
                apply_all(session, events, _scenario_of(session))
            feedback = self.load_feedback(code)
            if feedback != Feedback():
                session.feedback = feedback
        body = json.dumps(session.to_dict()) if session is not None else None

        def write(db):
            if body is not None:
                cursor = db.execute(
                    "UPDATE sessions SET body = ?, updated_at = ?, revision = revision + 1 "
                    "WHERE id = ? AND revision = ?",
                    (body, time.time(), session_id, revision),
                )
                if cursor.rowcount == 0:
                    return False  # saved meanwhile: try again next time
            db.execute("DELETE FROM room_events WHERE code = ?", (code,))
            db.execute("DELETE FROM rooms WHERE code = ?", (code,))
            return True

        return self._write(write)

    def link_next_room(self, code: str, next_code: str) -> bool:
        """Point a room at the round that follows it; False if one was linked already."""

        def write(db):
            rows = db.execute(
                "UPDATE rooms SET next_code = ?, version = version + 1 "
                "WHERE code = ? AND next_code IS NULL RETURNING version",
                (normalise(next_code), normalise(code)),
            ).fetchall()
            return bool(rows)

        return self._write(write)
