"""The board as a new user meets it in Chromium at 1280x720 and 1440x900 (issue 21): a
design built with the keyboard alone, focus mode and the wheel, the toolbar in a strip of
its own above the drawing area, and the editor's buttons always in view."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from storage import open_store
from tests.browser.test_browser import (
    board,
    click_node,
    connect,
    drop,
    expect_board_saved,
    node,
    position,
    start_scenario,
)

pytestmark = pytest.mark.browser

SMALL = {"width": 1280, "height": 720}
LARGE = {"width": 1440, "height": 900}


def stored_design(page: Page, server):
    """The design the server saved for this page's session."""
    session_id = parse_qs(urlparse(page.url).query)["s"][0]
    return open_store(server["data"]).load_session(session_id).design


def stored_position(page: Page, server, box: str) -> tuple[int, int]:
    component = next(c for c in stored_design(page, server).components if c.id == box)
    return component.pos.x, component.pos.y


def expect_stored_at(page: Page, server, box: str, where: tuple[int, int]) -> None:
    """The server ends up holding the box where the board shows it. (Read until it does:
    once, under load, the store still held an earlier press right after the board said
    every change was taken; see the branch's report.)"""
    eventually(page, lambda: stored_position(page, server, box), lambda p: p == where, "stored")


def focused_node(page: Page) -> str | None:
    """The id of the box the keyboard is on (the board sits in a shadow root)."""
    return board(page).evaluate("el => el.getRootNode().activeElement?.dataset?.id ?? null")


def on_top(locator) -> bool:
    """Whether the element is inside the window and nothing covers its middle: what a click
    there would reach, through the component's shadow root."""
    return locator.evaluate(
        """el => {
            const r = el.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
            let hit = document.elementFromPoint(x, y);
            while (hit && hit.shadowRoot) {
                const inner = hit.shadowRoot.elementFromPoint(x, y);
                if (!inner || inner === hit) break;
                hit = inner;
            }
            return el === hit || el.contains(hit);
        }"""
    )


def viewport_of(page: Page) -> tuple[float, float, float]:
    """The board's pan (x, y) and zoom."""
    transform = board(page).locator(".react-flow__viewport").evaluate("el => el.style.transform")
    x, y, zoom = re.match(
        r"translate\(([-\d.]+)px, ([-\d.]+)px\) scale\(([-\d.]+)\)", transform
    ).groups()
    return float(x), float(y), float(zoom)


def eventually(page: Page, read, holds, what: str):
    """Wait (up to 15 s) until ``holds(read())``: the board answers a key or the wheel on
    its next frames, not at once."""
    for _ in range(300):
        value = read()
        if holds(value):
            return value
        page.wait_for_timeout(50)
    raise AssertionError(f"{what}: still {value}")


def page_scroll(page: Page) -> float:
    return page.locator(".stMain").evaluate("el => el.scrollTop")


def overlapping(boxes: list[dict]) -> list[tuple[int, int]]:
    def hit(a, b):
        return (
            a["x"] < b["x"] + b["width"]
            and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"]
            and b["y"] < a["y"] + a["height"]
        )

    return [
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if hit(boxes[i], boxes[j])
    ]


