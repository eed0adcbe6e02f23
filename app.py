"""Streamlit entry point: page config and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="ML system-design whiteboard", page_icon="🎧", layout="wide")
st.navigation(
    {
        "Practise": [
            st.Page("ui/library.py", title="Scenario library", icon="📚", default=True),
            st.Page("ui/practice.py", title="Whiteboard", icon="🧭"),
            st.Page("ui/report.py", title="Report and exports", icon="📝"),
        ],
        "Together": [st.Page("ui/mock.py", title="Mock interview", icon="🎙️")],
        "Files": [
            st.Page("ui/files.py", title="Open a file", icon="📂"),
            st.Page("ui/author.py", title="Author a scenario", icon="✍️"),
        ],
        "Progress": [st.Page("ui/history.py", title="History", icon="📈")],
    }
).run()
