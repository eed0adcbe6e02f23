"""The store on PostgreSQL, for shared deployments: several app replicas, one database.

Selected by ``WHITEBOARD_DATABASE_URL=postgresql://user:password@host:port/database``.
Same SQL as the SQLite store (it is written portably: ``?`` placeholders are rewritten to
psycopg's ``%s`` here), same promises: one transaction per write, ``StorageError`` naming
the database for any failure, revisions for compare-and-set. Connections come from a
psycopg_pool pool per process, so browser sessions on one replica do not queue behind one
connection, and a connection the server dropped (a database restart) is replaced.

The schema is created or brought up to date when the store opens, under an advisory lock:
replicas starting at the same time apply each change once.
"""

from __future__ import annotations

import contextlib
import threading
from urllib.parse import urlsplit, urlunsplit

from storage import COLUMNS, INDEXES, SCHEMA, StorageError, Store, _reason

MIGRATION_LOCK = 7_412_001  # any constant, the same in every replica


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _sql(sql: str, args: tuple):
    """``?`` to ``%s`` (doubling a literal ``%`` first); no arguments, no rewriting."""
    if not args:
        return sql, None
    return sql.replace("%", "%%").replace("?", "%s"), tuple(args)


class _Connection:
    """The slice of sqlite3's connection API the store's writes use, on psycopg."""

    def __init__(self, conn):
        self._conn = conn

    def execute(self, sql: str, args: tuple = ()):
        return self._conn.execute(*_sql(sql, args))


class PostgresStore(Store):
    """``Store`` with its plumbing (open, read, write, migrate) on a psycopg pool."""

    def __init__(self, url: str, min_size: int = 1, max_size: int = 8, timeout: float = 10.0):
        self.url = url
        self.path = redact(url)  # what messages name as "the database at ..."
        self._lock = threading.Lock()
        self._pool = None
        self._db = None
        self._sizes = (min_size, max_size, timeout)
        with contextlib.suppress(StorageError):  # said again on the first read or write
            self._connection()

    def address(self) -> tuple[str, str]:
        return ("postgresql", self.url)

    def _connection(self):
        if self._pool is not None:
            return self._pool
        import psycopg
        from psycopg_pool import ConnectionPool

        with self._lock:
            if self._pool is not None:
                return self._pool
            min_size, max_size, timeout = self._sizes
            pool = ConnectionPool(
                self.url,
                min_size=min_size,
                max_size=max_size,
                timeout=timeout,
                kwargs={"autocommit": True},
                check=ConnectionPool.check_connection,
                open=False,
                name="whiteboard",
            )
            try:
                pool.open(wait=True, timeout=timeout)
                with pool.connection() as conn:
                    self._migrate(conn)
            except (psycopg.Error, OSError) as error:
                pool.close()
                raise StorageError(self._message("open", error)) from None
            self._pool = pool
            return pool

    def _migrate(self, conn) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            for statement in SCHEMA:
                conn.execute(statement)
            for table, column, kind in COLUMNS:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
            for statement in INDEXES:
                conn.execute(statement)

    def _message(self, action: str, error: BaseException) -> str:
        return f"Could not {action} the database at {self.path}: {_reason(error)}."

    def _read(self, sql: str, args: tuple = (), one: bool = False):
        import psycopg

        pool = self._connection()
        try:
            with pool.connection() as conn:
                cursor = conn.execute(*_sql(sql, args))
                return cursor.fetchone() if one else cursor.fetchall()
        except psycopg.Error as error:
            raise StorageError(self._message("read", error)) from None

    def _write(self, action):
        import psycopg

        pool = self._connection()
        try:
            with pool.connection() as conn, conn.transaction():
                return action(_Connection(conn))
        except psycopg.Error as error:
            raise StorageError(self._message("save to", error)) from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
