"""Persistence behind one small interface: sessions, mock-interview rooms, finished attempts.

The default is one SQLite file under a data folder (``WHITEBOARD_DATA_DIR``, default
``./data``). The SQL sticks to what PostgreSQL also runs (TEXT, DOUBLE PRECISION, upserts
with ``ON CONFLICT``), so a shared deployment can swap the connection factory later; only
the ``?`` placeholders would change to ``%s``.

Documents (sessions) are stored as JSON text: the schema of a session lives in its pydantic
model, not in columns, and the columns hold only what is queried.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from design_framework.session import Feedback, Session

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        scenario_id TEXT,
        updated_at DOUBLE PRECISION NOT NULL,
        body TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS rooms (
        code TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        feedback TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS attempts (
        session_id TEXT PRIMARY KEY,
        scenario_id TEXT,
        finished_at DOUBLE PRECISION NOT NULL,
        score INTEGER NOT NULL,
        summary TEXT NOT NULL)""",
]

ROOM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread aloud


@dataclass(frozen=True)
class Attempt:
    """A finished session, for the progress page."""

    session_id: str
    scenario_id: str | None
    finished_at: float
    score: int
    summary: dict


class Store:
    """Sessions, rooms and attempts in one SQLite file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # One connection shared by Streamlit's script threads; the lock serialises writes.
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        with self._lock, self._db:
            for statement in SCHEMA:
                self._db.execute(statement)

    def close(self) -> None:
        self._db.close()

    # ---- sessions -------------------------------------------------------------------------

    def save_session(self, session: Session) -> None:
        session.updated_at = time.time()
        body = json.dumps(session.to_dict())
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO sessions (id, scenario_id, updated_at, body) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET scenario_id = excluded.scenario_id, "
                "updated_at = excluded.updated_at, body = excluded.body",
                (session.id, session.scenario_id, session.updated_at, body),
            )

    def load_session(self, session_id: str) -> Session | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        return Session.model_validate(json.loads(row[0])) if row else None

    def recent_sessions(self, limit: int = 10) -> list[Session]:
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM sessions ORDER BY updated_at DESC LIMIT ?", (limit,)
            ).fetchall()
        return [Session.model_validate(json.loads(body)) for (body,) in rows]

    # ---- rooms ----------------------------------------------------------------------------

    def create_room(self, session_id: str) -> str:
        """A short code the interviewer types in the other browser."""
        with self._lock, self._db:
            while True:
                code = "".join(secrets.choice(ROOM_ALPHABET) for _ in range(6))
                taken = self._db.execute("SELECT 1 FROM rooms WHERE code = ?", (code,)).fetchone()
                if not taken:
                    break
            self._db.execute(
                "INSERT INTO rooms (code, session_id, created_at, feedback) VALUES (?, ?, ?, ?)",
                (code, session_id, time.time(), Feedback().model_dump_json()),
            )
        return code

    def room_session_id(self, code: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT session_id FROM rooms WHERE code = ?", (code.strip().upper(),)
            ).fetchone()
        return row[0] if row else None

    def save_feedback(self, code: str, feedback: Feedback) -> None:
        # Kept apart from the session row so the interviewer's saves never overwrite the
        # candidate's notes (two browsers write at the same time).
        with self._lock, self._db:
            self._db.execute(
                "UPDATE rooms SET feedback = ? WHERE code = ?",
                (feedback.model_dump_json(), code.strip().upper()),
            )

    def load_feedback(self, code: str) -> Feedback:
        with self._lock:
            row = self._db.execute(
                "SELECT feedback FROM rooms WHERE code = ?", (code.strip().upper(),)
            ).fetchone()
        return Feedback.model_validate_json(row[0]) if row else Feedback()

    # ---- attempts -------------------------------------------------------------------------

    def record_attempt(self, session: Session, score: int, summary: dict) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO attempts (session_id, scenario_id, finished_at, score, summary) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET "
                "finished_at = excluded.finished_at, score = excluded.score, "
                "summary = excluded.summary",
                (
                    session.id,
                    session.scenario_id,
                    session.finished_at or time.time(),
                    score,
                    json.dumps(summary),
                ),
            )

    def attempts(self) -> list[Attempt]:
        with self._lock:
            rows = self._db.execute(
                "SELECT session_id, scenario_id, finished_at, score, summary FROM attempts "
                "ORDER BY finished_at"
            ).fetchall()
        return [Attempt(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]


def default_data_dir() -> Path:
    return Path(os.environ.get("WHITEBOARD_DATA_DIR", "data"))


def open_store(data_dir: str | Path | None = None) -> Store:
    return Store(Path(data_dir or default_data_dir()) / "whiteboard.sqlite3")
