"""The canvas on the pages: the candidate's editable board and read-only boards elsewhere.

State contract (see components/board.py and canvas/frontend/src/index.jsx): the board is
sent ``board_data`` plus ``revision`` (the session revision the page drew) and ``direct``
(``direct_route``); a change goes to the direct route (ui/board_route.py) or comes back as
the state value ``design`` (``{rev, seq, base, design}``; ``base``, the session revision
the board last knew), and a request as the trigger ``action`` (``{kind: "layout", width,
height}``, the layout wrapped to suit the board's pane, or
``{kind: "sync"}`` once the user pauses after direct saves). ``REV_KEY`` counts the
designs Python pushes: the board replaces what it shows only when the rev moves, so the
echo of the user's own change never fights a drag.
"""

from __future__ import annotations

import hashlib
import itertools

import streamlit as st
from whiteboard_canvas import canvas

from components.analysis import DEFAULT_CATALOG_SIZE
from components.board import (
    NO_MARKS,
    BoardError,
    auto_layout,
    board_data,
    catalog_id,
    column_px,
    design_from_board,
    fitted_height,
    too_large_to_draw,
)
from components.design import Design
from design_framework.session import Session
from ui import state
from ui.board_route import BOARD_PATH, board_token

CANVAS_KEY = "w_canvas"
REV_KEY = state.CANVAS_REV
SELECT_KEY = "w_canvas_select"
ERROR_KEY = "w_canvas_error"
SAVED_KEY = "w_canvas_saved"
EDITOR_KEYS = ("w_quick_text", "w_yaml_text", "w_quick_errors", "w_yaml_errors")
BOARD_HEIGHT = 600
VIEW_HEIGHT = 440
_tokens = itertools.count(1)


def bump_rev() -> None:
    """Python changed the design (text views, layout, a refusal): the board reloads it."""
    st.session_state[REV_KEY] = st.session_state.get(REV_KEY, 0) + 1


def select_nodes(ids) -> None:
    """Select these nodes on the board (a click on a finding)."""
    st.session_state[SELECT_KEY] = {"token": next(_tokens), "ids": list(ids)}


def _drop_text_views() -> None:
    # the text views reseed from the new design the next time they are drawn
    for key in EDITOR_KEYS:
        st.session_state.pop(key, None)


def apply_board_state(session: Session, value) -> bool:
    """Take the design the board sent; refuse it (and reload the board) if it is invalid.
    Returns whether the design was taken."""
    if isinstance(value, dict) and isinstance(value.get("seq"), int):
        st.session_state[SAVED_KEY] = value["seq"]
    try:
        design = design_from_board(value, session.design)
    except BoardError as error:
        st.session_state[ERROR_KEY] = f"That change was not kept: {error}"
        bump_rev()
        return False
    st.session_state.pop(ERROR_KEY, None)
    if design != session.design:
        state.set_design(session, design)
        _drop_text_views()
    return True


def _board_holds_catalog() -> bool:
    """Whether the page's board said it holds this catalog (its state ``catalog``): then
    the catalog, the same on every rerun, stays out of the data sent with each change."""
    held = (st.session_state.get(CANVAS_KEY) or {}).get("catalog")
    return held == catalog_id()


def apply_board_action(session: Session, action) -> None:
    """A request from the board: ``layout`` lays the design out again; ``sync`` only has
    this run pick up what the board saved through its direct route (see ``board``)."""
    if isinstance(action, dict) and action.get("kind") == "layout":
        state.set_design(session, auto_layout(session.design, board=_board_size(action)))
        _drop_text_views()
        bump_rev()


def _board_size(action: dict) -> tuple[int, int] | None:
    """The size of the board that asked for a layout (its pane, in px), if it said a
    plausible one: the layout is wrapped to suit it."""
    width, height = action.get("width"), action.get("height")
    sizes = (width, height)
    if all(isinstance(v, (int, float)) and 200 <= v <= 10_000 for v in sizes):
        return int(width), int(height)
    return None


def _on_design(session: Session) -> None:
    state.catch_up(session)  # this board's direct saves first: the change comes after them
    apply_board_state(session, (st.session_state.get(CANVAS_KEY) or {}).get("design"))


