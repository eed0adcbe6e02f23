"""Author a scenario: paste or upload YAML, see errors with line numbers, practise on it."""

from pathlib import Path

import streamlit as st

from components.loading import InputError, excerpt
from components.markdown import escape, no_images
from design_framework.curveballs import what_changed
from design_framework.rubric import Status
from design_framework.session import Session
from ui import state
from ui.widgets import length_select, uploaded_text

EXAMPLE = Path("scenarios/pack/realtime-playlist-recs.yaml")

st.title("Author a scenario")
st.caption(
    "Write a scenario as YAML (the JSON Schema comes from `python -m scenarios schema`; "
    "the shipped pack in `scenarios/pack/` shows every field). Validate it here, then "
    "practise on it. Add the file to `scenarios/pack/` to ship it."
)


DRAFT = "author_draft"  # outside widget state, so the draft survives leaving the page


def set_draft(text: str) -> None:
    st.session_state[DRAFT] = text
    st.session_state["w_author_text"] = text


def keep_draft() -> None:
    st.session_state[DRAFT] = st.session_state["w_author_text"]


upload = st.file_uploader("Upload a scenario file", type=["yaml", "yml"], key="w_author_upload")
if upload is not None and st.session_state.get("author_loaded") != upload.file_id:
    uploaded = uploaded_text(upload)
    if uploaded is not None:
        set_draft(uploaded)
        st.session_state["author_loaded"] = upload.file_id

st.button(
    "Start from the real-time playlist example",
    key="w_author_example",
    on_click=set_draft,
    args=(EXAMPLE.read_text(encoding="utf-8"),),
)
text = st.text_area(
    "Scenario YAML",
    height=420,
    key=state.widget_value("w_author_text", lambda: st.session_state.get(DRAFT, "")),
    on_change=keep_draft,
)

if text.strip():
    try:
        scenario = state.authored_scenario(text, upload.name if upload else "scenario.yaml")
    except InputError as error:
        st.error(
            f"{len(error.problems)} problem(s):\n\n"
            + "\n".join(f"- {escape(p)}" for p in error.problems)
        )
        # the offending lines, numbered, under the errors: the text box shows no numbers
        for problem in [p for p in error.problems if p.line][:20]:
            lines = excerpt(text, problem.line)
            if lines:
                st.caption(f"Line {problem.line}: {escape(problem.path or problem.message)}")
                st.code(lines, language=None)
    else:
        report = state.check(scenario.reference_design, scenario.id, text)
        failing = [f for f in report.findings if f.status == Status.failed]
        if failing:
            st.warning(
                "The scenario is valid, but its reference design fails its own rubric:\n\n"
                + "\n".join(f"- `{f.rule}`: {no_images(f.message)}" for f in failing)
            )
        else:
            st.success(
                f"Valid: **{escape(scenario.title)}** (`{scenario.id}`), {len(scenario.rules)} "
                f"rules, reference design passes all of them."
            )
        if scenario.curveballs:
            # what each curveball does to the reference design: a curveball that breaks
            # nothing gives the candidate nothing to adapt
            lines = []
            for ball in scenario.curveballs:
                before = {f.rule: str(f.status) for f in report.findings}
                after = state.check_against(scenario.reference_design, scenario, ball)
                broke = sorted(
                    r for r, s in after.items() if s == "fail" and before.get(r) != "fail"
                )
                changed = "; ".join(what_changed(ball, scenario.requirements))
                effect = (
                    f"breaks {', '.join(broke)}" if broke else "breaks no rule of the reference"
                )
                lines.append(f"- **{escape(ball.title)}** ({escape(changed)}): {effect}")
            st.markdown(
                f"**Curveballs** ({len(scenario.curveballs)}), on the reference design:\n\n"
                + "\n".join(lines)
            )
        length = length_select("w_author_length")
        if st.button("Practise on this scenario", key="w_author_practise", type="primary"):
            session = Session(scenario_id=scenario.id, scenario_yaml=text, length_minutes=length)
            state.open_session(session)
            st.switch_page("ui/practice.py", query_params={state.SESSION_PARAM: session.id})
