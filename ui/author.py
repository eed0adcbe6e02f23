"""Author a scenario: paste or upload YAML, see errors with line numbers, practise on it."""

from pathlib import Path

import streamlit as st

from components.loading import MAX_FILE_BYTES, InputError
from design_framework.rubric import Status, check_design
from design_framework.session import Session
from scenarios.loader import scenario_from_string
from ui import state

EXAMPLE = Path("scenarios/pack/realtime-playlist-recs.yaml")

st.title("Author a scenario")
st.caption(
    "Write a scenario as YAML (the JSON Schema comes from `python -m scenarios schema`; "
    "the shipped pack in `scenarios/pack/` shows every field). Validate it here, then "
    "practise on it. Add the file to `scenarios/pack/` to ship it."
)


def load_example() -> None:
    st.session_state["w_author_text"] = EXAMPLE.read_text(encoding="utf-8")


upload = st.file_uploader("Upload a scenario file", type=["yaml", "yml"], key="w_author_upload")
if upload is not None and st.session_state.get("w_author_loaded") != upload.file_id:
    data = upload.getvalue()
    if len(data) > MAX_FILE_BYTES:
        st.error(f"{upload.name}: file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}.")
    else:
        st.session_state["w_author_text"] = data.decode("utf-8", errors="replace")
        st.session_state["w_author_loaded"] = upload.file_id

st.button(
    "Start from the real-time playlist example", key="w_author_example", on_click=load_example
)
text = st.text_area("Scenario YAML", height=420, key="w_author_text")

if text.strip():
    try:
        scenario = scenario_from_string(text, upload.name if upload else "scenario.yaml")
    except InputError as error:
        st.error(
            f"{len(error.problems)} problem(s):\n\n" + "\n".join(f"- {p}" for p in error.problems)
        )
    else:
        report = check_design(scenario.reference_design, scenario)
        failing = [f for f in report.findings if f.status == Status.failed]
        if failing:
            st.warning(
                "The scenario is valid, but its reference design fails its own rubric:\n\n"
                + "\n".join(f"- `{f.rule}`: {f.message}" for f in failing)
            )
        else:
            st.success(
                f"Valid: **{scenario.title}** (`{scenario.id}`), {len(scenario.rules)} "
                f"rules, reference design passes all of them."
            )
        length = st.selectbox(
            "Interview length",
            [45, 60, 30, None],
            key="w_author_length",
            format_func=lambda m: f"{m} minutes" if m else "Untimed",
        )
        if st.button("Practise on this scenario", key="w_author_practise", type="primary"):
            session = Session(scenario_id=scenario.id, scenario_yaml=text, length_minutes=length)
            state.open_session(session)
            st.switch_page("ui/practice.py", query_params={state.SESSION_PARAM: session.id})
