"""What a room's screens show live, sent with the watch route's answer (``live=1``), so the
other side's change is drawn in the browser as it arrives, before (and without waiting
for) the page's run.

- The interviewer's: the candidate's board (the design as drawn, with the rubric's marks),
  the notes per step and the clock (the step the candidate is on). The read-only board
  (canvas), the notes (static/livetext.js) and the clock (static/clock.js) take it; the
  page's run that follows draws the rest (coverage, the guide, the findings).
- The candidate's: the latest message the interviewer pushed (a question, a hint, a time
  call, a pointer, a curveball), and how many there are (static/livetext.js).

Limits before work, as at the board's route: a stored session over ``LARGE_BYTES`` gets no
live answer (the page's run draws it, as before), and the route never lays a design out
(``dot`` on 300 unplaced boxes took seconds): a board with a box without a position, or
over the drawing cap, is left out of the answer and the board keeps what it shows until
the page's run. Each answer is worked out once per watched number and kept (``KEPT``, each
at most a few hundred KB under those limits); the clock is worked out afresh each time, so
a kept answer never shows a stale clock. No Streamlit here: the route runs it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from components.analysis import DEFAULT_CATALOG_SIZE
from components.board import live_drawing
from components.render import too_large_to_draw
from design_framework.room import PUSHED, project
from design_framework.session import Session, clock_plan
from design_framework.steps import load_framework
from storage import Store
from ui.board_route import LARGE_BYTES, checked, effective_scenario

KEPT = 32
_KEPT: OrderedDict[tuple, tuple[dict, Session]] = OrderedDict()
_LOCK = threading.Lock()


def payload(store: Store, code: str, role: str, value: int) -> dict | None:
    """What ``role``'s screen shows live when the room's watched number is ``value``
    (None: the room or its session is gone, or the session is too large to answer here)."""
    key = (code, role, value)
    with _LOCK:
        found = _KEPT.get(key)
        if found is not None:
            _KEPT.move_to_end(key)
    if found is None:
        found = _make(store, code, role)
        if found is None:
            return None
        with _LOCK:
            _KEPT[key] = found
            while len(_KEPT) > KEPT:
                _KEPT.popitem(last=False)
    answer, session = found
    if role == "interviewer":
        return {**answer, "clock": clock_plan(session)}  # as of now, not of when it was kept
    return answer


def _make(store: Store, code: str, role: str) -> tuple[dict, Session] | None:
    room = store.room(code)
    if room is None:
        return None
    size = store.session_size(room.session_id)
    if size is None or size > LARGE_BYTES:
        return None
    session = store.load_session(room.session_id)
    if session is None:
        return None
    events = store.room_events(code, after=session.room_seq)
    if events:  # as the candidate's side will have applied them (ui.live.candidate_view)
        session = project(session, events, effective_scenario(session))
    if role == "candidate":
        pushed = [entry for entry in session.timeline if entry.kind in PUSHED]
        latest = pushed[-1] if pushed else None
        answer = {
            "pushed": len(pushed),
            "message": {"kind": latest.kind, "text": latest.text} if latest else None,
        }
        return answer, session
    step = load_framework().get(session.current_step)
    answer = {
        "components": len(session.design.components),
        "notes": dict(session.notes),
        "step": {"id": step.id, "title": step.title},
    }
    board = _board(session)
    if board is not False:
        answer["board"] = board
    return answer, session


def _board(session: Session) -> dict | None | bool:
    """The board as drawn, with its marks; None: nothing drawn; False: left to the page's
    run (a box not placed yet, or over the drawing cap)."""
    design = session.design
    if not design.components:
        return None
    if too_large_to_draw(design) is not None:
        return False
    if any(c.pos is None for c in design.components) or any(n.pos is None for n in design.notes):
        return False
    scenario = effective_scenario(session)
    report = checked(design, session.scenario_id, session.scenario_yaml, session.curveballs)
    size = scenario.requirements.catalog_size if scenario else DEFAULT_CATALOG_SIZE
    placed, marks = live_drawing(design, report, size)
    return {
        # as ui.canvas.view names what it draws: the same design is the same board
        "rev": hashlib.sha1(design.model_dump_json().encode()).hexdigest()[:16],
        "design": placed,
        "marks": marks,
    }
