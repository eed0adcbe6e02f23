"""Issue 9's definition of done, driven as a newcomer would: the realtime-playlist-recs
reference design built on an empty board only by palette drags, handle-to-handle connects
and in-place parameter edits on the canvas (no form, no quick text, no YAML). The rubric
the page shows and the design the session saved must match the reference design's, and
the page must answer every action (the longest wait and the longest main-thread task are
printed: ``pytest tests/browser/test_build_reference.py -s``)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from components.design import Design
from design_framework.rubric import check_design
from scenarios.loader import get_scenario
from storage import open_store
from tests.browser.test_browser import BOARD_NOW, board, centre, node, start_scenario, widget

pytestmark = pytest.mark.browser

SCENARIO = "realtime-playlist-recs"
COLUMNS = 5
COLUMN_PX = 140  # on screen, after zooming out twice: boxes never overlap a neighbour
LEFT_PX = 120  # clear of the board's auto-pan band, where a drop is pulled inside
ROW_PX = 88
FROZEN_MS = 1_000
"""A main-thread task this long (no click, key or drag taken meanwhile) is a frozen page."""

# Long tasks on the main thread (a page that cannot take input meanwhile), from page load.
WATCH_LONG_TASKS = """() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            window.__longest = Math.max(window.__longest, entry.duration);
        }
    }).observe({type: 'longtask', buffered: true});
}"""

ANSWERED = f"""([components, edges]) => {{
    const el = ({BOARD_NOW})("w_canvas");
    return !!el && (components === null || el.dataset.components === String(components))
        && (edges === null || el.dataset.edges === String(edges))
        && Number(el.dataset.saved) >= Number(el.dataset.sent);
}}"""
"""Whether the board as it is now (looked up on every check: a run may remount it) holds
these counts and the server took every change it sent."""


class Driver:
    """Acts on the board and times each action until the server's answer is drawn."""

    def __init__(self, page: Page):
        self.page = page
        self.waits: list[tuple[str, float]] = []

    def answered(self, what: str, started: float, components=None, edges=None) -> None:
        self.page.wait_for_function(ANSWERED, arg=[components, edges], timeout=20_000, polling=20)
        self.waits.append((what, (time.perf_counter() - started) * 1000))

    def drop(self, type_id: str, x: float, y: float, components: int) -> str:
        pane = board(self.page).locator(".react-flow__pane")
        item = board(self.page).locator(f".wb-item[data-type='{type_id}']")
        started = time.perf_counter()
        item.drag_to(pane, target_position={"x": x, "y": y})
        self.answered(f"drop {type_id}", started, components=components)
        # the new box is selected, so the editor shows it: that is its id on the board
        return board(self.page).get_by_test_id("wb-editor").get_attribute("data-editing")

    def connect(self, source: str, target: str, edges: int) -> None:
        page = self.page
        sx, sy = centre(node(page, source).locator(".react-flow__handle.source"))
        tx, ty = centre(node(page, target).locator(".react-flow__handle.target"))
        page.mouse.move(sx, sy)
        page.mouse.down()
        page.mouse.move((sx + tx) / 2, (sy + ty) / 2, steps=4)
        started = time.perf_counter()
        page.mouse.move(tx, ty, steps=4)
        page.mouse.up()
        self.answered(f"connect {source} -> {target}", started, edges=edges)

    def edit(self, node_id: str, params: dict) -> None:
        node(self.page, node_id).locator(".wb-node-label").click()
        editor = board(self.page).get_by_test_id("wb-editor")
        expect(editor).to_have_attribute("data-editing", node_id)
        for name, value in params.items():
            editor.locator(f"input[name='{name}']").fill(str(value))
        started = time.perf_counter()
        editor.locator(f"input[name='{next(iter(params))}']").press("Enter")
        self.answered(f"edit {node_id}", started)


def structure(design: Design, ids: dict[str, str] | None = None):
    """Types and params per component and the edges, under ``ids`` (reference id -> board
    id): what the rubric reads, without labels, positions or notes."""
    rename = ids or {}
    components = {
        rename.get(c.id, c.id): (c.type, c.params.model_dump(exclude_none=True))
        for c in design.components
    }
    edges = {(rename.get(e.source, e.source), rename.get(e.target, e.target)) for e in design.edges}
    return components, edges


