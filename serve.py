"""The server: the Streamlit app (app.py) plus the one HTTP route live rooms poll.

`streamlit run serve.py` (what `make run` and every replica start) finds ``app`` below and
serves app.py through it. The route (ui/room_route.py) answers a room's version to a
browser holding one of the room's keys (ui/live.py, whiteboard_canvas.room_watch), so a
quiet room costs an HTTP request per poll and no script run: a fragment that reran every
0.4 s to poll collided with the user's own clicks and drops, and lost some of them.

Before it serves, the server warms up what the first visitor's run would otherwise pay
for: the pages' modules, the scenario pack (validated), the catalog and the notes terms,
one rubric check and one notes match (`bench/page_loads.py`, first visit).
"""

from __future__ import annotations

import asyncio
import contextlib

import streamlit as st
from starlette.routing import Route

from ui.room_route import WATCH_PATH, room_watch


def warm_up() -> None:
    # imported here, not at the top: st.App must exist before anything else runs
    import ui.builder  # noqa: F401  (the pages' modules: imported once per process)
    import ui.live  # noqa: F401
    import ui.notes  # noqa: F401
    import ui.whiteboard  # noqa: F401
    import ui.widgets  # noqa: F401
    from components.board import catalog_id
    from design_framework.coverage import notes_coverage
    from design_framework.rubric import check_design
    from design_framework.steps import load_framework
    from scenarios.loader import shipped_scenarios

    load_framework()
    catalog_id()
    for scenario in shipped_scenarios().values():
        check_design(scenario.reference_design, scenario)
        notes_coverage({"requirements": "Peak 40k QPS, p99 under 200 ms."}, scenario)


@contextlib.asynccontextmanager
async def lifespan(_app):
    await asyncio.to_thread(warm_up)
    yield


app = st.App("app.py", routes=[Route(WATCH_PATH, room_watch)], lifespan=lifespan)
