"""Progress: what to practise next and why, from every finished attempt."""

import pandas as pd
import streamlit as st

from components.markdown import escape
from design_framework.progress import build_progress, history_csv
from design_framework.session import Session
from storage import StorageError
from ui import state

st.title("History")
try:
    attempts = state.store().attempts(owner=state.owner())
except StorageError as error:
    st.error(f"{error} Your history cannot be shown until then.")
    st.stop()
for line in attempts.skipped:
    st.caption(f":material/report: {escape(line)}")

pack = state.pack()
progress = build_progress(attempts, pack)


recommendation = progress.recommendation
if recommendation is not None:
    with st.container(border=True):
        st.markdown(f"**Practise next: {pack[recommendation.scenario].title}**")
        st.caption(recommendation.reason)
        if st.button("Start it (45 minutes)", key="w_history_next", icon=":material/play_arrow:"):
            state.open_session(Session(scenario_id=recommendation.scenario, length_minutes=45))
            st.switch_page(
                "ui/practice.py", query_params={state.SESSION_PARAM: st.session_state["session"].id}
            )

if not progress.rows:
    st.info("No finished sessions yet. Finish one from the whiteboard and it appears here.")
    st.stop()

last = progress.rows[-1]
# Rehearsals (verdicts only at the end) and coached attempts are scored apart: being told
# as you go is another exercise than the real room.
kinds = {
    kind: [r["score"] for r in progress.rows if r["practice"] == kind]
    for kind in ("coached", "rehearsal")
}
columns = st.columns(5)
columns[0].metric("Attempts", len(progress.rows), help="Your finished sessions")
columns[1].metric("Last score", last["score"], help=f"a {last['practice']} attempt")
columns[2].metric("Best coached", max(kinds["coached"], default="-"))
columns[3].metric(
    "Best rehearsal",
    max(kinds["rehearsal"], default="-"),
    help="Attempts rehearsed as in the real room: every verdict waited until the end.",
)
columns[4].metric("Scenarios tried", len(pack) - len(progress.untried), help=f"of {len(pack)}")

table = pd.DataFrame(progress.rows).set_index("attempt")
st.subheader("Scores")
if len(progress.rows) > 1:
    scores = table[["design", "notes", "time"]].copy()
    for kind in ("coached", "rehearsal"):
        scores[f"score ({kind})"] = table["score"].where(table["practice"] == kind)
    st.line_chart(scores, y_label="points")
st.dataframe(table.drop(columns=["scenario_id"]).iloc[::-1], width="stretch", key="w_history_table")

st.subheader("Per step")
st.caption(
    "Share of each step's notes points kept (1 = every point covered, with reasoning), share "
    "of the design rules of that step that passed, and minutes over the step's budget "
    "(negative: time to spare). Blank where an attempt did not record it."
)
share = {"min_value": 0.0, "max_value": 1.0, "format": "percent"}
st.dataframe(
    pd.DataFrame(progress.per_step).set_index("step"),
    width="stretch",
    column_config={
        name: st.column_config.ProgressColumn(name, **share)
        for name in (
            "notes kept (last)",
            "notes kept (average)",
            "rules passed (last)",
            "rules passed (average)",
        )
    },
)
if len(progress.step_notes) > 1:
    with st.expander("Notes per step over attempts"):
        st.line_chart(pd.DataFrame(progress.step_notes).set_index("attempt"), y_label="share kept")

if progress.rules:
    st.subheader("Rules you fail most")
    for item in progress.rules[:5]:
        where = f" Practise it on **{pack[item.scenario].title}**." if item.scenario in pack else ""
        topics = ", ".join(item.topics) or "no topic listed"
        st.markdown(
            f"- `{item.rule}`: failed in {item.failures} of {item.attempts} attempts. "
            f"Study: {topics}.{where}"
        )

if progress.untried:
    with st.expander(f"Scenarios not tried yet ({len(progress.untried)})"):
        for scenario_id in progress.untried:
            scenario = pack[scenario_id]
            st.markdown(f"- {scenario.title} ({scenario.difficulty}, {scenario.requirements.mode})")

st.download_button(
    "Download history (CSV)",
    history_csv(progress),
    file_name="whiteboard-history.csv",
    mime="text/csv",
    key="w_history_csv",
    icon=":material/download:",
)
