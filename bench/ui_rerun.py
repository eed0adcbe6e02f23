"""Server-side rerun time of the whiteboard page: ``python bench/ui_rerun.py``.

Every widget change reruns the whole page script, so this is the latency a user feels
after each click. Measured with Streamlit's AppTest (the script run without a browser):
the whiteboard with a scenario's reference design loaded, against a bare one-widget page
in the same run, so the ratio holds on any machine. Target: median under 50 ms.
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

from design_framework.session import Session  # noqa: E402
from scenarios.loader import get_scenario  # noqa: E402
from storage import open_store  # noqa: E402

BARE = "import streamlit as st\nst.button('Click me', key='only')\n"


def median_run_ms(app: AppTest, runs: int) -> float:
    app.run()  # warm: imports, caches, first render
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        app.run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


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
        design=scenario.reference_design,
        notes={"requirements": "Peak 40k QPS, p99 under 200 ms, 100M tracks."},
    )
    open_store().save_session(session)

    bare = AppTest.from_string(BARE, default_timeout=60)
    bare_ms = median_run_ms(bare, args.runs)

    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    page.query_params["s"] = session.id
    page.switch_page("ui/practice.py")
    page.query_params["s"] = session.id
    page.run()
    assert not page.exception, page.exception
    assert page.get("graphviz_chart"), "the whiteboard did not draw the design"
    page_ms = median_run_ms(page, args.runs)

    print(
        f"Whiteboard rerun, {scenario.id} reference design "
        f"({len(scenario.reference_design.components)} components), {args.runs} runs"
    )
    print(f"  bare one-widget page   median {bare_ms:7.1f} ms")
    print(
        f"  whiteboard page        median {page_ms:7.1f} ms  (x{page_ms / bare_ms:.1f} the bare "
        "page; target < 50 ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
