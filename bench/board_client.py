"""The board's direct route seen from outside, for the flood and load benchmarks
(bench/flood.py, bench/load.py): sessions a browser opened, their keys, saves over plain
HTTP, and the server's CPU time and memory read from /proc.

A session's key (``board_token``) exists only in the server process that drew the page, so
it is read where a user (or an attacker with a session of their own) finds it: in what the
page sends its board, here the frames of the page's websocket, in real Chromium.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from design_framework.session import Session
from storage import open_store
from ui.board_route import BOARD_PATH

_TOKEN = re.compile(rb'"token":\s*"([0-9a-f]{32})"')
_CANVAS = ".st-key-w_canvas [data-testid='wb-canvas']"


def seed_sessions(data_dir: str, designs: list[dict], scenario_id: str) -> list[str]:
    """One started session per design, saved where the server reads; their ids."""
    from components.design import Design

    store = open_store(data_dir)
    ids = []
    for design in designs:
        session = Session(scenario_id=scenario_id, design=Design.model_validate(design))
        session.start()
        store.save_session(session)
        ids.append(session.id)
    return ids


def read_keys(browser, base_url: str, session_ids: list[str], at_once: int = 6) -> dict[str, str]:
    """Each session's board key, as its whiteboard page hands it to the board (opened a few
    pages at a time in one browser context, then closed)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    keys: dict[str, str] = {}
    try:
        for start in range(0, len(session_ids), at_once):
            pages = []
            for session_id in session_ids[start : start + at_once]:
                page = context.new_page()
                found: list[bytes] = []

                def on_socket(socket, found=found):
                    def on_frame(payload):
                        data = payload if isinstance(payload, bytes) else payload.encode()
                        found.extend(_TOKEN.findall(data))

                    socket.on("framereceived", on_frame)

                page.on("websocket", on_socket)
                page.goto(f"{base_url}/practice?s={session_id}", wait_until="commit")
                pages.append((session_id, page, found))
            for session_id, page, found in pages:
                page.locator(_CANVAS).wait_for(timeout=120_000)
                deadline = time.time() + 30
                while not found and time.time() < deadline:
                    page.wait_for_timeout(50)
                if not found:
                    raise RuntimeError(f"the page of session {session_id} handed its board no key")
                keys[session_id] = found[-1].decode()
                page.close()
    finally:
        context.close()
    return keys


@dataclass
class Board:
    """One user's board saving over HTTP: one connection, one save in flight, the revision
    each answer gives (as the board in the browser does)."""

    host: str
    port: int
    session: str
    token: str
    revision: int
    tab: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    seq: int = 0
    server_ms: float | None = None
    """The server's part of the last answer's time (its Server-Timing header)."""
    _connection: http.client.HTTPConnection | None = None

    def body(self, design_json: str) -> bytes:
        """The board's request around a design already written as JSON."""
        self.seq += 1
        head = json.dumps(
            {
                "session": self.session,
                "token": self.token,
                "tab": self.tab,
                "base": self.revision,
                "seq": self.seq,
            }
        )
        return (head[:-1] + ', "design": ' + design_json + "}").encode()

    def post(self, body: bytes, headers: dict | None = None) -> tuple[int, dict, float]:
        """``(status, answer, ms)``; a 200 moves the board to the revision it answered."""
        started = time.perf_counter()
        for attempt in (0, 1):  # a kept-alive connection the server closed: open another
            if self._connection is None:
                self._connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                self._connection.request(
                    "POST",
                    BOARD_PATH,
                    body=body,
                    headers={"Content-Type": "application/json", **(headers or {})},
                )
                response = self._connection.getresponse()
                raw = response.read()
                timing = response.getheader("Server-Timing") or ""
                break
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt:
                    raise
        ms = (time.perf_counter() - started) * 1000
        self.server_ms = float(timing.split("dur=")[1]) if "dur=" in timing else None
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = {"error": raw[:200].decode(errors="replace")}
        if response.status == 200:
            self.revision = answer["revision"]
        return response.status, answer, ms

    def save(self, design_json: str) -> tuple[int, dict, float]:
        return self.post(self.body(design_json))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def boards(base_url: str, data_dir: str, keys: dict[str, str]) -> list[Board]:
    """A board per session, at the revision the store holds now."""
    host, port = base_url.removeprefix("http://").split(":")
    store = open_store(data_dir)
    return [
        Board(host, int(port), session_id, key, store.load_versioned(session_id)[1])
        for session_id, key in keys.items()
    ]


def processes(pid: int) -> list[int]:
    """The process and every process under it (the server's large-design lane, ui/board_lane.py,
    and what multiprocessing starts beside it): the server's cost is theirs together."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the thread ended meanwhile
                todo += [int(child) for child in task.read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process and those under it have used so far."""
    ticks = 0
    for each in processes(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of the process and those under it, in MB."""
    total = 0
    for each in processes(pid):
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    if not total:
        raise RuntimeError(f"no VmRSS for process {pid}")
    return total / 1024


def machine_ticks() -> tuple[int, int]:
    """The machine's busy and total CPU time so far (/proc/stat, every process on it)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def machine_line(before: tuple[int, int]) -> str:
    """How busy the whole machine was since ``before`` (``machine_ticks``): on a shared
    machine, what the figures beside it were measured in."""
    after = machine_ticks()
    busy = (after[0] - before[0]) / max(1, after[1] - before[1])
    load = Path("/proc/loadavg").read_text().split()[0]
    return f"CPU busy {busy:.0%} of {os.cpu_count()} cores (all processes), load average {load}"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def spread(samples: list[float]) -> str:
    """Median, p90 and max of ``samples`` in ms, and how many."""
    if not samples:
        return "no samples"
    return (
        f"median {statistics.median(samples):7.1f} ms   p90 {percentile(samples, 0.9):7.1f} ms"
        f"   max {max(samples):7.1f} ms   (n={len(samples)})"
    )
