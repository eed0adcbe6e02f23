"""The server: the Streamlit app (app.py) plus two HTTP routes: the one live rooms poll,
and the board's direct route (ui/board_route.py), which saves and checks a change on the
canvas without a page run.

`streamlit run serve.py` (what `make run` and every replica start) finds ``app`` below and
serves app.py through it. The route (ui/room_route.py) answers a room's version to a
browser holding one of the room's keys (ui/live.py, whiteboard_canvas.room_watch), so a
quiet room costs an HTTP request per poll and no script run: a fragment that reran every
0.4 s to poll collided with the user's own clicks and drops, and lost some of them.

Before it serves, the server warms up what the first visitor's run would otherwise pay
for (`bench/page_loads.py`, first visit): the pages' modules, the scenario pack
(validated), the catalog and the notes terms, one rubric check and one notes match, the
store (opened, its schema migrated), and two one-off costs of Streamlit's own: numpy and
PIL, which the page icon's conversion imports (0.2 s), and the check of whether it runs
in a REPL, made on the first element of the process (0.13 s walking every module).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc

import streamlit as st
from starlette.routing import Route

from ui.board_route import BOARD_PATH, SESSION_WATCH_PATH, board_change, session_watch
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
    from storage import StorageError, shared_store
    from ui import board_lane

    _streamlit_first_run_costs()
    with contextlib.suppress(StorageError):  # the first page run shows it, and tries again
        shared_store()
    load_framework()
    catalog_id()
    board_lane.warm_up()  # its process started and its modules imported before a large change
    for scenario in shipped_scenarios().values():
        check_design(scenario.reference_design, scenario)
        notes_coverage({"requirements": "Peak 40k QPS, p99 under 200 ms."}, scenario)
    # What is loaded by now lives as long as the process: out of the collector's way, so a
    # collection during a page run (which holds the interpreter lock) walks only that run's
    # objects (.streamlit/config.toml, runner.postScriptGC).
    gc.collect()
    gc.freeze()


def _streamlit_first_run_costs() -> None:
    import numpy  # noqa: F401  (imported by st.set_page_config's icon conversion)
    import PIL.Image  # noqa: F401
    from streamlit import delta_generator

    # Private, so guarded: with the runtime up it only notes that it ran (no warning).
    once = getattr(delta_generator, "_maybe_print_use_warning", None)
    if once is not None:
        once()


@contextlib.asynccontextmanager
async def lifespan(_app):
    await asyncio.to_thread(warm_up)
    yield


app = st.App(
    "app.py",
    routes=[
        Route(WATCH_PATH, room_watch),
        Route(BOARD_PATH, board_change, methods=["POST"]),
        Route(SESSION_WATCH_PATH, session_watch),
    ],
    lifespan=lifespan,
)