def test_a_design_built_with_the_keyboard_alone_is_saved(page, server):
    page.set_viewport_size(SMALL)
    start_scenario(page, server["url"])
    canvas = board(page)
    canvas.evaluate("el => el.scrollIntoView({block: 'center'})")
    search = canvas.get_by_role("combobox", name=re.compile("Search components"))
    search.focus()  # where Tab brings the user; from here on, keys only

    # the palette's search: Enter adds the best match, an exact name before a longer one
    for query, added in [
        ("client app", "client_app"),
        ("ranker", "ranker"),
        ("feature store", "feature_store"),
    ]:
        page.keyboard.type(query)
        page.keyboard.press("Enter")
        expect(node(page, added)).to_be_visible()
    expect(canvas).to_have_attribute("data-components", "3")
    expect(node(page, "pre_ranker")).to_have_count(0)
    # each new box took a free spot, none on top of another
    boxes = [node(page, n).bounding_box() for n in ("client_app", "ranker", "feature_store")]
    assert not overlapping(boxes), boxes

    # Escape hands the keyboard to the board: the box just added, where C connects it
    page.keyboard.press("Escape")
    assert focused_node(page) == "feature_store"
    page.keyboard.press("c")
    dialog = canvas.get_by_role("dialog", name="Connect Feature store to…")
    expect(dialog).to_be_visible()
    page.keyboard.type("rank")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(canvas).to_have_attribute("data-edges", "1")
    assert focused_node(page) == "feature_store"  # back where the user was

    # Shift+Tab walks back over the boxes; Enter selects one
    for _ in range(4):
        if focused_node(page) == "client_app":
            break
        page.keyboard.press("Shift+Tab")
    assert focused_node(page) == "client_app"
    page.keyboard.press("Enter")
    expect(node(page, "client_app")).to_have_class(re.compile("selected"))
    page.keyboard.press("c")
    page.keyboard.type("ranker")
    page.keyboard.press("Enter")
    expect(canvas).to_have_attribute("data-edges", "2")

    # arrows move the selected box, and the move is saved
    before = position(page, "client_app")
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")
    moved = (before[0] + 60, before[1])
    eventually(page, lambda: position(page, "client_app"), lambda p: p == moved, "arrow move")
    expect_board_saved(page)
    expect_stored_at(page, server, "client_app", moved)

    # undo and redo from the keyboard, with the focus on the board (no click on it)
    page.keyboard.press("Control+z")
    eventually(page, lambda: position(page, "client_app"), lambda p: p == before, "undo")
    expect_board_saved(page)
    expect_stored_at(page, server, "client_app", before)
    page.keyboard.press("Control+Shift+z")
    eventually(page, lambda: position(page, "client_app"), lambda p: p == moved, "redo")
    expect_board_saved(page)

    design = stored_design(page, server)
    assert sorted(c.id for c in design.components) == ["client_app", "feature_store", "ranker"]
    assert {(e.source, e.target) for e in design.edges} == {
        ("feature_store", "ranker"),
        ("client_app", "ranker"),
    }
    expect_stored_at(page, server, "client_app", moved)


def test_focus_mode_fills_the_window_and_the_wheel_scrolls_the_page_past_the_board(page, server):
    page.set_viewport_size(LARGE)
    start_scenario(page, server["url"])
    canvas = board(page)
    pane = canvas.locator(".react-flow__pane")
    canvas.evaluate("el => el.scrollIntoView({block: 'center'})")

    # in the page, the wheel over a board the user has not clicked scrolls the page
    expect(canvas).to_have_attribute("data-engaged", "no")
    view = viewport_of(page)
    scrolled = page_scroll(page)
    page.mouse.move(*centre_of(pane))
    page.mouse.wheel(0, 300)
    eventually(page, lambda: page_scroll(page), lambda s: s > scrolled, "page scroll")
    assert viewport_of(page) == view

    # clicked (its palette, its drawing area), the board takes the wheel: it pans, the page
    # stays; a click elsewhere on the page gives the wheel back to the page
    canvas.evaluate("el => el.scrollIntoView({block: 'center'})")
    canvas.locator(".wb-group-title").first.click()
    expect(canvas).to_have_attribute("data-engaged", "yes")
    page.locator(".stMain h1, .stMain h2, .stMain h3").first.click()
    expect(canvas).to_have_attribute("data-engaged", "no")
    pane.click(position={"x": 300, "y": 300})
    expect(canvas).to_have_attribute("data-engaged", "yes")
    scrolled = page_scroll(page)
    page.mouse.wheel(0, 200)
    eventually(page, lambda: viewport_of(page), lambda v: v[1] != view[1], "pan")
    assert page_scroll(page) == scrolled

    # focus mode (the button): the board fills the window, over everything
    canvas.get_by_role("button", name="Focus").click()
    expect(canvas).to_have_attribute("data-focus-mode", "on")
    assert canvas.bounding_box() == {"x": 0, "y": 0, **LARGE}
    # nothing of the page over it: not the sidebar, not Streamlit's header
    for part in (
        canvas.locator(".wb-search"),
        canvas.get_by_role("button", name="Undo"),
        canvas.get_by_role("button", name="Exit focus"),
        canvas.locator(".react-flow__attribution"),
    ):
        assert on_top(part)
    # the wheel pans and does not zoom; Ctrl+wheel (a pinch) zooms; the page stays
    scrolled = page_scroll(page)
    page.mouse.move(LARGE["width"] / 2, LARGE["height"] / 2)
    x, y, zoom = viewport_of(page)
    page.mouse.wheel(120, 200)
    eventually(page, lambda: viewport_of(page), lambda v: v[:2] != (x, y), "pan")
    assert viewport_of(page)[2] == zoom
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    eventually(page, lambda: viewport_of(page), lambda v: v[2] > zoom, "zoom")
    assert page_scroll(page) == scrolled

    # Escape leaves it; F enters it from the keyboard, and Escape leaves again
    page.keyboard.press("Escape")
    expect(canvas).to_have_attribute("data-focus-mode", "off")
    assert canvas.bounding_box()["height"] == 600
    assert canvas.bounding_box()["width"] < LARGE["width"] - 300
    page.keyboard.press("f")
    expect(canvas).to_have_attribute("data-focus-mode", "on")
    assert canvas.bounding_box() == {"x": 0, "y": 0, **LARGE}
    page.keyboard.press("Escape")
    expect(canvas).to_have_attribute("data-focus-mode", "off")


