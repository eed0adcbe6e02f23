"""Progress over time: every finished attempt with its score and what went wrong."""

from datetime import datetime

import streamlit as st

from components.markdown import escape
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
if not attempts:
    st.info("No finished sessions yet. Finish one from the whiteboard and it appears here.")
    st.stop()

pack = state.pack()
rows = []
for attempt in attempts:
    scenario = pack.get(attempt.scenario_id) if attempt.scenario_id else None
    rows.append(
        {
            "finished": datetime.fromtimestamp(attempt.finished_at).strftime("%Y-%m-%d %H:%M"),
            "scenario": scenario.title if scenario else (attempt.scenario_id or "free design"),
            "score": attempt.score,
            "rubric": attempt.summary.get("rubric_score"),
            "minutes": attempt.summary.get("minutes"),
            "hints": attempt.summary.get("hints"),
            "failed rules": ", ".join(attempt.summary.get("failed_rules", [])),
        }
    )
st.metric("Attempts", len(rows), help="Your finished sessions on this server")
st.line_chart(
    [{"attempt": i + 1, "score": r["score"]} for i, r in enumerate(rows)], x="attempt", y="score"
)
st.dataframe(list(reversed(rows)), hide_index=True, width="stretch")

failures: dict[str, int] = {}
for attempt in attempts:
    for rule in attempt.summary.get("failed_rules", []):
        failures[rule] = failures.get(rule, 0) + 1
if failures:
    st.subheader("Rules you fail most")
    for rule, count in sorted(failures.items(), key=lambda item: -item[1])[:5]:
        st.markdown(f"- `{rule}`: {count} time{'s' if count > 1 else ''}")
