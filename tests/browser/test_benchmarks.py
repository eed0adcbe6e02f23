"""The flood and load benchmarks (bench/flood.py, bench/load.py) run in their quick mode and
print every figure they report, so the scripts do not rot between `make bench` runs. What
the figures are is not checked here: timings on a shared machine are the benchmark's to
print, not a test's to assert."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser

FIGURES = {
    "flood.py": [
        "Server CPU per request, each kind sent alone",
        "drawing cap: 300 boxes, 1,500 edges, long labels",
        "200 boxes, all 19,900 edges",
        "just over the byte cap",
        "a million nested brackets",
        "whiteboard page load         idle",
        "save of a small design       idle",
        "(target < x1.5)",
        "in the route       median",
        "the machine        CPU busy",
        "Server memory (RSS):",
    ],
    "load.py": [
        "4 users, each on a session of their own, 40 saves",
        "(target p99 < 300 ms)",
        "in the route: median",
        "the machine meanwhile: CPU busy",
        "errors: 0 (none)",
        "whiteboard page loads meanwhile: median",
        "server memory each tenth of the saves:",
        "server memory (RSS):",
    ],
}


@pytest.mark.parametrize("script", sorted(FIGURES))
def test_the_benchmark_runs_and_prints_its_figures(script):
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for figure in FIGURES[script]:
        assert figure in run.stdout, f"{figure!r} not in:\n{run.stdout}"
    assert "UNEXPECTED" not in run.stdout  # every worst request got the status it must get
