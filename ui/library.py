"""Scenario library: filter, read the prompt and numbers, start a timed session."""

import streamlit as st

from design_framework.session import Session
from ui import state

st.title("ML system-design whiteboard")
st.caption(
    "Pick a scenario, start the clock, walk the seven steps and draw the architecture. "
    "The rubric checks your design as you go. Runs offline; nothing leaves this machine."
)

pack = state.pack()
open_session = state.current_session()
if open_session is not None and open_session.finished_at is None:
    scenario = state.scenario_of(open_session)
    name = scenario.title if scenario else "your free design"
    left, right = st.columns([4, 1])
    left.info(f"A session is open: **{name}**.")
    if right.button("Resume", key="lib_resume", type="primary"):
        st.switch_page("ui/practice.py", query_params={state.SESSION_PARAM: open_session.id})

tags = sorted({tag for s in pack.values() for tag in s.tags})
c1, c2, c3, c4 = st.columns([3, 1.3, 1.3, 1.3])
chosen_tags = c1.multiselect("Tags", tags, key="lib_tags", placeholder="Any topic")
difficulty = c2.multiselect(
    "Difficulty", ["easy", "medium", "hard"], key="lib_difficulty", placeholder="Any"
)
modes = c3.multiselect("Mode", ["realtime", "nearline", "batch"], key="lib_mode", placeholder="Any")
length = c4.selectbox(
    "Interview length",
    [45, 60, 30, None],
    key="lib_length",
    format_func=lambda m: f"{m} minutes" if m else "Untimed",
)

shown = [
    s
    for s in pack.values()
    if (not chosen_tags or set(chosen_tags) & set(s.tags))
    and (not difficulty or s.difficulty in difficulty)
    and (not modes or s.requirements.mode.value in modes)
]
st.caption(f"{len(shown)} of {len(pack)} scenarios")


def start(scenario_id: str, minutes) -> None:
    session = Session(scenario_id=scenario_id, length_minutes=minutes)
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
            start(scenario.id, length)
            st.switch_page(
                "ui/practice.py", query_params={state.SESSION_PARAM: st.session_state["session"].id}
            )
        st.markdown(scenario.prompt)
        with st.expander("Requirements and sources"):
            rows = {
                "Monthly active users": f"{r.users:,}",
                "Daily active users": f"{r.daily_active_users:,}" if r.daily_active_users else "-",
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
        state.open_session(Session(scenario_id=None, length_minutes=length))
        st.switch_page(
            "ui/practice.py", query_params={state.SESSION_PARAM: st.session_state["session"].id}
        )
