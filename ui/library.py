"""Scenario library: filter, read the prompt and numbers, start a timed session."""

from typing import get_args

import streamlit as st

from components.markdown import escape
from design_framework.session import Session
from scenarios.model import Mode, Scenario
from storage import Listing, StorageError
from ui import state
from ui.widgets import COACHED, length_select, practice_select

st.title("ML system-design whiteboard")
st.caption(
    "Pick a scenario, start the clock, walk the seven steps and draw the architecture. "
    "The rubric checks your design as you go. Runs offline; nothing leaves this machine."
)

pack = state.pack()
state.current_session()  # restore the session in the URL, if any, so it shows below


def resume(session) -> None:
    state.resume_session(session)


state.storage_notice()
try:
    recent = state.store().recent_sessions(limit=20, owner=state.owner())
except StorageError as error:
    st.error(f"{error} Recent sessions cannot be listed; the scenarios below still work.")
    recent = Listing()
if recent.skipped:
    with st.expander(f":material/report: {len(recent.skipped)} stored session(s) skipped"):
        for line in recent.skipped:
            st.caption(escape(line))
unfinished = [s for s in recent if s.finished_at is None][:5]
if unfinished:
    with st.expander(f"Recent sessions ({len(unfinished)} unfinished)", expanded=True):
        for session in unfinished:
            scenario = state.scenario_of(session)
            left, right = st.columns([4, 1])
            minutes = session.elapsed_seconds() / 60
            left.markdown(
                f"**{escape(scenario.title) if scenario else 'Free design'}** · "
                f"{len(session.design.components)} components · {minutes:.0f} min used · "
                f"on {session.current_step.replace('_', '-')}"
            )
            if right.button(
                "Resume", key=f"lib_resume_{session.id}", on_click=resume, args=(session,)
            ):
                st.switch_page("ui/practice.py", query_params={state.SESSION_PARAM: session.id})

tags = sorted({tag for s in pack.values() for tag in s.tags})
with st.container(horizontal=True, gap="large"):
    # Rows of pills, not drop-downs: two or three values each, one click to filter; the row
    # wraps on a narrow window instead of clipping them.
    difficulty = st.pills(
        "Difficulty",
        list(get_args(Scenario.model_fields["difficulty"].annotation)),
        key="lib_difficulty",
        selection_mode="multi",
    )
    modes = st.pills("Mode", [m.value for m in Mode], key="lib_mode", selection_mode="multi")
    length = length_select("lib_length")
    rehearsal = practice_select(
        "lib_practice_as",
        "How to practise",
        COACHED,
        help="Coached: the rubric, the checklist, follow-ups and hints as you go. "
        "Rehearsal, as in the real room: the clock, the board and your notes only; "
        "every verdict waits until you finish or the time runs out.",
    )
chosen_tags = st.multiselect("Tags", tags, key="lib_tags", placeholder="Any topic")

shown = [
    s
    for s in pack.values()
    if (not chosen_tags or set(chosen_tags) & set(s.tags))
    and (not difficulty or s.difficulty in difficulty)
    and (not modes or s.requirements.mode.value in modes)
]
st.caption(f"{len(shown)} of {len(pack)} scenarios")


def start(scenario_id: str | None, minutes, rehearsal: bool = False) -> None:
    session = Session(scenario_id=scenario_id, length_minutes=minutes, rehearsal=rehearsal)
    session.start()  # Start means start: the clock runs from this click, timed or not
    state.open_session(session)


for scenario in shown:
    r = scenario.requirements
    with st.container(border=True):
        head, button = st.columns([5, 1])
        budget = (
            f"{r.latency_budget_ms} ms budget"
            if r.latency_budget_ms
            else f"{r.batch_window_h:g} h batch window"
            if r.batch_window_h
            else ""
        )
        head.markdown(
            f"#### {scenario.title}\n`{scenario.id}` · {scenario.difficulty} · "
            f"{r.mode.value} · {budget} · {' '.join('#' + t for t in scenario.tags)}"
        )
        if button.button("Start", key=f"lib_start_{scenario.id}", type="primary"):
            start(scenario.id, length, rehearsal)
            st.switch_page(
                "ui/practice.py", query_params={state.SESSION_PARAM: st.session_state["session"].id}
            )
        st.markdown(scenario.prompt)
        # Drawn only when opened: fourteen tables and their sources were most of the
        # elements of this page, the first one a fresh server shows (bench/page_loads.py).
        facts = st.expander(
            "Requirements and sources", key=f"lib_facts_{scenario.id}", on_change="rerun"
        )
        with facts:
            if facts.open:
                rows = {
                    "Monthly active users": f"{r.users:,}",
                    "Daily active users": f"{r.daily_active_users:,}"
                    if r.daily_active_users
                    else "-",
                    "Peak requests per second": f"{r.peak_qps:,}" if r.peak_qps else "-",
                    "Catalog size": f"{r.catalog_size:,}",
                    "Latency budget": f"{r.latency_budget_ms} ms" if r.latency_budget_ms else "-",
                    "Items shown": f"{r.slate_size}",
                    "Feature freshness": f"{r.feature_freshness_s:,} s"
                    if r.feature_freshness_s
                    else "-",
                    "Batch window": f"{r.batch_window_h:g} h" if r.batch_window_h else "-",
                }
                st.table([{"requirement": k, "value": v} for k, v in rows.items()])
                for source in scenario.sources:
                    st.caption(f"{source.figure}: {source.source}")
                for assumption in scenario.assumptions:
                    st.caption(f"Assumption: {assumption}")

with st.container(border=True):
    st.markdown(
        "#### Free design\nNo scenario: draw any architecture and check it with the "
        "rubric's default options."
    )
    if st.button("Start a free design", key="lib_start_free"):
        state.open_session(Session(scenario_id=None, length_minutes=length, rehearsal=rehearsal))
        st.switch_page(
            "ui/practice.py", query_params={state.SESSION_PARAM: st.session_state["session"].id}
        )
