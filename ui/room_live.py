"""What a room's screens show live, sent with the watch route's answer (``live=1``), so the
other side's change is drawn in the browser as it arrives, before (and without waiting
for) the page's run.

- The interviewer's: the candidate's board (the design placed as the page places it, with
  the rubric's marks), the notes per step and the clock (the step the candidate is on).
  The read-only board (canvas), the notes (static/livetext.js) and the clock
  (static/clock.js) take it; the page's run that follows draws the rest (coverage, the
  guide, the findings).
- The candidate's: the latest message the interviewer pushed (a question, a hint, a time
  call, a pointer, a curveball), and how many there are (static/livetext.js).

Each payload is worked out once per watched number and kept (``KEPT`` of them): two screens
and a replica's few rooms ask for the same one. No Streamlit here: the route runs it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from components.analysis import DEFAULT_CATALOG_SIZE
from components.board import live_drawing
from components.render import too_large_to_draw
from design_framework.room import PUSHED, project
from design_framework.session import clock_plan
from design_framework.steps import load_framework
from storage import Store
from ui.board_route import checked, effective_scenario

KEPT = 64
_PAYLOADS: OrderedDict[tuple, dict] = OrderedDict()
_LOCK = threading.Lock()

BOARD_SIZE_RANGE = (200, 10_000)
"""A board size the page says it draws at (px), within reason: a design without positions
is laid out for it, as the page lays it out."""


def board_size(width, height) -> tuple[int, int] | None:
    try:
        size = (int(width), int(height))
    except (TypeError, ValueError):
        return None
    low, high = BOARD_SIZE_RANGE
    return size if all(low <= v <= high for v in size) else None


def payload(
    store: Store, code: str, role: str, value: int, board: tuple[int, int] | None = None
) -> dict | None:
    """What ``role``'s screen shows live when the room's watched number is ``value``
    (None: the room or its session is gone)."""
    key = (code, role, value, board)
    with _LOCK:
        found = _PAYLOADS.get(key)
        if found is not None:
            _PAYLOADS.move_to_end(key)
            return found
    made = _make(store, code, role, board)
    if made is None:
        return None
    with _LOCK:
        _PAYLOADS[key] = made
        while len(_PAYLOADS) > KEPT:
            _PAYLOADS.popitem(last=False)
    return made


def _make(store: Store, code: str, role: str, board) -> dict | None:
    room = store.room(code)
    session = store.load_session(room.session_id) if room is not None else None
    if session is None:
        return None
    events = store.room_events(code, after=session.room_seq)
    if events:  # as the candidate's side will have applied them (ui.live.candidate_view)
        session = project(session, events, effective_scenario(session))
    if role == "candidate":
        pushed = [entry for entry in session.timeline if entry.kind in PUSHED]
        latest = pushed[-1] if pushed else None
        return {
            "pushed": len(pushed),
            "message": {"kind": latest.kind, "text": latest.text} if latest else None,
        }
    design = session.design
    drawn = None
    if design.components and too_large_to_draw(design) is None:
        scenario = effective_scenario(session)
        report = checked(design, session.scenario_id, session.scenario_yaml, session.curveballs)
        size = scenario.requirements.catalog_size if scenario else DEFAULT_CATALOG_SIZE
        placed, marks = live_drawing(design, report, size, board)
        drawn = {
            # as ui.canvas.view names what it draws: the same design is the same board
            "rev": hashlib.sha1(design.model_dump_json().encode()).hexdigest()[:16],
            "design": placed,
            "marks": marks,
        }
    step = load_framework().get(session.current_step)
    return {
        "board": drawn,
        "components": len(design.components),
        "notes": {step_id: text for step_id, text in session.notes.items()},
        "step": {"id": step.id, "title": step.title},
        "clock": clock_plan(session),
    }
