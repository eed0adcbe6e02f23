"""Issue 21's walkthrough, at 1280x720 as a newcomer on a laptop meets it: Start on the
library's last card lands on the clock and the board; a 20-box design laid out by
Auto-layout reads at 11 px or more; focus mode and the keyboard-only path; a 2x PNG
exported from the report reopens from "Open a file" as the same design."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from components.design import Design
from components.embedded import png_design_text
from tests.browser.conftest import text_tab
from tests.browser.test_board_ux import stored_design
from tests.browser.test_browser import (
    board,
    expect_board_saved,
    node,
    start_on_the_last_card,
    widget,
)

pytestmark = pytest.mark.browser

SMALL = {"width": 1280, "height": 720}
CHAIN = [f"s{n}" for n in range(20)]
TWENTY = "\n".join(f"{box}: filter" for box in CHAIN) + "\n" + " -> ".join(CHAIN)

LABEL_SIZES = """el => {
    const viewport = el.querySelector('.react-flow__viewport');
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    return [...el.querySelectorAll('.wb-node-label')].map(
        label => parseFloat(getComputedStyle(label).fontSize) * zoom);
}"""


def test_a_newcomer_at_1280_from_the_library_to_a_reopened_picture(browser, server, tmp_path):
    context = browser.new_context(viewport=SMALL, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)

    # Start on the last card, far below the fold: the whiteboard opens at its top
    main = start_on_the_last_card(page, server["url"])
    page.wait_for_timeout(500)
    assert main.evaluate("m => m.scrollTop") == 0
    assert page.locator(".st-key-w_clock").first.bounding_box()["y"] < SMALL["height"]

    # a 20-box design, laid out by Auto-layout: every label at 11 px or more
    text_tab(page, "Quick text")
    widget(page, "w_quick_text").locator("textarea").fill(TWENTY)
    widget(page, "w_quick_apply").locator("button").click()
    canvas = board(page)
    expect(canvas).to_have_attribute("data-components", "20")
    canvas.locator("[data-action='layout']").click()
    expect_board_saved(page)
    page.wait_for_timeout(1000)  # the fit after the layout
    sizes = canvas.evaluate(LABEL_SIZES)
    assert len(sizes) == 20 and min(sizes) >= 11, sizes

    # focus mode fills the window; Escape leaves it
    canvas.locator("[data-action='focus']").click()
    page.wait_for_timeout(300)
    box = canvas.bounding_box()
    assert box["width"] >= SMALL["width"] - 2 and box["height"] >= SMALL["height"] - 2
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert canvas.bounding_box()["width"] < SMALL["width"] - 100

    # the keyboard alone: search, Enter adds, C connects
    search = canvas.get_by_role("combobox", name=re.compile("Search components"))
    search.focus()
    page.keyboard.type("ranker")
    page.keyboard.press("Enter")
    expect(node(page, "ranker")).to_be_visible()
    page.keyboard.press("Escape")  # the keyboard goes to the box just added
    page.keyboard.press("c")
    page.keyboard.type("s19")
    page.keyboard.press("Enter")
    expect(canvas).to_have_attribute("data-edges", "20")
    expect_board_saved(page)
    saved = stored_design(page, server)
    assert ("ranker", "s19") in {(e.source, e.target) for e in saved.edges}

    # a 2x PNG from the report, reopened from "Open a file" as the same design
    page.goto(page.url.replace("/practice", "/report"))
    button = page.get_by_role("button", name="Diagram (PNG, 2x)")
    expect(button).to_have_count(1, timeout=60_000)  # the page drawn once, not mid-run
    with page.expect_download() as download:
        button.click()
    picture = tmp_path / "design@2x.png"
    download.value.save_as(picture)
    assert Design.from_string(png_design_text(picture.read_bytes())).components == saved.components
    page.goto(f"{server['url']}/files")
    uploader = widget(page, "w_upload_design")
    expect(uploader).to_be_visible(timeout=60_000)
    uploader.locator("input[type='file']").set_input_files(str(picture))
    expect(page.get_by_text("design@2x.png against")).to_be_visible(timeout=60_000)
    expect(
        widget(page, "w_files_board").locator(".react-flow__node[data-id='ranker']")
    ).to_have_count(1)
    context.close()
