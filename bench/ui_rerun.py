"""Server-side rerun time of the whiteboard page: ``python bench/ui_rerun.py``.

A widget outside a fragment reruns the whole page script; a change on the canvas reruns
only the board fragment (canvas, rubric, text views). Both are measured with Streamlit's
AppTest (the script run without a browser) with a scenario's reference design loaded,
against a bare one-widget page in the same run, so the ratios hold on any machine: each
sample of a page is paired with a run of the bare page just before it, and the ratio is
the median of the pairs' ratios (both see the same load on a shared machine).
Targets: the board fragment at most 8 times the bare page; the whole page under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from components.board import auto_layout  # noqa: E402
from components.design import Design  # noqa: E402
from design_framework.session import Session  # noqa: E402
from scenarios.loader import get_scenario  # noqa: E402
from storage import open_store  # noqa: E402

BARE = "import streamlit as st\nst.button('Click me', key='only')\n"


def board_panel_script():
    """What a canvas change reruns: the whiteboard's board fragment alone."""
    from ui import state
    from ui.whiteboard import board_panel

    session = state.require_session()
    board_panel(session, state.scenario_of(session))


def run_ms(app: AppTest) -> float:
    start = time.perf_counter()
    app.run()
    return (time.perf_counter() - start) * 1000


def paired_runs(app: AppTest, bare: AppTest, runs: int, change=None) -> tuple[float, float]:
    """Median time of one script run and the median ratio to the bare page's run just
    before it; ``change(app, i)`` edits the session before run i, as a canvas change would
    (outside the timed part)."""
    app.run()  # warm: imports, caches, first render
    samples, ratios = [], []
    for i in range(runs):
        if change is not None:
            change(app, i)
        bare_ms = run_ms(bare)
        ms = run_ms(app)
        samples.append(ms)
        ratios.append(ms / bare_ms)
    return statistics.median(samples), statistics.median(ratios)


def moved(app: AppTest, i: int) -> None:
    """A box dragged 10 px: the drawing changes, the rubric's verdict is reused."""
    session = app.session_state["session"]
    data = session.design.to_dict()
    data["components"][-1]["pos"]["x"] += 10 * (i % 2 or -1)
    session.design = Design.model_validate(data)


def connected(app: AppTest, i: int) -> None:
    """A new edge: the rubric runs again (the label makes every design new to the cache)."""
    session = app.session_state["session"]
    data = session.design.to_dict()
    data["edges"] = [e for e in data["edges"] if e.get("label", "").split()[:1] != ["run"]]
    data["edges"].append({"from": "monitor", "to": "lake", "label": f"run {i}"})
    session.design = Design.model_validate(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--scenario", default="realtime-playlist-recs")
    args = parser.parse_args()
    os.chdir(ROOT)
    os.environ["WHITEBOARD_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-ui-")
    scenario = get_scenario(args.scenario)
    session = Session(
        scenario_id=scenario.id,
        # laid out, as every design the canvas sends is (each box has its place)
        design=auto_layout(scenario.reference_design),
        notes={"requirements": "Peak 40k QPS, p99 under 200 ms, 100M tracks."},
    )
    open_store().save_session(session)

    bare = AppTest.from_string(BARE, default_timeout=60)
    bare.run()
    bare_ms = statistics.median(run_ms(bare) for _ in range(args.runs))

    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    page.query_params["s"] = session.id
    page.switch_page("ui/practice.py")
    page.query_params["s"] = session.id
    page.run()
    assert not page.exception, page.exception
    assert page.get("bidi_component"), "the whiteboard did not draw its canvas"
    page_ms, page_x = paired_runs(page, bare, args.runs)

    panel = AppTest.from_function(board_panel_script, default_timeout=60)
    panel.query_params["s"] = session.id
    panel.run()
    assert not panel.exception, panel.exception
    assert panel.get("bidi_component"), "the board fragment did not draw its canvas"
    panel_ms, panel_x = paired_runs(panel, bare, args.runs)
    move_ms, move_x = paired_runs(panel, bare, args.runs, moved)
    connect_ms, connect_x = paired_runs(panel, bare, args.runs, connected)

    print(
        f"Whiteboard rerun, {scenario.id} reference design "
        f"({len(scenario.reference_design.components)} components), {args.runs} runs"
    )
    print(f"  bare one-widget page   median {bare_ms:7.1f} ms")
    for what, ms, ratio in (
        ("board fragment, as is", panel_ms, panel_x),
        ("  after a move", move_ms, move_x),
        ("  after a connect", connect_ms, connect_x),
    ):
        print(f"  {what:<22} median {ms:7.1f} ms  (x{ratio:.1f} the bare page; target x8)")
    print(
        f"  whole whiteboard page  median {page_ms:7.1f} ms  (x{page_x:.1f} the bare "
        "page; target < 50 ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
