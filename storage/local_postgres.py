"""A throwaway PostgreSQL server in a temporary folder, for the tests and `make serve-shared`.

Debian's `postgresql` package provides the programs (`scripts/ensure-postgresql.sh`
installs it). The server refuses to run as root, and CI runs as root, so when we are root
``initdb`` and ``postgres`` run as the unprivileged ``nobody`` user, in a folder of
their own under the system's temporary directory (whose parents everyone may traverse),
listening on 127.0.0.1 on a free port with its unix socket in that folder. Stopping it
removes the folder.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

UNPRIVILEGED_USER = "nobody"


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL programs are missing or the server did not start."""


def find_bin_dir() -> Path:
    """The folder holding ``initdb`` and ``postgres`` (Debian keeps them off PATH)."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    for folder in reversed(candidates):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "postgres").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("postgres"):
        return Path(initdb).resolve().parent
    raise PostgresUnavailable(
        "PostgreSQL's initdb and postgres were not found: run `make test` (or "
        "`bash scripts/ensure-postgresql.sh`) to install Debian's postgresql package"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_user() -> dict:
    """Popen arguments that drop root to an unprivileged user (the server refuses root)."""
    if os.geteuid() != 0:
        return {}
    import pwd

    entry = pwd.getpwnam(UNPRIVILEGED_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


@dataclass
class LocalPostgres:
    """One running server; ``url(db)`` gives a connection URL for a database on it."""

    folder: Path
    port: int
    process: subprocess.Popen
    log: Path
    user: str = "whiteboard"
    keep: bool = False
    databases: list[str] = field(default_factory=list)

    def url(self, database: str = "whiteboard") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return self.url(name)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # "fast" shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if not self.keep:
            shutil.rmtree(self.folder, ignore_errors=True)


def start(
    folder: str | Path | None = None, port: int | None = None, keep: bool = False
) -> LocalPostgres:
    """initdb a new cluster and start ``postgres`` on it; wait until it accepts connections.

    With ``keep``, a cluster already in ``folder`` is started again and left on disk when
    stopped (``make serve-shared``); otherwise the folder is removed on stop. Durability
    settings are relaxed (no fsync) unless ``keep``: a throwaway server holds test data.
    """
    bin_dir = find_bin_dir()
    root = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="whiteboard-pg-"))
    root.mkdir(parents=True, exist_ok=True)
    data = root / "data"
    log = root / "postgres.log"
    drop = _as_user()
    if drop:
        os.chown(root, drop["user"], drop["group"])
        os.chmod(root, 0o700)
    port = port or free_port()
    user = "whiteboard"
    existing = (data / "PG_VERSION").exists()
    init = (
        subprocess.CompletedProcess([], 0, "", "")
        if existing
        else subprocess.run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                user,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            cwd=root,
            **drop,
        )
    )
    if init.returncode != 0:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed:\n{init.stdout}\n{init.stderr}")
    log_file = open(log, "ab")  # noqa: SIM115 - handed to the server process
    if drop:
        os.chown(log, drop["user"], drop["group"])
    process = subprocess.Popen(
        [
            str(bin_dir / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={root}",
            *(
                []
                if keep
                else ["-c", "fsync=off", "-c", "synchronous_commit=off"]
                + ["-c", "full_page_writes=off"]
            ),
            "-c",
            "max_connections=200",
            "-c",
            "shared_buffers=32MB",
            "-c",
            "dynamic_shared_memory_type=mmap",
        ],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=root,
        start_new_session=True,
        **drop,
    )
    log_file.close()
    server = LocalPostgres(folder=root, port=port, process=process, log=log, user=user, keep=keep)
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            text = log.read_text(errors="replace")[-4000:]
            if not keep:
                shutil.rmtree(root, ignore_errors=True)
            raise PostgresUnavailable(f"postgres exited with {process.returncode}:\n{text}")
        ready = subprocess.run(
            [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-q"],
            capture_output=True,
        )
        if ready.returncode == 0:
            break
        time.sleep(0.2)
    else:
        server.stop()
        raise PostgresUnavailable(f"postgres did not accept connections in 60 s (log: {log})")
    if not existing:
        server.create_database("whiteboard")
    return server
