"""The whiteboard's board panel: the canvas, the rubric and the text views of the design.

It runs as a fragment on the whiteboard page, so a change on the canvas reruns only this
panel, not the notes, the checklist or the clock (``bench/ui_rerun.py`` times it).
"""

from __future__ import annotations

import streamlit as st

from design_framework.session import Session
from design_framework.waiting import waiting_rules
from ui import state
from ui.builder import text_views
from ui.canvas import board, board_key, view
from ui.findings_data import without_waiting
from ui.widgets import board_findings, drawing_caption, findings

TEXT_VIEWS_KEY = "w_text_views"
TEXT_VIEWS_LABEL = ":material/code: Edit as text: Quick text or YAML"


def board_panel(session: Session, scenario) -> None:
    report = state.rubric(session)
    drawing_caption(session)
    if session.finished_at is not None:  # finished is read-only: view the board, no editors
        view(session.design, report, scenario, key="w_finished_board")
        findings(report)
        return
    # Open text views follow the board through page runs; closed, a change on the board is
    # saved and checked by the direct route, without one (ui/board_route.py).
    waiting = waiting_rules(report, session.design, session.current_step)
    board(
        session,
        without_waiting(report, waiting),
        scenario,
        direct=not st.session_state.get(TEXT_VIEWS_KEY),
    )
    rubric_col, text_col = st.columns([3, 2], gap="large")
    with rubric_col:
        if session.rehearsing:
            st.info(
                "Rehearsal: the rubric's verdicts on this design wait until you finish.",
                icon=":material/visibility_off:",
            )
        else:
            board_findings(
                report,
                board_key=board_key(session),
                revision=st.session_state.get(state.REVISION),
                waiting=waiting,
            )
    with text_col:
        # Closed until asked for, then open while on the page: the board is the editor most people
        # use, and the text views, drawn on every change on it, were a quarter of the time
        # from a drop to the updated board (bench/browser_canvas.py).
        views = st.expander(TEXT_VIEWS_LABEL, key=TEXT_VIEWS_KEY, on_change="rerun")
        if views.open:
            with views:
                text_views(session)


@st.fragment
def board_fragment(session: Session, scenario) -> None:
    state.show_notices()  # what this fragment's callbacks had to say (see state.notify)
    state.catch_up(session)  # what the board saved through its direct route since
    state.rerun_page_if_stale()
    board_panel(session, scenario)
