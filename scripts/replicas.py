"""Start and stop app replicas (`streamlit run serve.py` processes) for tests, the live-room
benchmark and `make serve-shared`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Replica:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """As a crash would: no clean shutdown."""
        if self.alive():
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def start(
    port: int | None = None, env: dict | None = None, log=None, script="serve.py", args=()
) -> Replica:
    """One replica of ``script`` (the app unless told) on 127.0.0.1:port, started and
    healthy (or an error with its output); ``args`` are extra `streamlit run` options."""
    port = port or free_port()
    if log is None:
        # A file, not a pipe: nobody reads a pipe while the server runs, and once its 64 KB
        # buffer filled with the server's warnings every thread that logged would block.
        log = tempfile.TemporaryFile()  # noqa: SIM115 - the process's output, read on failure
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *args,
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    replica = Replica(port, process)
    deadline = time.time() + 60
    while time.time() < deadline:
        if not replica.alive():
            break
        try:
            with urllib.request.urlopen(f"{replica.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return replica
        except OSError:
            time.sleep(0.3)
    replica.kill()
    try:  # the temporary file, or a log the caller opened for reading too
        log.flush()
        log.seek(0)
        output = log.read()[-20_000:].decode(errors="replace")
    except (AttributeError, OSError, ValueError):
        output = "(see the log the caller gave)"
    raise RuntimeError(f"streamlit did not start on port {port}:\n{output}")
