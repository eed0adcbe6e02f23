"""The server: the Streamlit app (app.py) plus the one HTTP route live rooms poll.

`streamlit run serve.py` (what `make run` and every replica start) finds ``app`` below and
serves app.py through it. The route (ui/room_route.py) answers a room's version to a
browser holding one of the room's keys (ui/live.py, whiteboard_canvas.room_watch), so a
quiet room costs an HTTP request per poll and no script run: a fragment that reran every
0.4 s to poll collided with the user's own clicks and drops, and lost some of them.
"""

from __future__ import annotations

import streamlit as st
from starlette.routing import Route

from ui.room_route import WATCH_PATH, room_watch

app = st.App("app.py", routes=[Route(WATCH_PATH, room_watch)])
