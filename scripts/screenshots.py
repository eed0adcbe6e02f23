"""Screenshots for the README, made from the running app so they never drift.

``python -m scripts.screenshots`` starts the app on a scratch data folder, opens the
realtime-playlist-recs scenario, draws its reference design through Quick text, and writes
``docs/images/whiteboard.png`` (the board with the rubric drawn on it) and
``docs/images/findings.png`` (the findings, each with the nodes and numbers behind it),
``docs/images/mock.png`` (the interviewer's side of a mock interview: the candidate's board
live, what to send, the guide) and ``docs/images/replay.png`` (a finished interview played
back: the verdicts over time and the board at one moment). ``make screenshots`` runs it.
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
            page.wait_for_timeout(4500)  # the toast from Apply has gone
            # the board in focus mode, laid out for the whole window and seen whole (one
            # step under Fit's readable minimum: the picture is drawn at twice the pixels)
            board.locator("[data-action='focus']").click()
            page.wait_for_timeout(1000)
            board.locator("[data-action='layout']").click()
            page.wait_for_timeout(2500)
            board.locator("[data-action='fit']").click()
            page.wait_for_timeout(500)
            board.locator("[data-action='zoom-out']").click()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(out / "whiteboard.png"))
            page.keyboard.press("Escape")  # out of focus mode
            page.wait_for_timeout(500)
            page.set_viewport_size({"width": 1440, "height": 2600})  # the list in one piece
            findings = page.locator(".st-key-w_findings")
            findings.scroll_into_view_if_needed()
            # the serving group open: the slowest path, the capacity, each with its figures
            findings.get_by_text("Serving and deployment").first.click()
            page.wait_for_timeout(1500)  # the list grows to its new height first
            findings.locator(".wbf").first.screenshot(path=str(out / "findings.png"))
            mock_interview(browser, replica.url, out, expect)
            replay(browser, replica.url, data, out, expect)
            browser.close()
    finally:
        replica.stop()
        shutil.rmtree(data, ignore_errors=True)
    for name in ("whiteboard.png", "findings.png", "mock.png", "replay.png"):
        print(f"wrote {out / name}")
    return 0


def mock_interview(browser, url: str, out: Path, expect) -> None:
    """The interviewer's screen, the candidate's reference design on it, a question sent."""
    from bench.live_rooms import join, open_page, wait_for_text, wait_idle
    from components.quick import to_quick
    from scenarios.loader import get_scenario

    interviewer = browser.new_page(viewport={"width": 1440, "height": 1500}, device_scale_factor=2)
    candidate = browser.new_page(viewport={"width": 1440, "height": 900})
    open_page(interviewer, f"{url}/mock")
    picker = interviewer.locator(".st-key-w_host_scenario")
    picker.click()
    picker.locator("input").fill("Real-time track")
    picker.locator("input").press("Enter")
    wait_idle(interviewer)
    interviewer.locator(".st-key-w_host_practice_as").get_by_text("Coached").click()
    wait_idle(interviewer)
    interviewer.locator(".st-key-w_mock_host button").click()
    link = interviewer.locator(".st-key-w_iv_candidate_link code").first
    expect(link).to_be_visible(timeout=90_000)
    join(candidate, link.inner_text().strip())
    from tests.browser.conftest import text_tab

    text_tab(candidate, "Quick text")
    candidate.locator(".st-key-w_quick_text textarea").fill(
        to_quick(get_scenario(SCENARIO).reference_design)
    )
    candidate.locator(".st-key-w_quick_apply button").click()
    wait_for_text(interviewer, "Rubric score 100/100", timeout_s=60)  # the design arrived
    interviewer.locator(".st-key-w_iv_start button").click()
    wait_idle(interviewer)
    interviewer.locator(".st-key-w_iv_question_text input").fill(
        "What happens to the shelf when the feature store is slow?"
    )
    interviewer.get_by_role("button", name="Send the question").click()
    wait_idle(interviewer)
    interviewer.wait_for_timeout(3000)
    interviewer.screenshot(path=str(out / "mock.png"))
    candidate.close()
    interviewer.close()


def replay(browser, url: str, data: Path, out: Path, expect) -> None:
    """A finished mock interview played back, at its bookmark."""
    from storage import open_store
    from tests.browser.test_replay import finished_interview

    session = finished_interview(open_store(data))
    page = browser.new_page(viewport={"width": 1440, "height": 1500}, device_scale_factor=2)
    page.goto(f"{url}/report?s={session.id}")
    heading = page.get_by_role("heading", name="Replay")
    expect(heading).to_be_visible(timeout=60_000)
    option = page.get_by_role("option").filter(has_text="Bookmark")
    for _ in range(3):
        page.locator(".st-key-w_replay_jump").get_by_role("combobox").click()
        try:
            option.wait_for(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    option.click()
    page.wait_for_timeout(3000)
    heading.scroll_into_view_if_needed()
    box = heading.bounding_box()
    page.screenshot(
        path=str(out / "replay.png"),
        clip={"x": 300, "y": box["y"] - 10, "width": 1140, "height": 1300},
        full_page=True,
    )
    page.close()


if __name__ == "__main__":
    raise SystemExit(main())