def centre_of(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1280x720", "1440x900"])
def test_nothing_on_the_board_is_under_the_toolbar_and_the_editor_buttons_stay_in_view(
    page, server, size
):
    page.set_viewport_size(size)
    start_scenario(page, server["url"])
    canvas = board(page)
    canvas.evaluate("el => el.scrollIntoView({block: 'center'})")
    toolbar = canvas.get_by_role("toolbar", name="Board")
    pane = canvas.locator(".react-flow__pane")

    # boxes dropped at the very top of the drawing area, left and right, are all in view
    drop(page, "client_app", 90, 2)
    expect(canvas.get_by_test_id("wb-editor")).to_be_visible()  # it narrows the board
    drop(page, "ranker", pane.bounding_box()["width"] - 90, 2)
    for box in ("client_app", "ranker"):
        expect(node(page, box)).to_be_visible()
        label = node(page, box).locator(".wb-node-label")
        assert (
            toolbar.bounding_box()["y"] + toolbar.bounding_box()["height"]
            <= (node(page, box).bounding_box()["y"])
        )
        assert on_top(label)
        for handle in node(page, box).locator(".react-flow__handle").all():
            assert on_top(handle)
    # a drag between their handles draws an arrow and presses no button (it made a note)
    connect(page, "client_app", "ranker")
    expect(canvas).to_have_attribute("data-edges", "1")
    expect_board_saved(page)
    expect(canvas.locator(".wb-note")).to_have_count(0)

    # the box editor: its fields scroll, Save and Delete stay in view under them
    click_node(page, "ranker")
    editor = canvas.get_by_test_id("wb-editor")
    expect(editor).to_have_attribute("data-editing", "ranker")
    last_field = editor.locator("input").last
    last_field.focus()
    for button in ("Save", "Delete"):
        assert on_top(editor.get_by_role("button", name=button)), button
    assert on_top(last_field)
    last_field.fill("5000")
    editor.get_by_role("button", name="Save").click()
    expect_board_saved(page)

    # the arrow's editor too
    canvas.locator(".react-flow__edge").first.dispatch_event("click")
    edge_editor = canvas.get_by_test_id("wb-edge-editor")
    expect(edge_editor).to_be_visible()
    for button in ("Save", "Delete"):
        assert on_top(edge_editor.get_by_role("button", name=button)), button

    # every control of the toolbar is reached with Tab, shows it, and has a name (a box
    # selected, so that Delete and Connect to… are on)
    click_node(page, "client_app")
    canvas.get_by_role("button", name="Undo").focus()
    page.keyboard.press("Shift+Tab")  # out of the board, and back in with the keyboard
    page.keyboard.press("Tab")
    names = []
    for _ in range(12):
        focused = canvas.evaluate(
            """el => {
                const f = el.getRootNode().activeElement;
                if (!f || !f.closest('[role=toolbar]')) return null;
                const style = getComputedStyle(f);
                return {name: f.getAttribute('aria-label') || f.textContent.trim(),
                        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0};
            }"""
        )
        if focused is None:
            break
        assert focused["name"] and focused["ring"], focused
        names.append(focused["name"])
        page.keyboard.press("Tab")
    assert {"Undo", "Redo", "Delete", "Note", "Connect to…", "Fit", "Zoom in", "Focus"} <= set(
        names
    ), names
