"""The server's start (serve.py) and the Streamlit settings the app's speed depends on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WARM_UP = """
import gc, json, sys
import serve
serve.warm_up()
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "numpy": "numpy" in sys.modules,
    "library_page_modules": all(m in sys.modules for m in ("ui.builder", "ui.widgets")),
    "lane_process": __import__("ui.board_lane").board_lane.warm_up(),
}))
sys.stdout.flush()
import os
os._exit(0)  # as a server killed: its lane's pool never shut down

"""


def test_the_warm_up_opens_the_store_and_loads_what_a_first_visit_needs(tmp_path):
    """What the first visitor's page run would otherwise wait for is done before serving:
    the store's file exists (schema made), numpy is imported (st.set_page_config's icon
    needs it), the pages' modules are loaded, and all of it is frozen out of the collector."""
    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-c", WARM_UP],
        cwd=ROOT,
        env={**os.environ, "WHITEBOARD_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert (data / "whiteboard.sqlite3").is_file()
    assert report["numpy"] and report["library_page_modules"]
    assert report["frozen"] > 10_000
    # a large design's first change does not wait for its process to start (ui/board_lane.py),
    # and that process ends with the server, however the server ended (a lane left behind
    # also held this test's pipe open: the run timed out)
    lane = Path(f"/proc/{report['lane_process']}")
    deadline = time.time() + 15
    while lane.exists() and time.time() < deadline:
        time.sleep(0.2)
    assert not lane.exists() or "zombie" in (lane / "status").read_text().lower()


def test_streamlit_does_not_collect_all_garbage_after_every_run():
    """Streamlit's default full collection after each run held the interpreter lock for
    about 0.1 s on this app's heap, and every run's answer waited behind it
    (bench/browser_canvas.py: a drop on the board went from 160 ms to 126 ms without it)."""
    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
