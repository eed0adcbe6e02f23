"""Open a file: continue a session from its file, or check a design file."""

import streamlit as st

from components.design import Design
from components.loading import MAX_FILE_BYTES, InputError
from design_framework.session import Session
from ui import state
from ui.widgets import diagram, findings

st.title("Open a file")
session_col, design_col = st.columns(2)


def _text(upload) -> str | None:
    data = upload.getvalue()
    if len(data) > MAX_FILE_BYTES:
        st.error(f"{upload.name}: file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}.")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        st.error(f"{upload.name}: not UTF-8 text.")
        return None


with session_col:
    st.subheader("Continue a session")
    st.caption(
        "A session file (`*.session.yaml`, from the report page) holds the scenario, "
        "notes, timing and design. Opening it replaces the open session; the open one "
        "stays saved and can be resumed from the library."
    )
    upload = st.file_uploader("Session file", type=["yaml", "yml"], key="w_upload_session")
    if upload is not None:
        text = _text(upload)
        if text is not None:
            try:
                incoming = Session.from_string(text, upload.name)
            except InputError as error:
                st.error(
                    "This file cannot be opened; your current session is untouched.\n\n"
                    + "\n".join(f"- {p}" for p in error.problems)
                )
            else:
                scenario = state.scenario_of(incoming)
                title = scenario.title if scenario else "free design"
                st.success(
                    f"{upload.name}: {title}, {len(incoming.design.components)} "
                    f"components, notes on {sum(bool(v) for v in incoming.notes.values())} "
                    "steps."
                )
                if st.button("Open this session", key="w_open_session", type="primary"):
                    state.open_session(incoming)
                    st.switch_page(
                        "ui/practice.py", query_params={state.SESSION_PARAM: incoming.id}
                    )

with design_col:
    st.subheader("Check a design file")
    st.caption(
        "A design file (`version: 1`, see the README) is checked against its scenario "
        "(its `scenario:` field) or the rubric's defaults."
    )
    upload = st.file_uploader("Design file", type=["yaml", "yml"], key="w_upload_design")
    if upload is not None:
        text = _text(upload)
        if text is not None:
            try:
                design = Design.from_string(text, upload.name)
            except InputError as error:
                st.error(
                    "This design cannot be read:\n\n" + "\n".join(f"- {p}" for p in error.problems)
                )
            else:
                scenario = state.pack().get(design.scenario) if design.scenario else None
                if design.scenario and scenario is None:
                    st.warning(
                        f"{upload.name}: scenario {design.scenario!r} is not in the "
                        "pack; checking with the default rubric."
                    )
                from design_framework.rubric import check_design

                report = check_design(design, scenario)
                st.markdown(
                    f"**{upload.name}** against {scenario.id if scenario else 'the default rubric'}"
                )
                diagram(design, report, scenario)
                findings(report, key="files_findings")
                current = state.current_session()
                usable = current is not None and current.finished_at is None
                if usable and st.button("Use this design in the open session", key="w_use_design"):
                    state.set_design(current, design)
                    for key in ("w_quick_text", "w_yaml_text"):
                        st.session_state.pop(key, None)
                    st.switch_page("ui/practice.py", query_params={state.SESSION_PARAM: current.id})
