"""Session state in one place: which session is open, how it is saved and restored.

The open session lives in ``st.session_state["session"]`` and is saved to the store after
every change. Its id is in the URL (``?s=<id>``), so a browser refresh or a server restart
restores it. Widget keys are stable, readable strings; tests and browser automation find
widgets by them.
"""

from __future__ import annotations

import streamlit as st

from components.design import Design
from components.loading import InputError
from design_framework.rubric import Report, check_design
from design_framework.session import Session
from scenarios.loader import scenario_from_string, shipped_scenarios
from storage import Store, default_data_dir, open_store

SESSION = "session"
SESSION_PARAM = "s"
ROOM_PARAM = "room"


@st.cache_resource
def _store(data_dir: str) -> Store:
    return open_store(data_dir)


def store() -> Store:
    """The store for the configured data folder (WHITEBOARD_DATA_DIR, default ./data)."""
    return _store(str(default_data_dir().resolve()))


@st.cache_resource
def pack() -> dict:
    return shipped_scenarios()


@st.cache_data(max_entries=32, show_spinner=False)
def authored_scenario(text: str, source: str = "authored scenario"):
    """A scenario from YAML text, parsed once per text (the author page reruns often)."""
    return scenario_from_string(text, source)


def scenario_of(session: Session | None):
    """The scenario a session practises: shipped, authored in the app, or none."""
    if session is None:
        return None
    if session.scenario_yaml:
        try:
            return authored_scenario(session.scenario_yaml)
        except InputError:
            return None
    return pack().get(session.scenario_id) if session.scenario_id else None


def current_session() -> Session | None:
    """The open session, restored from the URL after a refresh or a restart."""
    session = st.session_state.get(SESSION)
    wanted = st.query_params.get(SESSION_PARAM)
    if session is not None and (wanted is None or wanted == session.id):
        if wanted is None:
            st.query_params[SESSION_PARAM] = session.id
        return session
    if wanted:
        restored = store().load_session(wanted)
        if restored is not None:
            open_session(restored)
            return restored
    return None


def open_session(session: Session) -> None:
    """Make ``session`` the open one and drop widget values that belong to another."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("w_")]:
        del st.session_state[key]
    st.session_state[SESSION] = session
    st.query_params[SESSION_PARAM] = session.id
    store().save_session(session)


def save(session: Session) -> None:
    """Autosave: called after every change the user makes."""
    st.session_state[SESSION] = session
    store().save_session(session)


def set_design(session: Session, design: Design) -> None:
    session.design = design
    save(session)


@st.cache_data(max_entries=256, show_spinner=False)
def _check(design_json: str, scenario_key: str, scenario_yaml: str | None) -> Report:
    design = Design.model_validate_json(design_json)
    if scenario_yaml:
        scenario = authored_scenario(scenario_yaml)
    else:
        scenario = pack().get(scenario_key) if scenario_key else None
    return check_design(design, scenario)


def check(design: Design, scenario_id: str | None, scenario_yaml: str | None = None) -> Report:
    """The rubric for any design, cached like ``rubric``."""
    return _check(design.model_dump_json(by_alias=True), scenario_id or "", scenario_yaml)


def finish(session: Session) -> None:
    """Stop the clock, save, and record the attempt for the History page (once)."""
    from design_framework.report import build_report

    session.finish()
    save(session)
    report = build_report(session, scenario_of(session), rubric=rubric(session))
    store().record_attempt(session, report.score, report.summary())


def rubric(session: Session) -> Report:
    """Rubric findings of the session's design, cached by design and scenario: every widget
    change reruns the page, and most reruns do not touch the diagram."""
    return _check(
        session.design.model_dump_json(by_alias=True),
        session.scenario_id or "",
        session.scenario_yaml,
    )


def widget_value(key: str, initial):
    """Seed a widget's value from the session once, then let the widget own it.

    ``initial`` may be a callable, so costly seeds (the design as YAML) are built only
    when the widget is first drawn, not on every rerun.
    """
    if key not in st.session_state:
        st.session_state[key] = initial() if callable(initial) else initial
    return key


def require_session() -> Session:
    """The open session, or a pointer to the library and a stop."""
    session = current_session()
    if session is None:
        st.info(
            "No session is open. Pick a scenario in the library to start one, or open a "
            "session file on the Files page."
        )
        st.page_link(
            "ui/library.py", label="Go to the scenario library", icon=":material/library_books:"
        )
        st.stop()
    return session