def verdicts(design: Design, scenario) -> dict[str, str]:
    return {f.rule: f.status for f in check_design(design, scenario).findings}


def test_a_newcomer_builds_the_reference_design_on_the_canvas_alone(browser, server):
    scenario = get_scenario(SCENARIO)
    reference = scenario.reference_design
    context = browser.new_context(viewport={"width": 1700, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.add_init_script(f"({WATCH_LONG_TASKS})()")
    driver = Driver(page)
    started = time.perf_counter()
    start_scenario(page, server["url"])
    canvas = board(page)
    expect(canvas.locator(".wb-item").first).to_be_visible()
    canvas.evaluate("el => el.scrollIntoView({block: 'start'})")
    for _ in range(2):  # room for 24 boxes: zoom out as a user would, with the + / - buttons
        canvas.locator("[data-action='zoom-out']").click()

    page.evaluate("() => { window.__longest = 0; }")  # from here on, not the page's load
    ids: dict[str, str] = {}
    for index, component in enumerate(reference.components):
        column, row = index % COLUMNS, index // COLUMNS
        x, y = LEFT_PX + column * COLUMN_PX, 75 + row * ROW_PX
        ids[component.id] = driver.drop(component.type, x, y, components=index + 1)
    for count, edge in enumerate(reference.edges, start=1):
        driver.connect(ids[edge.source], ids[edge.target], edges=count)
    for component in reference.components:
        params = component.params.model_dump(exclude_none=True)
        if params:
            driver.edit(ids[component.id], params)
    built_s = time.perf_counter() - started

    # what the page shows: no box outlined as failing, and the reference design's score
    expected = verdicts(reference, scenario)
    expect(canvas.locator(".wb-node[data-status='fail']")).to_have_count(0)
    failing = sum(status == "fail" for status in expected.values())
    score = check_design(reference, scenario).score
    fragment = page.locator(".stMainBlockContainer")
    expect(fragment.get_by_text(f"Rubric score {score}/100", exact=False)).to_be_visible()
    expect(fragment.get_by_text(f"{failing} failing", exact=False).first).to_be_visible()

    # what the session saved: the reference design, structurally, with the same verdicts
    session_id = parse_qs(urlparse(page.url).query)["s"][0]
    saved = open_store(server["data"]).load_session(session_id).design
    assert structure(saved) == structure(reference, ids)
    assert verdicts(saved, scenario) == expected

    rev = canvas.get_attribute("data-rev")
    started = time.perf_counter()
    canvas.locator("[data-action='layout']").click()
    expect(canvas).not_to_have_attribute("data-rev", rev)  # the laid-out design is drawn
    driver.waits.append(("auto-layout", (time.perf_counter() - started) * 1000))
    canvas.locator("[data-action='fit']").click()
    page.screenshot(path=str(server["data"] / "built-reference.png"), full_page=True)
    longest_task = page.evaluate("() => window.__longest")
    slowest = max(driver.waits, key=lambda w: w[1])
    waits = sorted(ms for _, ms in driver.waits)
    print(
        f"\nbuilt {len(reference.components)} components, {len(reference.edges)} edges and "
        f"{sum(bool(c.params.model_dump(exclude_none=True)) for c in reference.components)} "
        f"parameter edits in {built_s:.1f} s ({len(driver.waits)} actions); longest wait for "
        f"the server's answer {slowest[1]:.0f} ms ({slowest[0]}), median {waits[len(waits) // 2]:.0f} "
        f"ms, 90th percentile {waits[int(len(waits) * 0.9)]:.0f} ms; longest main-thread task "
        f"{longest_task:.0f} ms"
    )
    # Every action was answered (WAIT_ANSWERED gives up after 20 s); how fast is a figure of
    # the machine, printed above and measured by bench/browser_canvas.py, not a pass mark.
    assert longest_task < FROZEN_MS, f"the page was frozen for {longest_task:.0f} ms"
    widget(page, "w_quick_text")  # the text views were never touched
    context.close()
