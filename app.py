"""Streamlit entry point: page config and navigation, nothing else."""

from pathlib import Path

import streamlit as st

# The icon ships with the app: a ``:material/...:`` page icon is fetched from a font CDN.
st.set_page_config(
    page_title="ML system-design whiteboard",
    page_icon=str(Path(__file__).parent / "ui/static/icon.svg"),
    layout="wide",
)
from ui.state import show_notices, sign_in_gate, top_on_page_switch  # noqa: E402

sign_in_gate()
show_notices()  # toasts queued by the callbacks of this run (see ui.state.notify)
page = st.navigation(
    {
        "Practise": [
            st.Page(
                "ui/library.py",
                title="Scenario library",
                icon=":material/library_books:",
                default=True,
            ),
            st.Page("ui/practice.py", title="Whiteboard", icon=":material/draw:"),
            st.Page("ui/report.py", title="Report and exports", icon=":material/assignment:"),
        ],
        "Together": [
            st.Page("ui/mock.py", title="Mock interview", icon=":material/record_voice_over:")
        ],
        "Files": [
            st.Page("ui/files.py", title="Open a file", icon=":material/folder_open:"),
            st.Page("ui/author.py", title="Author a scenario", icon=":material/edit_note:"),
        ],
        "Progress": [st.Page("ui/history.py", title="History", icon=":material/trending_up:")],
    }
)
top_on_page_switch(page)  # a page switched to opens at its top, not where the last one was
page.run()
