"""The board's direct route: a change on the canvas saved and checked without a page run
(served by serve.py; no Streamlit here).

``POST /api/board`` with ``{session, token, tab, base, seq, design}`` takes the board's design
for the session, saves it and answers the verdict drawn on the board and the findings list
(``{revision, seq, marks, findings}``). Why: through a page run, a drop answered in about
80 ms, three times a bare Streamlit click, and most of it was Streamlit redrawing the
fragment in the browser; here the server's part is about 8 ms (``bench/browser_canvas.py``).

The route takes a change only where the page's own run would have taken it the same way,
and otherwise refuses, and the board sends the change through the page run instead
(ui/canvas.py), which merges, reports and reloads as it always did:

- ``token`` is ``board_token(session)``: only a page run that opened the session (and
  checked its owner) hands it out, and only this server process knows it (403);
- ``base`` must be the stored revision: anything saved since (a notes box, another tab)
  goes through the page's three-way merge (409), as does a finished session;
- a design over the drawing cap (more than a board draws, so no board sends it) comes back
  413 before it is read; one that does not validate, 422 with what is wrong; a store that
  cannot be written, 503;
- a large change (a body or stored session over ``LARGE_BYTES``, or a session over its CPU
  budget) is taken in the large lane's process, one at a time (ui/board_lane.py); while
  that is full, 429 with ``Retry-After``.

The page adopts what its own board saved (``own_saves_since``, ``ui.state.catch_up``)
before it acts on its copy of the session, and picks up anything else on its next run, as
it picks up what another tab saved.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from components.analysis import DEFAULT_CATALOG_SIZE
from components.board import NO_MARKS, BoardError, board_marks, design_from_board
from components.design import Design
from components.loading import MAX_FILE_BYTES, InputError
from components.render import MAX_DRAWN_COMPONENTS, MAX_DRAWN_EDGES, too_large_to_draw
from design_framework.consistency import mismatches
from design_framework.curveballs import curveball_key, note_recovery
from design_framework.rubric import Report, check_design
from design_framework.session import Session
from design_framework.waiting import waiting_rules
from scenarios.loader import scenario_from_string, shipped_scenarios
from storage import ConflictError, StorageError, Store, shared_store
from ui.findings_data import findings_data, without_waiting
from ui.room_route import BOOT_ID

BOARD_PATH = "/api/board"
SESSION_WATCH_PATH = "/api/session-watch"
MAX_BODY_BYTES = 2 * MAX_FILE_BYTES
"""A design as the board sends it is larger than its file (positions, labels), never this."""
_SECRET = secrets.token_bytes(32)
_HEADERS = {"Cache-Control": "no-store"}


def board_token(session_id: str) -> str:
    """The key a page hands its board for this session's direct route (this process only)."""
    return hmac.new(_SECRET, session_id.encode(), hashlib.sha256).hexdigest()[:32]


def rubric_key(design: Design) -> str:
    """The design as the rubric reads it: without positions and sticky notes, so moving a
    box on the canvas reuses the cached verdict."""
    return design.model_dump_json(
        by_alias=True, exclude={"notes": True, "components": {"__all__": {"pos"}}}
    )


@lru_cache(maxsize=16)
def _authored(text: str):
    try:
        return scenario_from_string(text, "authored scenario")
    except InputError:
        return None


def scenario_for(scenario_id: str | None, scenario_yaml: str | None):
    """The scenario a session practises: shipped, authored (parsed once per text; an
    authored one that no longer parses is none), or None."""
    if scenario_yaml:
        return _authored(scenario_yaml)
    return shipped_scenarios().get(scenario_id) if scenario_id else None


