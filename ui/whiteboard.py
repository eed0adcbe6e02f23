"""The whiteboard's board panel: the canvas, the rubric and the text views of the design.

It runs as a fragment on the whiteboard page, so a change on the canvas reruns only this
panel, not the notes, the checklist or the clock (``bench/ui_rerun.py`` times it).
"""

from __future__ import annotations

import streamlit as st

from components.markdown import escape
from design_framework.consistency import mismatches
from design_framework.curveballs import (
    RequirementChanges,
    custom_curveball,
    deliver,
    number,
    what_changed,
)
from design_framework.rubric import check_design
from design_framework.session import Session
from design_framework.waiting import waiting_rules
from ui import state
from ui.board_route import rubric_key
from ui.builder import text_views
from ui.canvas import board, board_key, view
from ui.findings_data import DISAGREE_DRAWN, disagreement_keys, without_waiting
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
    trying = None if session.rehearsing else what_if_panel(session, scenario)
    if trying is not None:
        scenario, report = trying
    # Open text views follow the board through page runs; closed, a change on the board is
    # saved and checked by the direct route, without one (ui/board_route.py). So does a
    # what-if: the route answers the session's own numbers.
    waiting = waiting_rules(report, session.design, session.current_step)
    board(
        session,
        without_waiting(report, waiting),
        scenario,
        direct=not st.session_state.get(TEXT_VIEWS_KEY) and trying is None,
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
                disagreements=disagreements(session, scenario),
            )
    with text_col:
        # Closed until asked for, then open while on the page: the board is the editor most people
        # use, and the text views, drawn on every change on it, were a quarter of the time
        # from a drop to the updated board (bench/browser_canvas.py).
        views = st.expander(TEXT_VIEWS_LABEL, key=TEXT_VIEWS_KEY, on_change="rerun")
        if views.open:
            with views:
                text_views(session)


def disagreements(session: Session, scenario) -> list:
    """What the notes state that the board contradicts, as the findings list shows it; what
    was drawn is remembered, so the notes panel can tell when typing changed it."""
    found = mismatches(session.notes, session.design, scenario)
    st.session_state[DISAGREE_DRAWN] = disagreement_keys(found)
    return found


WHAT_IF_FIELDS = [
    ("peak_qps", "Peak QPS", 1),
    ("users", "Monthly users", 1),
    ("catalog_size", "Catalog size", 1),
    ("latency_budget_ms", "Latency budget (ms)", 1),
    ("batch_window_h", "Batch window (h)", 0.5),
]


def _what_if_numbers() -> dict:
    return {
        name: st.session_state[f"w_whatif_{name}"]
        for name, _, _ in WHAT_IF_FIELDS
        if st.session_state.get(f"w_whatif_{name}") is not None
    }


def _back_to_real_numbers() -> None:
    for name, _, _ in WHAT_IF_FIELDS:
        st.session_state[f"w_whatif_{name}"] = None


def _keep_what_if(session: Session) -> None:
    """The numbers tried become a curveball the candidate set themselves."""
    state.catch_up(session)
    numbers = _what_if_numbers()
    if not numbers:
        return
    before = state.scenario_of(session)
    ball = custom_curveball(session, numbers, "", "self")
    deliver(session, ball, "self", before, check_design)
    state.save(session)
    _back_to_real_numbers()
    state.page_changed()  # the curveball's line above the notes, the requirements


@st.cache_data(max_entries=32, show_spinner=False)
def _what_if_report(design_json: str, scenario_json: str, _design, _scenario):
    # keyed by the design and scenario as JSON; the objects themselves are read
    return check_design(_design, _scenario)


def what_if_panel(session: Session, scenario):
    """Other numbers tried on the board without changing the session: ``(scenario,
    report)`` as they would be, or None while the real numbers are shown."""
    if scenario is None:
        return None
    with st.expander(":material/science: What if the numbers were different?", key="w_whatif"):
        cols = st.columns(len(WHAT_IF_FIELDS))
        for col, (name, label, step_by) in zip(cols, WHAT_IF_FIELDS, strict=True):
            col.number_input(
                label,
                min_value=step_by,
                value=None,
                step=step_by,
                key=f"w_whatif_{name}",
                placeholder=number(name, getattr(scenario.requirements, name, None)),
            )
    numbers = _what_if_numbers()
    if not numbers:
        return None
    try:
        figures = RequirementChanges.model_validate(numbers)
        trial = custom_curveball(session, figures.changed(), "", "self")
        tried = scenario.with_curveballs([trial])
    except ValueError as error:
        st.error(f"Those numbers cannot be tried: {str(error).splitlines()[0]}")
        return None
    shown = "; ".join(what_changed(trial, scenario.requirements))
    banner = st.container(key="w_whatif_banner")
    banner.warning(
        f":material/science: **What if:** {escape(shown)}. The board and the findings show "
        "your design checked against these numbers; your session keeps its own."
    )
    back, keep = banner.columns(2)
    back.button("Back to the real numbers", key="w_whatif_back", on_click=_back_to_real_numbers)
    keep.button(
        "Keep as a curveball",
        key="w_whatif_keep",
        on_click=_keep_what_if,
        args=(session,),
        help="From now on your design is checked against these numbers, and the report "
        "tells how it adapted.",
    )
    report = _what_if_report(
        rubric_key(session.design),
        tried.model_dump_json(include={"id", "requirements", "rules"}),
        session.design,
        tried,
    )
    return tried, report


@st.fragment
def board_fragment(session: Session, scenario) -> None:
    state.show_notices()  # what this fragment's callbacks had to say (see state.notify)
    state.catch_up(session)  # what the board saved through its direct route since
    state.rerun_page_if_stale()
    board_panel(session, scenario)
