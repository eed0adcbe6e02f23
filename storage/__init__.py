"""Persistence behind one small interface: sessions, mock-interview rooms, finished attempts.

The default is one SQLite file under a data folder (``WHITEBOARD_DATA_DIR``, default
``./data``). The SQL sticks to what PostgreSQL also runs (TEXT, INTEGER, DOUBLE PRECISION,
upserts with ``ON CONFLICT``, ``ALTER TABLE ... ADD COLUMN``), so another back end can
subclass ``Store`` and override ``_connect`` (and the ``?`` placeholders).

Documents (sessions) are stored as JSON text: the schema of a session lives in its pydantic
model, not in columns, and the columns hold only what is queried.

What the interface promises, whatever the back end:

- **No silent overwrite.** Every session row has a ``revision``; ``save_session(...,
  expected=N)`` writes only if the stored revision is still N and raises ``ConflictError``
  (carrying the stored session and its revision) otherwise, so two tabs on one session
  never overwrite each other.
- **Clear failures.** Any database failure (disk full, read-only file, corrupt or truncated
  file, missing folder) raises ``StorageError`` whose message names the data path and what
  to do. A failed write changes nothing stored: each write is one transaction.
- **Bad rows do not take the rest down.** A stored row that no longer validates is skipped
  by the listings (``Listing.skipped`` says which and why) and reported by ``load_session``.
- **Owners.** Sessions, rooms and attempts carry the owner that made them (a signed-in
  user or a browser's key); listings take an owner and show only that owner's rows.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from design_framework.history import (
    KEYFRAME_EVERY,
    MAX_BYTES,
    MAX_EVENTS,
    HistoryEvent,
    state_of,
)
from design_framework.session import Session
from storage.rooms import (
    ROOM_COLUMNS,
    ROOM_INDEXES,
    ROOM_TABLES,
    Room,
    RoomClosed,
    RoomsMixin,
)

__all__ = ["Attempt", "ConflictError", "Room", "RoomClosed", "Store", "StorageError", "open_store"]

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
    # A read-only link to a session: its own random key, so the session's id (which opens it
    # for writing where no login is configured) is never handed out to share it.
    # Each session's history (design_framework.history): appended by every save, beside the
    # session's own row, which a save rewrites whole.
    """CREATE TABLE IF NOT EXISTS history (
        session_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (session_id, seq))""",
    """CREATE TABLE IF NOT EXISTS shares (
        key TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL)""",
]
COLUMNS = [  # added after the first release; added to older files on open
    ("sessions", "owner", "TEXT"),
    ("sessions", "revision", "INTEGER NOT NULL DEFAULT 1"),
    ("sessions", "history_count", "INTEGER NOT NULL DEFAULT 0"),
    ("sessions", "history_bytes", "INTEGER NOT NULL DEFAULT 0"),
    ("rooms", "owner", "TEXT"),
    ("attempts", "owner", "TEXT"),
    *ROOM_COLUMNS,
]
SCHEMA += ROOM_TABLES
INDEXES = [
    *ROOM_INDEXES,
    "CREATE INDEX IF NOT EXISTS shares_session ON shares (session_id)",
]  # created after COLUMNS, which may add the columns they index


class StorageError(RuntimeError):
    """The database cannot be read or written; the message names the data path."""


class ConflictError(StorageError):
    """The session changed in the store since this copy was read (another tab saved)."""

    def __init__(self, message: str, stored: Session | None, revision: int):
        super().__init__(message)
        self.stored = stored
        self.revision = revision


@dataclass(frozen=True)
class Attempt:
    """A finished session, for the progress page."""

    session_id: str
    scenario_id: str | None
    finished_at: float
    score: int
    summary: dict


class Listing(list):
    """Rows that loaded, in order, plus ``skipped``: one line per row that did not."""

    def __init__(self, items=(), skipped=()):
        super().__init__(items)
        self.skipped: list[str] = list(skipped)


def _reason(error: BaseException) -> str:
    """What went wrong, in words a user can act on."""
    text = str(error)
    lowered = text.lower()
    if "disk is full" in lowered or "no space" in lowered or "disk quota" in lowered:
        return "the disk is full; free some space and your next change is saved"
    if "readonly" in lowered or "read-only" in lowered or "permission denied" in lowered:
        return "the file or its folder is read-only; make it writable to save again"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"the file is corrupt or truncated ({text}); move it aside to start a new one, "
            "or restore it from a backup"
        )
    if "unable to open" in lowered:
        return f"the file cannot be opened ({text}); check the folder exists and is writable"
    return text


class Store(RoomsMixin):
    """Sessions, rooms and attempts in one SQLite file (``storage.postgres`` for PostgreSQL)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = None
        # Opened lazily, and again after a failure: a fixed file (space freed, permissions
        # restored) works on the next call without restarting the server.
        with contextlib.suppress(StorageError):
            self._connection()

    # ---- plumbing -------------------------------------------------------------------------

    def _connect(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by Streamlit's script threads; the lock serialises use.
        try:
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
            db.execute("PRAGMA journal_mode=WAL")
            # No fsync on each commit, only at checkpoints: an application or server crash
            # loses nothing, a power cut may lose the last saves (never the file). A commit
            # with its fsync held the store's lock 1.4 ms against 0.5, and more when the
            # disk was shared (every page run's read waits on that lock).
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.OperationalError as error:
            if not self.path.exists() or os.access(self.path.parent, os.W_OK):
                raise
            # A read-only folder (a read-only mount, a backup) still serves reads; saves
            # then fail with a message that says so.
            uri = f"file:{self.path}?mode=ro"
            try:
                db = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=10)
                db.execute("SELECT 1 FROM sqlite_master").fetchall()
            except sqlite3.OperationalError:
                db = sqlite3.connect(
                    uri + "&immutable=1", uri=True, check_same_thread=False, timeout=10
                )
            del error
        return db

    def _connection(self):
        if self._db is not None:
            return self._db
        try:
            db = self._connect()
            self._migrate(db)
        except (sqlite3.Error, OSError) as error:
            raise StorageError(self._message("open", error)) from None
        self._db = db
        return db

    def _migrate(self, db) -> None:
        try:
            with db:
                for statement in SCHEMA:
                    db.execute(statement)
                for table, column, kind in COLUMNS:
                    # Column names from the cursor (DB-API, any back end): no statement is
                    # made to fail, which would abort a PostgreSQL transaction.
                    cursor = db.execute(f"SELECT * FROM {table} WHERE 1 = 0")
                    if column not in {d[0] for d in cursor.description}:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                for statement in INDEXES:
                    db.execute(statement)
        except sqlite3.OperationalError as error:
            # A read-only file that already has the schema still serves reads.
            if "readonly" in str(error).lower() and self._has_schema(db):
                return
            raise

    @staticmethod
    def _has_schema(db) -> bool:
        try:
            for table, column, _ in COLUMNS:
                cursor = db.execute(f"SELECT * FROM {table} WHERE 1 = 0")
                if column not in {d[0] for d in cursor.description}:
                    return False
        except sqlite3.Error:
            return False
        return True

    def _message(self, action: str, error: BaseException) -> str:
        return f"Could not {action} the database at {self.path}: {_reason(error)}."

    def _read(self, sql: str, args: tuple = (), one: bool = False):
        with self._lock:
            db = self._connection()
            try:
                cursor = db.execute(sql, args)
                return cursor.fetchone() if one else cursor.fetchall()
            except sqlite3.Error as error:
                self._reset()
                raise StorageError(self._message("read", error)) from None

    def _write(self, action):
        """Run ``action(db)`` in one transaction; on failure nothing stored changes."""
        with self._lock:
            db = self._connection()
            try:
                with db:
                    return action(db)
            except sqlite3.Error as error:
                self._reset()
                raise StorageError(self._message("save to", error)) from None

    def _reset(self) -> None:
        """Forget a connection that failed: the next call opens the file afresh, so a disk
        made writable again (or a file restored) works without a restart."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._db = None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def address(self) -> tuple[str, str]:
        """Where this store lives, for another process to open it too (``reopen``)."""
        return ("sqlite", str(self.path))

    # ---- sessions -------------------------------------------------------------------------

    def save_session(
        self, session: Session, owner: str | None = None, expected: int | None = None
    ) -> int:
        """Store ``session`` and return its new revision.

        With ``expected`` (the revision this copy was read at), the write happens only if
        nobody saved in between; otherwise ``ConflictError`` carries what is stored. Without
        it, the session is written whatever is stored (imports, new sessions, tools).
        A stored owner is kept: ``owner`` only fills it where it is empty.
        """
        updated_at = time.time()
        data = session.to_dict()
        carried = data.pop("history", None) or []  # a file's history: kept beside, not inside
        body = json.dumps(data)
        pending = session.take_pending()

        def write(db):
            if expected is None:
                db.execute(
                    "INSERT INTO sessions (id, owner, scenario_id, updated_at, revision, body) "
                    "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (id) DO UPDATE SET "
                    "owner = COALESCE(sessions.owner, excluded.owner), "
                    "scenario_id = excluded.scenario_id, updated_at = excluded.updated_at, "
                    "revision = sessions.revision + 1, body = excluded.body",
                    (session.id, owner, session.scenario_id, updated_at, body),
                )
            else:
                cursor = db.execute(
                    "UPDATE sessions SET scenario_id = ?, updated_at = ?, body = ?, "
                    "revision = revision + 1, owner = COALESCE(owner, ?) "
                    "WHERE id = ? AND revision = ?",
                    (session.scenario_id, updated_at, body, owner, session.id, expected),
                )
                if cursor.rowcount == 0:
                    return None
            row = db.execute(
                "SELECT revision, history_count, history_bytes FROM sessions WHERE id = ?",
                (session.id,),
            ).fetchone()
            self._append_history(db, session, row[1], row[2], carried, pending)
            return row[0]

        revision = self._write(write)
        if revision is None:
            stored = self.load_versioned(session.id)
            if stored is None:  # deleted meanwhile: nothing to lose, write it back
                return self.save_session(session, owner)
            raise ConflictError(
                f"Session {session.id} was changed elsewhere (revision {stored[1]}, "
                f"this copy has {expected}).",
                stored[0],
                stored[1],
            )
        session.updated_at = updated_at
        session.stored_pending(len(pending))
        return revision

    # ---- history (design_framework.history) ----------------------------------------------

    def _append_history(self, db, session, count, size, carried, pending) -> None:
        """Append the session's new events in the save's own transaction; a file's history
        first where none is stored yet. The last event of a save gets the whole state when
        it crosses a keyframe (or is the first), so a replay seeks from there. Past the
        limits nothing more is recorded (the replay says where it stops)."""
        events = []
        if carried and count == 0:
            events = [HistoryEvent.model_validate(e) for e in carried]
        events += pending
        if not events or count >= MAX_EVENTS or size >= MAX_BYTES:
            return
        crosses = count // KEYFRAME_EVERY != (count + len(events)) // KEYFRAME_EVERY
        if (count == 0 or crosses) and events[-1].state is None:
            state = state_of(session.design, session.notes)
            events[-1] = events[-1].model_copy(update={"state": state})
        rows = []
        for offset, event in enumerate(events):
            body = event.model_dump_json(exclude_none=True)
            size += len(body)
            rows.append((session.id, count + offset + 1, body))
            if size >= MAX_BYTES:
                break
        for row in rows:
            db.execute("INSERT INTO history (session_id, seq, body) VALUES (?, ?, ?)", row)
        db.execute(
            "UPDATE sessions SET history_count = ?, history_bytes = ? WHERE id = ?",
            (count + len(rows), size, session.id),
        )

    def history(self, session_id: str) -> list[HistoryEvent]:
        """The session's history, oldest first (what a replay and a session file need)."""
        rows = self._read(
            "SELECT body FROM history WHERE session_id = ? ORDER BY seq", (session_id,)
        )
        return [HistoryEvent.model_validate_json(body) for (body,) in rows]

    def history_size(self, session_id: str) -> tuple[int, int]:
        """``(events, bytes)`` kept for the session."""
        row = self._read(
            "SELECT history_count, history_bytes FROM sessions WHERE id = ?",
            (session_id,),
            one=True,
        )
        return (row[0], row[1]) if row else (0, 0)

    def load_versioned(self, session_id: str) -> tuple[Session, int] | None:
        """The stored session and its revision, or None if there is none."""
        row = self._read(
            "SELECT body, revision FROM sessions WHERE id = ?", (session_id,), one=True
        )
        if row is None:
            return None
        return self._session(session_id, row[0]), row[1]

    def load_session(self, session_id: str) -> Session | None:
        stored = self.load_versioned(session_id)
        return stored[0] if stored else None

    def session_revision(self, session_id: str) -> int | None:
        """The stored revision alone (a cheap check whether another tab saved)."""
        row = self._read("SELECT revision FROM sessions WHERE id = ?", (session_id,), one=True)
        return row[0] if row else None

    def session_size(self, session_id: str) -> int | None:
        """How long the stored session's JSON is (characters), without reading it."""
        row = self._read("SELECT LENGTH(body) FROM sessions WHERE id = ?", (session_id,), one=True)
        return row[0] if row else None

    def session_owner(self, session_id: str) -> str | None:
        row = self._read("SELECT owner FROM sessions WHERE id = ?", (session_id,), one=True)
        return row[0] if row else None

    def claim_session(self, session_id: str, owner: str) -> None:
        """Give an ownerless session (stored before owners existed) to ``owner``."""
        self._write(
            lambda db: db.execute(
                "UPDATE sessions SET owner = ? WHERE id = ? AND owner IS NULL",
                (owner, session_id),
            )
        )

    # ---- read-only links ------------------------------------------------------------------

    def share_key(self, session_id: str, create: bool = False) -> str | None:
        """The key of the session's read-only link; with ``create``, made if there is none."""
        row = self._read("SELECT key FROM shares WHERE session_id = ?", (session_id,), one=True)
        if row or not create:
            return row[0] if row else None
        key = secrets.token_hex(16)
        self._write(
            lambda db: db.execute(
                "INSERT INTO shares (key, session_id, created_at) VALUES (?, ?, ?)",
                (key, session_id, time.time()),
            )
        )
        return key

    def shared_session(self, key: str) -> Session | None:
        """The session a read-only link's key opens, as stored now; None for an unknown or
        revoked key."""
        row = self._read("SELECT session_id FROM shares WHERE key = ?", (key,), one=True)
        return self.load_session(row[0]) if row else None

    def unshare(self, session_id: str) -> None:
        """Revoke the session's read-only link: its key opens nothing from now on."""
        self._write(lambda db: db.execute("DELETE FROM shares WHERE session_id = ?", (session_id,)))

    def recent_sessions(self, limit: int = 10, owner: str | None = None) -> Listing:
        """The owner's sessions, newest first (every session when ``owner`` is None)."""
        if owner is None:
            rows = self._read(
                "SELECT id, body FROM sessions ORDER BY updated_at DESC LIMIT ?", (limit,)
            )
        else:
            rows = self._read(
                "SELECT id, body FROM sessions WHERE owner = ? ORDER BY updated_at DESC LIMIT ?",
                (owner, limit),
            )
        listing = Listing()
        for session_id, body in rows:
            try:
                listing.append(self._session(session_id, body))
            except StorageError as error:
                listing.skipped.append(str(error))
        return listing

    def _session(self, session_id: str, body: str) -> Session:
        try:
            return Session.model_validate(json.loads(body))
        except (ValueError, ValidationError) as error:
            first = str(error).splitlines()
            detail = first[1] if len(first) > 1 else first[0]
            if isinstance(error, ValidationError):
                item = error.errors(include_url=False)[0]
                where = ".".join(str(p) for p in item["loc"])
                detail = f"{where}: {item['msg']}" if where else item["msg"]
            raise StorageError(
                f"Stored session {session_id} in {self.path} cannot be read "
                f"({error.__class__.__name__}: {detail[:200]}); it is left as it is."
            ) from None

    # ---- attempts -------------------------------------------------------------------------

    def record_attempt(
        self, session: Session, score: int, summary: dict, owner: str | None = None
    ) -> None:
        self._write(
            lambda db: db.execute(
                "INSERT INTO attempts (session_id, scenario_id, finished_at, score, summary, "
                "owner) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET "
                "finished_at = excluded.finished_at, score = excluded.score, "
                "summary = excluded.summary",
                (
                    session.id,
                    session.scenario_id,
                    session.finished_at or time.time(),
                    score,
                    json.dumps(summary),
                    owner,
                ),
            )
        )

    def attempts(self, owner: str | None = None) -> Listing:
        """The owner's finished attempts, oldest first (everyone's when ``owner`` is None)."""
        columns = "session_id, scenario_id, finished_at, score, summary"
        if owner is None:
            rows = self._read(f"SELECT {columns} FROM attempts ORDER BY finished_at")
        else:
            rows = self._read(
                f"SELECT {columns} FROM attempts WHERE owner = ? ORDER BY finished_at", (owner,)
            )
        listing = Listing()
        for r in rows:
            try:
                summary = json.loads(r[4])
                if not isinstance(summary, dict):
                    raise ValueError("summary is not an object")
                listing.append(Attempt(r[0], r[1], float(r[2]), int(r[3]), summary))
            except (ValueError, TypeError) as error:
                listing.skipped.append(
                    f"Stored attempt {r[0]} in {self.path} cannot be read ({error}); skipped."
                )
        return listing