class Verdict:
    """A remembered verdict, its size in bytes as ``_report_bytes`` counts them, and the marks
    drawn from it per (rules waiting, catalog size): marks read no positions, so a box moved
    answers the marks it had (working them out was half of such a save's time)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.bytes = _report_bytes(report)
        self.marks: dict[tuple, dict] = {}

    def marks_for(self, design: Design, waiting: set[str], size: int) -> dict:
        key = (frozenset(waiting), size)
        with _CHECKED_LOCK:
            marks = self.marks.get(key)
        if marks is None:
            marks = board_marks(design, without_waiting(self.report, waiting), size)
            with _CHECKED_LOCK:
                if len(self.marks) < 8:  # a few steps' worth of rules waiting
                    self.marks[key] = marks
                    self.bytes += 3 * len(json.dumps(marks))
        return marks


_CHECKED: OrderedDict[tuple, Verdict] = OrderedDict()
_CHECKED_KEPT = 256
_CHECKED_BYTES = 4 * 1024 * 1024
"""Most bytes of verdicts kept, as ``_report_bytes`` counts them: bounded in bytes, not only in
entries (a verdict of a design at the drawing cap is a hundred times one of 20 boxes)."""
_CHECKED_LOCK = threading.Lock()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _report_bytes(report: Report) -> int:
    """About what a verdict holds in memory: three times its findings as JSON (measured with
    tracemalloc on the shipped scenarios' reference designs), and its key."""
    return 3 * sum(len(finding.model_dump_json()) for finding in report.findings) + 512


def too_large_report(design: Design, refusal: str) -> Report:
    """A verdict that checks nothing, for a design over the drawing cap: every rule skips,
    saying why and how to check it anyway."""
    from design_framework.rubric import all_rules

    why = f"{refusal} Check it with `python -m design_framework check`."
    return Report(design.scenario, [rule.RULE.skipped(why) for rule in all_rules()])


def effective_scenario(session: Session):
    """The scenario a session's design is checked against: its own, changed by every
    curveball delivered so far (``design_framework.curveballs``)."""
    scenario = scenario_for(session.scenario_id, session.scenario_yaml)
    if scenario is None or not session.curveballs:
        return scenario
    return scenario.with_curveballs(session.curveballs)


def requirements_before(session: Session, thrown):
    """The scenario's requirements as they stood just before the curveball ``thrown``."""
    scenario = scenario_for(session.scenario_id, session.scenario_yaml)
    if scenario is None:
        return None
    earlier = [b for b in session.curveballs if b.at < thrown.at]
    return scenario.with_curveballs(earlier).requirements


def checked(
    design: Design, scenario_id: str | None, scenario_yaml: str | None, curveballs=()
) -> Report:
    """The rubric's verdict, remembered per design (as the rubric reads it), scenario and
    curveballs so far: a move on the board answers the verdict it had. The pages read the
    same cache (``ui.state.rubric``); a verdict is shared, not copied, and only read."""
    return verdict(design, scenario_id, scenario_yaml, curveballs).report


def verdict(
    design: Design, scenario_id: str | None, scenario_yaml: str | None, curveballs=()
) -> Verdict:
    """``checked``, with the marks drawn from the verdict remembered beside it."""
    refusal = too_large_to_draw(design)
    if refusal is not None:
        # Limits before work: no page of a shared server spends seconds of a core on a design
        # the board cannot draw anyway (the command line still checks it).
        return Verdict(too_large_report(design, refusal))
    changes = curveball_key(curveballs)
    # digests, not the texts: a design at the drawing cap is half a megabyte as the rubric
    # reads it, and 256 of them kept as keys held over 100 MB
    authored = _digest(scenario_yaml) if scenario_yaml else ""
    key = (_digest(rubric_key(design)), scenario_id or "", authored, changes)
    with _CHECKED_LOCK:  # the route answers from a pool of threads
        entry = _CHECKED.get(key)
        if entry is not None:
            _CHECKED.move_to_end(key)
            return entry
    scenario = scenario_for(scenario_id, scenario_yaml)
    if scenario is not None and curveballs:
        scenario = scenario.with_curveballs(list(curveballs))
    entry = Verdict(check_design(design, scenario))
    with _CHECKED_LOCK:
        _CHECKED[key] = entry
        held = sum(kept.bytes for kept in _CHECKED.values())
        while len(_CHECKED) > 1 and (len(_CHECKED) > _CHECKED_KEPT or held > _CHECKED_BYTES):
            held -= _CHECKED.popitem(last=False)[1].bytes
    return entry


_OWN: OrderedDict[tuple[str, str], dict] = OrderedDict()
_OWN_KEPT = 256
_OWN_BYTES = 16 * 1024 * 1024
"""Most bytes of sessions kept for the tabs' own saves: bounded in bytes, not only in
entries (256 tabs of 1 MB designs held 121 MB that stayed). A tab whose entry went adopts
its board's saves through the page's merge instead, as another tab's."""
_OWN_TABS_PER_SESSION = 4
_OWN_LOCK = threading.Lock()


def _remember(session_id: str, tab: str, base: int, revision: int, session: Session) -> None:
    """Keep what a tab's board saved: which revision each save made from which, and the
    session as the last one left it, as JSON (for ``own_saves_since``). At most a few tabs
    per session and a few hundred in all, the least recently saved going first."""
    _remember_json(session_id, tab, base, revision, json.dumps(session.to_dict()))


def _remember_json(session_id: str, tab: str, base: int, revision: int, body: str) -> None:
    """``_remember`` with the session already written as JSON (as the store keeps it)."""
    with _OWN_LOCK:
        entry = _OWN.pop((session_id, tab), None) or {"links": {}}
        entry["links"][base] = revision
        while len(entry["links"]) > 256:  # a tab that never ran since: the oldest go
            entry["links"].pop(next(iter(entry["links"])))
        entry["last"] = (revision, body)
        same = [key for key in _OWN if key[0] == session_id]
        for key in same[: max(0, len(same) - _OWN_TABS_PER_SESSION + 1)]:
            del _OWN[key]
        _OWN[(session_id, tab)] = entry
        while len(_OWN) > _OWN_KEPT:
            _OWN.popitem(last=False)
        held = sum(len(e["last"][1]) for e in _OWN.values())
        while held > _OWN_BYTES and len(_OWN) > 1:
            _, gone = _OWN.popitem(last=False)
            held -= len(gone["last"][1])


_WROTE: OrderedDict[tuple[str, str], int] = OrderedDict()
_WROTE_KEPT = 4096  # a pair of short strings and a number each: well under a megabyte


def wrote(session_id: str, tab: str, revision: int) -> None:
    """Note the revision a tab's own save made (its board here, its page run in ui/state.py),
    so the tab's session watcher does not take its own save for another tab's."""
    with _OWN_LOCK:
        _WROTE.pop((session_id, tab), None)
        _WROTE[(session_id, tab)] = revision
        while len(_WROTE) > _WROTE_KEPT:
            _WROTE.popitem(last=False)


def own_saves_since(session_id: str, tab: str, revision: int):
    """``(revision, session)`` as this tab's board left the session, if every save since
    ``revision`` was that board's through this route (each made from the one before, so
    nobody else saved in between), else None. The page adopts it before acting on its
    copy of the session: a notes save, a clock click or a change through the page run then
    neither reads the board's own saves as another tab's nor books the time twice."""
    with _OWN_LOCK:
        entry = _OWN.get((session_id, tab))
        if entry is None or entry["last"][0] <= revision:
            return None
        links, (last, body) = entry["links"], entry["last"]
        at = revision
        while at != last:
            if at not in links:
                return None
            at = links[at]
    return last, Session.model_validate(json.loads(body))


def _refused(status: int, error: str) -> tuple[int, dict]:
    return status, {"error": error}


def _refusal(status: int, error: str) -> tuple[int, dict, None]:
    return status, {"error": error}, None


def _short_ascii(value) -> bool:
    return isinstance(value, str) and len(value) <= 128 and value.isascii()


TOO_LARGE = f"the design sent is over {MAX_BODY_BYTES:,} bytes"
OVER_DRAWING_CAP = (
    f"the design sent is over the drawing cap ({MAX_DRAWN_COMPONENTS:,} components and "
    f"{MAX_DRAWN_EDGES:,} edges): the page takes it"
)


def _over_drawing_cap(sent) -> bool:
    """Whether the design sent holds more than a board draws, counted before it is read: a
    board never sends that (it is not drawn past the cap), and reading 5,000 boxes and
    20,000 edges, and the session they replaced, held a core half a second per post
    (bench/flood.py). The page run takes such a change, as it takes every refused one."""
    if not isinstance(sent, dict):
        return False
    components, edges = sent.get("components"), sent.get("edges")
    return (isinstance(components, list) and len(components) > MAX_DRAWN_COMPONENTS) or (
        isinstance(edges, list) and len(edges) > MAX_DRAWN_EDGES
    )


@dataclass(frozen=True)
class Kept:
    """What a tab's save through the route leaves the serving process to remember
    (``_remember``, ``wrote``): made where the change was taken, kept where the tab polls."""

    session_id: str
    tab: str
    base: int
    revision: int
    session_json: str
    wrote: bool

    def keep(self) -> None:
        _remember_json(self.session_id, self.tab, self.base, self.revision, self.session_json)
        if self.wrote:
            wrote(self.session_id, self.tab, self.revision)


class ForTheLane(Exception):
    """A change this process does not take itself (ui/board_lane.py takes it): its stored
    session is over ``LARGE_BYTES``, whose reading would hold this process's interpreter lock
    as long as a large design does, or its session spent its budget (``Budgets``)."""


LARGE_BYTES = 64 * 1024
"""A body or a stored session over this is large (a board of 40 boxes sends about 8 KB; one at
the drawing cap, about 100 KB without labels): ui/board_lane.py takes its change."""


class Budgets:
    """Each session's budget of this process's CPU for its board's changes: ``RATE_S`` seconds
    a second, up to ``BURST_S`` saved up. A session over it has its changes taken in the large
    lane until it is back in credit. Why: a body under ``LARGE_BYTES`` can still cost tens of
    ms (300 boxes of unknown types, each with a "did you mean"; 1,500 edges to no box) and a
    session sending them back to back held this process's interpreter lock as large designs
    did. A person drawing spends a few ms a change, every second or so."""

    RATE_S = 0.05
    BURST_S = 0.25
    KEPT = 4096

    def __init__(self) -> None:
        self._left: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def _now(self, session_id: str) -> float:
        now = time.monotonic()
        left, since = self._left.get(session_id, (self.BURST_S, now))
        return min(self.BURST_S, left + (now - since) * self.RATE_S)

    def left(self, session_id: str) -> bool:
        with self._lock:
            return self._now(session_id) > 0

    def spend(self, session_id: str, seconds: float) -> None:
        with self._lock:
            left = self._now(session_id) - seconds
            self._left.pop(session_id, None)
            self._left[session_id] = (left, time.monotonic())
            while len(self._left) > self.KEPT:
                self._left.popitem(last=False)


_BUDGETS = Budgets()


def board_answer(store: Store, body: bytes) -> tuple[int, dict]:
    """Take one change from a board: ``(HTTP status, answer)``. See the module's docstring."""
    status, answer, kept = take_change(store, body)
    if kept is not None:
        kept.keep()
    return status, answer


def take_change(
    store: Store, body: bytes, small_only: bool = False
) -> tuple[int, dict, Kept | None]:
    """``board_answer``, leaving what the tab's save is to be remembered by to the caller.
    With ``small_only`` (the server's own process), a change of a session over its budget or
    stored over ``LARGE_BYTES`` is not read: ``ForTheLane``."""
    if len(body) > MAX_BODY_BYTES:
        return _refusal(413, TOO_LARGE)
    try:
        change = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _refusal(400, "the body is not JSON")
    if not isinstance(change, dict):
        return _refusal(400, "the body is not a JSON object")
    session_id, token = change.get("session"), change.get("token")
    base, seq, tab = change.get("base"), change.get("seq"), change.get("tab")
    if not all(_short_ascii(v) for v in (session_id, token)) or not (
        tab is None or _short_ascii(tab)
    ):
        return _refusal(400, "session, token and tab must be short ASCII strings")
    if not isinstance(base, int) or not isinstance(seq, int) or isinstance(base, bool):
        return _refusal(400, "base and seq must be whole numbers")
    if not hmac.compare_digest(token.encode(), board_token(session_id).encode()):
        return _refusal(403, "this board holds no key of that session on this server")
    if _over_drawing_cap(change.get("design")):
        return _refusal(413, OVER_DRAWING_CAP)
    if not small_only:
        return _take_session(store, change, session_id)
    if not _BUDGETS.left(session_id):
        raise ForTheLane(session_id)
    size = store.session_size(session_id)
    if size is not None and size > LARGE_BYTES:
        raise ForTheLane(session_id)
    started = time.thread_time()
    try:
        return _take_session(store, change, session_id)
    finally:
        _BUDGETS.spend(session_id, time.thread_time() - started)


def _take_session(store: Store, change: dict, session_id: str) -> tuple[int, dict, Kept | None]:
    base, seq, tab = change["base"], change["seq"], change.get("tab")
    stored = store.load_versioned(session_id)
    if stored is None:
        return _refusal(404, "no such session")
    session, revision = stored
    if revision != base:
        return _refusal(409, f"saved since this board read it (revision {revision}, not {base})")
    if session.finished_at is not None:
        return _refusal(409, "the session is finished")
    try:
        design = design_from_board(change, session.design)
    except BoardError as error:
        return _refusal(422, f"That change was not kept: {error}")
    judged = verdict(design, session.scenario_id, session.scenario_yaml, session.curveballs)
    report = judged.report
    kept = None
    if design != session.design:
        session.record_design(design)
        # a curveball's broken rules pass again: when (and the page beyond the board says so)
        recovered = note_recovery(session, report)
        revision = store.save_session(session, expected=base)
        if tab is not None:
            # not recovered: the tab's own save; else the tab's watcher takes this save for
            # news and runs the page, whose curveball line then says the design passes again
            as_json = json.dumps(session.to_dict())
            kept = Kept(session_id, tab, base, revision, as_json, wrote=not recovered)
    if session.rehearsing:  # the verdicts wait for the end: none is drawn, none is sent
        answer = {"revision": revision, "seq": seq, "marks": NO_MARKS, "findings": None}
        return 200, answer, kept
    scenario = effective_scenario(session)
    size = scenario.requirements.catalog_size if scenario else DEFAULT_CATALOG_SIZE
    waiting = waiting_rules(report, design, session.current_step)
    disagree = mismatches(session.notes, design, scenario)
    answer = {
        "revision": revision,
        "seq": seq,
        "marks": judged.marks_for(design, waiting, size),
        "findings": findings_data(report, waiting, disagree),
    }
    return 200, answer, kept


async def board_change(request: Request) -> JSONResponse:
    """The route: ``board_answer`` on the process's store, off the event loop."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return JSONResponse({"error": TOO_LARGE}, 413, headers=_HEADERS)
    chunks, size = [], 0
    async for chunk in request.stream():  # a body without a length is read up to the cap
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return JSONResponse({"error": TOO_LARGE}, 413, headers=_HEADERS)
        chunks.append(chunk)
    body = b"".join(chunks)
    started = time.perf_counter()
    from ui import board_lane  # here: the lane's process runs this module's take_change

    try:
        store = shared_store()
        if len(body) > LARGE_BYTES:
            status, answer, kept = await board_lane.large_answer(store, body)
        else:
            try:
                status, answer, kept = await run_in_threadpool(take_change, store, body, True)
            except ForTheLane:
                status, answer, kept = await board_lane.large_answer(store, body)
    except ConflictError as conflict:  # another tab saved between the read and the write
        (status, answer, kept) = _refusal(409, str(conflict))
    except StorageError as error:
        (status, answer, kept) = _refusal(503, str(error))
    if kept is not None:
        kept.keep()
    # the server's part of the answer's time (read in a browser's devtools, and by bench/)
    taken = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    headers = {**_HEADERS, "Server-Timing": taken}
    if status == 429:
        headers["Retry-After"] = str(board_lane.RETRY_AFTER_S)
    if isinstance(answer, bytes):  # JSON already, from the lane's process
        return Response(answer, status, headers=headers, media_type="application/json")
    return JSONResponse(answer, status, headers=headers)


def session_watch(request: Request) -> JSONResponse:
    """``GET /api/session-watch?session=ID&token=T&tab=TAB``: the session's stored revision
    ``v``, and ``own``, the last one this tab saved itself. A solo tab polls it (ui/state.py
    ``watch_session``) and runs its page when another tab saved, so every open tab shows what
    is stored before its user types over it. The board's key for the session is the key
    here too (403 without it): a revision is little, but it is nobody else's business."""
    query = request.query_params
    session_id, token, tab = query.get("session", ""), query.get("token", ""), query.get("tab", "")
    if not all(_short_ascii(v) for v in (session_id, token, tab)) or not hmac.compare_digest(
        token.encode(), board_token(session_id).encode()
    ):
        return JSONResponse({"error": "no key of that session"}, 403, headers=_HEADERS)
    try:
        revision = shared_store().session_revision(session_id)
    except StorageError as error:
        return JSONResponse({"error": str(error)}, 503, headers=_HEADERS)
    with _OWN_LOCK:
        own = _WROTE.get((session_id, tab))
    return JSONResponse({"v": revision, "own": own, "boot": BOOT_ID}, headers=_HEADERS)