def _on_action(session: Session) -> None:
    state.catch_up(session)
    apply_board_action(session, (st.session_state.get(CANVAS_KEY) or {}).get("action"))


def _catalog_size(scenario) -> int:
    return scenario.requirements.catalog_size if scenario else DEFAULT_CATALOG_SIZE


def dark_theme() -> bool:
    """Whether the page shows Streamlit's dark theme (the components style themselves)."""
    theme = getattr(st.context, "theme", None)
    return getattr(theme, "type", None) == "dark"


def direct_route(session: Session, allowed: bool = True) -> dict | None:
    """What the board needs to send its changes to the direct route (ui/board_route.py):
    a change is then saved and checked without a page run. None, and changes go through
    the page run, where that run has more to do than the route: a save that failed waits
    to be retried, or the text views are open and must follow the board."""
    if not allowed or st.session_state.get(state.UNSAVED) or session.finished_at is not None:
        return None
    if not isinstance(st.session_state.get(state.REVISION), int):
        return None
    return {
        "path": BOARD_PATH,
        "session": session.id,
        "token": board_token(session.id),
        "tab": state.tab_id(),
    }


def board(session: Session, report, scenario, *, direct: bool = True) -> None:
    """The candidate's board: palette, drag, connect, edit in place, the rubric drawn on it.
    ``direct``: the board may save through the direct route (``direct_route``)."""
    design = session.design
    reason = too_large_to_draw(design)
    if reason:
        st.warning(f":material/hide_image: {reason}")
        return
    data = board_data(
        design,
        report,
        rev=st.session_state.setdefault(REV_KEY, 0),
        read_only=False,
        catalog_size=_catalog_size(scenario),
        height=BOARD_HEIGHT,
        dark=dark_theme(),
        select=st.session_state.get(SELECT_KEY),
        error=st.session_state.get(ERROR_KEY),
        saved=st.session_state.get(SAVED_KEY, 0),
        board_key=board_key(session),
        with_catalog=not _board_holds_catalog(),
    )
    data["revision"] = st.session_state.get(state.REVISION)
    data["direct"] = direct_route(session, direct)
    if session.rehearsing:
        data["marks"] = NO_MARKS  # nothing of the verdict on the board before the end
    canvas(
        key=CANVAS_KEY,
        data=data,
        height=BOARD_HEIGHT + 2,
        on_design_change=lambda: _on_design(session),
        on_action_change=lambda: _on_action(session),
        on_catalog_change=lambda: None,  # the state is read before each render
    )


def board_key(session: Session) -> str:
    """Names the session's board in the browser (its kept state, the answers it sends)."""
    return f"{CANVAS_KEY}:{session.id}"


def view(
    design: Design,
    report=None,
    scenario=None,
    *,
    key: str,
    empty_hint: str = "",
    fit_height: bool = False,
    share: float = 1.0,
    live: dict | None = None,
) -> None:
    """A read-only board (interviewer, report, file checker): pan, zoom and fit only, at a
    readable size (FIT_RULE). ``fit_height``: as tall as the design needs to be drawn the
    page's width (a full-width board), instead of the fixed height. ``share``: the part of
    the page's main column the board gets (a design without positions is laid out for it).
    ``live`` (``{channel, v}``, a room's interviewer): the board follows the room's watcher
    and draws a newer board at once (ui/room_live.py), so it is drawn even while empty."""
    if not design.components:
        st.info(empty_hint or "The diagram is empty.")
        if live is None:
            return
    reason = too_large_to_draw(design)
    if reason:
        st.warning(f":material/hide_image: {reason}")
        return
    width = int(column_px() * share)
    height = fitted_height(design, width) if fit_height else VIEW_HEIGHT
    data = board_data(
        design,
        report,
        # a read-only board reloads whenever what it shows changes
        rev=hashlib.sha1(design.model_dump_json().encode()).hexdigest()[:16],
        read_only=True,
        catalog_size=_catalog_size(scenario),
        height=height,
        dark=dark_theme(),
        board=(width, height),
    )
    if live is not None:
        data["live"] = live
    canvas(key=key, data=data, height=height + 2)
