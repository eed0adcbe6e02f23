"""Screenshots for the README, made from the running app so they never drift.

``python -m scripts.screenshots`` starts the app on a scratch data folder, opens the
realtime-playlist-recs scenario, draws its reference design through Quick text, and writes
``docs/images/whiteboard.png`` (the board with the rubric drawn on it) and
``docs/images/findings.png`` (the findings, each with the nodes and numbers behind it).
It needs Chromium (``make browser``) and Playwright (``requirements-dev.txt``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "realtime-playlist-recs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"), help="output folder")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import expect, sync_playwright

    from components.quick import to_quick
    from scenarios.loader import get_scenario
    from scripts import replicas
    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, text_tab

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="screenshots-"))
    replica = replicas.start(None, {"WHITEBOARD_DATA_DIR": str(data)})
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=2)
            page.goto(replica.url)
            page.locator(f".st-key-lib_start_{SCENARIO} button").click()
            expect(page.locator(".st-key-w_notes_requirements")).to_be_visible()
            text_tab(page, "Quick text")
            quick = to_quick(get_scenario(SCENARIO).reference_design)
            page.locator(".st-key-w_quick_text textarea").fill(quick)
            page.locator(".st-key-w_quick_apply button").click()
            board = page.locator(".st-key-w_canvas").get_by_test_id("wb-canvas")
            expect(board.locator(".react-flow__node[data-id='rank']")).to_be_visible()
            board.locator("[data-action='fit']").click()
            page.wait_for_timeout(500)
            # closer than Fit, on the request path and the stores under it
            board.locator(".react-flow__controls-zoomin").click()
            pane = board.locator(".react-flow__pane").bounding_box()
            x, y = pane["x"] + pane["width"] * 0.6, pane["y"] + pane["height"] * 0.92
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x - 95, y - 30, steps=8)  # the whole request path in view
            page.mouse.up()
            page.wait_for_timeout(4500)  # the toast from Apply has gone
            board.scroll_into_view_if_needed()
            board.screenshot(path=str(out / "whiteboard.png"))
            page.set_viewport_size({"width": 1440, "height": 2600})  # the list in one piece
            findings = page.locator(".st-key-w_findings")
            findings.scroll_into_view_if_needed()
            # the serving group open: the slowest path, the capacity, each with its figures
            findings.get_by_text("Serving and deployment").first.click()
            page.wait_for_timeout(1500)  # the list grows to its new height first
            findings.locator(".wbf").first.screenshot(path=str(out / "findings.png"))
            browser.close()
    finally:
        replica.stop()
        shutil.rmtree(data, ignore_errors=True)
    for name in ("whiteboard.png", "findings.png"):
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