def default_data_dir() -> Path:
    return Path(os.environ.get("WHITEBOARD_DATA_DIR", "data"))


DATABASE_URL = "WHITEBOARD_DATABASE_URL"


def open_store(data_dir: str | Path | None = None, url: str | None = None) -> Store:
    """PostgreSQL when ``url`` (default: ``WHITEBOARD_DATABASE_URL``) is a postgresql://
    URL; otherwise the SQLite file under ``data_dir`` (default: ``WHITEBOARD_DATA_DIR``)."""
    url = os.environ.get(DATABASE_URL) if url is None else url
    if url:
        from storage.postgres import PostgresStore, is_postgres_url

        if not is_postgres_url(url):
            raise StorageError(
                f"{DATABASE_URL} must be a postgresql://user@host:port/database URL "
                "(unset it to use the SQLite file under WHITEBOARD_DATA_DIR)."
            )
        store = PostgresStore(url)
    else:
        store = Store(Path(data_dir or default_data_dir()) / "whiteboard.sqlite3")
    store.purge_quietly()  # at start: rooms long expired go (see Store.purge_expired_rooms)
    return store


def reopen(address: tuple[str, str]) -> Store:
    """The store at ``address`` (``Store.address``), opened in this process."""
    kind, where = address
    if kind == "postgresql":
        from storage.postgres import PostgresStore

        return PostgresStore(where)
    return Store(where)


_shared: dict[tuple[str, str], Store] = {}
_shared_lock = threading.Lock()


def shared_store() -> Store:
    """The process's one store for the configured data folder and database URL, opened on
    first use: every page run, the room-watch route and the server's warm-up share it (a
    failed open is not kept, so the next call tries again)."""
    key = (str(default_data_dir().resolve()), os.environ.get(DATABASE_URL, ""))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = open_store(key[0])
        return _shared[key]


def release_shared_stores() -> None:
    """Close and forget the process's stores (``shared_store``), as a restart would."""
    with _shared_lock:
        stores = list(_shared.values())
        _shared.clear()
    for store in stores:
        store.close()
