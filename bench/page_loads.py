"""Page loads in real Chromium: ``python bench/page_loads.py`` (``make bench`` runs it).

From navigation start (``performance.now()`` is 0 there) to the moment the page is usable,
a concrete DOM condition per page:

- whiteboard (a reload of a 15-component session with notes): the board drawn with all its
  nodes, the notes box holding the saved notes, and the clock;
- interviewer view (a room on a 15-component session): the candidate's board with all its
  nodes and the interviewer's guide;
- report: the overall score and both boards (the candidate's and the reference) drawn;
- library: a Start button on every scenario card;
- first visit to a fresh server (cold: imports, scenario pack, catalog): the library, in a
  new browser context (empty cache) on a server just started;
- a bare Streamlit page (one button and a line of text), warm and cold, in the same run:
  what Streamlit's own start costs on this machine, so the ratios hold on any machine.

The app runs through ``scripts/replicas`` (``streamlit run``), Chromium with the browser
tests' flags. Target: every page usable in under 2 s (median and max printed).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from design_framework.session import Session  # noqa: E402
from scenarios.loader import get_scenario, shipped_scenarios  # noqa: E402
from scripts import replicas  # noqa: E402
from storage import open_store  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

TARGET_MS = 2_000
SCENARIO = "skip-prediction"  # its reference design has 15 components
BARE = """import streamlit as st
st.button("Click me", key="only")
st.write("bare page ready")
"""

# Elements inside a component's shadow root are not in document.querySelectorAll; every
# condition below looks through open shadow roots too.
HELPERS = """
const deepAll = (root, selector) => {
    const found = [...root.querySelectorAll(selector)];
    for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) found.push(...deepAll(el.shadowRoot, selector));
    }
    return found;
};
const under = (key, selector) => {
    const host = document.querySelector('.st-key-' + key);
    return host ? deepAll(host, selector) : [];
};
const nodes = (key) => under(key, '.react-flow__node').length;
const text = () => document.body ? document.body.innerText : '';
const metric = (label) => [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
    .some((el) => el.innerText.includes(label));
"""


def usable(condition: str) -> str:
    """A page function returning ``performance.now()`` once ``condition`` holds, else false."""
    return f"() => {{ {HELPERS}; return ({condition}) && performance.now(); }}"


def conditions(pack_ids: list[str], components: int, notes: str) -> dict[str, str]:
    starts = " && ".join(
        f"!!document.querySelector('.st-key-lib_start_{i} button')" for i in pack_ids
    )
    needle = notes[:20].replace("'", "\\'")
    return {
        "whiteboard": (
            f"nodes('w_canvas') >= {components} && "
            "under('w_clock', '[data-field=stepLeft]').some((el) => el.textContent) && "
            f"under('w_notes_requirements', 'textarea').some((t) => t.value.includes('{needle}'))"
        ),
        "interviewer": (
            f"nodes('w_mock_board') >= {components} && text().includes(\"Interviewer's guide\")"
        ),
        "report": (
            f"metric('Overall score') && nodes('w_report_mine') >= {components} && "
            f"nodes('w_report_reference') >= {components}"
        ),
        "library": starts,
        "bare": "text().includes('bare page ready')",
    }


def load_ms(page, url: str, condition: str, timeout_ms: int = 60_000) -> float:
    # from a blank page, so the previous page's teardown (its polling fragments) is not
    # counted in this one's load
    page.goto("about:blank")
    page.goto(url, wait_until="commit")
    handle = page.wait_for_function(usable(condition), polling="raf", timeout=timeout_ms)
    return float(handle.json_value())


def seed(data_dir: str) -> dict[str, str]:
    """The sessions and the room the pages open."""
    scenario = get_scenario(SCENARIO)
    notes = {
        step: f"{step} notes: peak 40k QPS, p99 200 ms, we log skips to the event stream "
        "and retrain daily because taste drifts."
        for step in ("requirements", "framing", "data", "model", "evaluation")
    }
    store = open_store(data_dir)
    mine = Session(scenario_id=scenario.id, design=scenario.reference_design, notes=notes)
    mine.start()
    store.save_session(mine)
    watched = Session(
        scenario_id=scenario.id, design=scenario.reference_design, notes=notes, mode="mock"
    )
    store.save_session(watched)
    room = store.create_room(watched.id)
    watched.room = room.code
    store.save_session(watched)
    return {
        "whiteboard": f"/practice?s={mine.id}",
        "report": f"/report?s={mine.id}",
        "interviewer": f"/mock?room={room.code}&key={room.interviewer_key}",
        "library": "/",
        "notes": notes["requirements"],
        "components": str(len(scenario.reference_design.components)),
    }


def summary(name: str, samples: list[float], bare: float | None) -> str:
    median, worst = statistics.median(samples), max(samples)
    verdict = "ok" if worst < TARGET_MS else ("median ok" if median < TARGET_MS else "OVER")
    ratio = f"x{median / bare:4.1f}" if bare else "     "
    return (
        f"  {name:<38} {median:7.0f} ms {worst:7.0f} ms   {ratio}   {verdict}   (n={len(samples)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=7, help="loads per warm page")
    parser.add_argument("--cold", type=int, default=3, help="fresh servers for the cold visit")
    parser.add_argument("--only", nargs="*", help="warm pages to measure (default: all)")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="bench-loads-")
    bare_script = Path(data_dir) / "bare.py"
    bare_script.write_text(BARE)
    urls = seed(data_dir)
    pack_ids = sorted(shipped_scenarios())
    ready = conditions(pack_ids, int(urls["components"]), urls["notes"])
    env = {"WHITEBOARD_DATA_DIR": data_dir}
    results: dict[str, list[float]] = {}

    def start(script: Path) -> replicas.Replica:
        return replicas.start(env=env, log=subprocess.DEVNULL, script=script)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)

        def fresh_page():
            context = browser.new_context(viewport={"width": 1500, "height": 1000})
            return context, context.new_page()

        # cold: a server just started, a browser with an empty cache, one visit each
        for name, script, page_name in (
            ("bare page, first visit (fresh server)", bare_script, "bare"),
            ("first visit to a fresh server (library)", ROOT / "serve.py", "library"),
        ):
            for _ in range(args.cold):
                server = start(script)
                try:
                    context, page = fresh_page()
                    results.setdefault(name, []).append(
                        load_ms(page, server.url + "/", ready[page_name])
                    )
                    context.close()
                finally:
                    server.stop()

        # warm: one server, one browser context; the first load of each page is not counted
        bare = start(bare_script)
        app = start(ROOT / "serve.py")
        try:
            context, page = fresh_page()
            plan = [("bare page, reload", bare.url + "/", "bare")] + [
                (label, app.url + urls[key], key)
                for label, key in (
                    ("whiteboard reload, 15 components", "whiteboard"),
                    ("interviewer view", "interviewer"),
                    ("report", "report"),
                    ("library", "library"),
                )
                if not args.only or key in args.only
            ]
            for name, url, key in plan:
                load_ms(page, url, ready[key])
                results[name] = [load_ms(page, url, ready[key]) for _ in range(args.loads)]
                time.sleep(0.2)
            context.close()
        finally:
            app.stop()
            bare.stop()
        browser.close()

    bare_cold = statistics.median(results["bare page, first visit (fresh server)"])
    bare_warm = statistics.median(results["bare page, reload"])
    print("Page loads in headless Chromium, navigation start to usable (target < 2,000 ms)")
    print(f"  {'page':<38} {'median':>10} {'max':>10}   {'/bare':>5}   verdict")
    for name, samples in results.items():
        if name.startswith("bare"):
            print(summary(name, samples, None))
        elif "first visit" in name:
            print(summary(name, samples, bare_cold))
        else:
            print(summary(name, samples, bare_warm))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
