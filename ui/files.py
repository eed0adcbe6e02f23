"""Open a file: continue a session from its file, or check a design file (YAML, or a PNG or
SVG this app exported, which carries its design)."""

import streamlit as st

from components.design import Design
from components.embedded import design_text
from components.loading import InputError
from components.markdown import escape
from design_framework.session import Session
from scenarios.sessions import load_session_text
from storage import StorageError
from ui import state
from ui.canvas import EDITOR_KEYS, bump_rev
from ui.widgets import diagram, findings, uploaded_text


def design_upload_text(upload) -> str | None:
    """The design YAML of an upload: the file itself, or the design an exported picture
    carries; None after saying why there is none."""
    if not upload.name.lower().endswith((".png", ".svg")):
        return uploaded_text(upload)
    try:
        return design_text(upload.getvalue(), upload.name)
    except InputError as error:
        st.error(
            "This picture cannot be opened as a design:\n\n"
            + "\n".join(f"- {escape(p)}" for p in error.problems)
        )
        return None


st.title("Open a file")
session_col, design_col = st.columns(2)


with session_col:
    st.subheader("Continue a session")
    st.caption(
        "A session file (`*.session.yaml`, from the report page) holds the scenario, "
        "notes, timing and design. Opening it makes it the open session; the one open now "
        "stays saved and is listed under Recent sessions in the library."
    )
    upload = st.file_uploader("Session file", type=["yaml", "yml"], key="w_upload_session")
    text = uploaded_text(upload) if upload is not None else None
    if text is not None:
        try:
            incoming, _ = load_session_text(text, upload.name, state.pack())
        except InputError as error:
            st.error(
                "This file cannot be opened; your current session is untouched.\n\n"
                + "\n".join(f"- {escape(p)}" for p in error.problems)
            )
        else:
            scenario = state.scenario_of(incoming)
            title = scenario.title if scenario else "free design"
            st.success(
                f"{escape(upload.name)}: {escape(title)}, {len(incoming.design.components)} "
                f"components, notes on {sum(bool(v) for v in incoming.notes.values())} "
                "steps."
            )
            try:
                taken = state.store().session_revision(incoming.id) is not None
            except StorageError:
                taken = False
            if taken:
                st.info(
                    "A session with this id is already saved here, perhaps with newer work; "
                    "the file opens as a copy and the saved one is kept."
                )
            if st.button("Open this session", key="w_open_session", type="primary"):
                if taken:
                    incoming = incoming.model_copy(update={"id": Session().id})
                state.open_session(incoming)
                st.switch_page("ui/practice.py", query_params={state.SESSION_PARAM: incoming.id})

with design_col:
    st.subheader("Check a design file")
    st.caption(
        "A design file (`version: 1`, see docs/formats.md) is checked against its scenario "
        "(its `scenario:` field) or the rubric's defaults. A PNG or SVG exported by this app "
        "(Report and exports) carries its design and opens the same way."
    )
    upload = st.file_uploader(
        "Design file", type=["yaml", "yml", "png", "svg"], key="w_upload_design"
    )
    if upload is not None:
        text = design_upload_text(upload)
        if text is not None:
            try:
                design = Design.from_string(text, upload.name)
            except InputError as error:
                st.error(
                    "This design cannot be read:\n\n"
                    + "\n".join(f"- {escape(p)}" for p in error.problems)
                )
            else:
                scenario = state.pack().get(design.scenario) if design.scenario else None
                if design.scenario and scenario is None:
                    st.warning(
                        f"{escape(upload.name)}: scenario {escape(repr(design.scenario[:100]))} "
                        "is not in the "
                        "pack; checking with the default rubric."
                    )
                report = state.check(design, scenario.id if scenario else None)
                st.markdown(
                    f"**{escape(upload.name)}** against "
                    f"{scenario.id if scenario else 'the default rubric'}"
                )
                diagram(design, report, scenario, key="w_files_board", share=0.5)
                findings(report, key="files_findings")
                current = state.current_session()
                usable = current is not None and current.finished_at is None
                if usable and st.button("Use this design in the open session", key="w_use_design"):
                    state.set_design(current, design, drawn=False)
                    for key in EDITOR_KEYS:
                        st.session_state.pop(key, None)
                    bump_rev()
                    st.switch_page("ui/practice.py", query_params={state.SESSION_PARAM: current.id})
