"""What needs a real browser: the rendered diagram, downloads, the live clock, a refresh,
and two browsers in one mock interview."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SCENARIO = "realtime-playlist-recs"


def widget(page: Page, key: str):
    """Streamlit marks each keyed widget's container with the class st-key-<key>."""
    return page.locator(f".st-key-{key}")


def start_scenario(page: Page, url: str, scenario: str = SCENARIO) -> None:
    page.goto(url)
    widget(page, f"lib_start_{scenario}").locator("button").click()
    expect(widget(page, "w_notes_requirements")).to_be_visible()


def apply_quick_text(page: Page, text: str) -> None:
    page.get_by_role("tab", name=re.compile("Quick text")).click()
    area = widget(page, "w_quick_text").locator("textarea")
    area.fill(text)
    widget(page, "w_quick_apply").locator("button").click()


def diagram_text(page: Page) -> str:
    chart = page.locator("[data-testid='stGraphVizChart'] svg").first
    expect(chart).to_be_visible()
    return chart.text_content()


def test_start_a_scenario_add_a_component_and_see_the_diagram_redraw(page, server):
    start_scenario(page, server["url"])
    widget(page, "w_add_type").locator("input").fill("Client app")
    page.keyboard.press("Enter")
    widget(page, "w_add_id").locator("input").fill("client")
    widget(page, "w_add_button").locator("button").click()
    expect(page.locator("[data-testid='stGraphVizChart'] svg").first).to_contain_text("Client app")
    apply_quick_text(page, "client: client_app\nclient -> gateway(api_gateway) -> ranker")
    expect(page.locator("[data-testid='stGraphVizChart'] svg").first).to_contain_text("API gateway")
    assert "Ranker" in diagram_text(page)
    page.screenshot(path=str(server["data"] / "whiteboard.png"), full_page=True)


def test_the_clock_ticks_without_a_page_rerun_and_pauses(page, server):
    start_scenario(page, server["url"])
    widget(page, "w_notes_requirements").locator("textarea").fill("typing while the clock runs")
    # the library's Start has started the clock
    metric = page.get_by_test_id("stMetric").filter(has_text="time left").first
    first = metric.get_by_test_id("stMetricValue").inner_text()
    time.sleep(2.5)
    second = metric.get_by_test_id("stMetricValue").inner_text()
    assert first != second  # the fragment ticked on its own
    # the ticks redraw only the clock: what was typed is still there
    expect(widget(page, "w_notes_requirements").locator("textarea")).to_have_value(
        "typing while the clock runs"
    )
    widget(page, "w_clock_pause").locator("button").click()
    expect(page.get_by_text("paused")).to_be_visible()
    paused = metric.get_by_test_id("stMetricValue").inner_text()
    time.sleep(2.2)
    assert metric.get_by_test_id("stMetricValue").inner_text() == paused


def test_a_refresh_keeps_notes_and_design(page, server):
    start_scenario(page, server["url"])
    area = widget(page, "w_notes_requirements").locator("textarea")
    area.fill("peak 40k qps and p99 under 200 ms")
    area.press("Control+Enter")
    apply_quick_text(page, "client: client_app\nclient -> ranker")
    expect(page.locator("[data-testid='stGraphVizChart'] svg").first).to_contain_text("Ranker")
    page.reload()
    expect(widget(page, "w_notes_requirements").locator("textarea")).to_have_value(
        "peak 40k qps and p99 under 200 ms"
    )
    expect(page.locator("[data-testid='stGraphVizChart'] svg").first).to_contain_text("Ranker")


def test_the_exported_png_downloads(page, server, tmp_path):
    start_scenario(page, server["url"])
    apply_quick_text(
        page,
        "client: client_app\nclient -> gateway(api_gateway) -> "
        "retrieval(candidate_generation) -> ranker\nfeature_store -> ranker",
    )
    expect(page.locator("[data-testid='stGraphVizChart'] svg").first).to_contain_text(
        "Feature store"
    )
    widget(page, "w_finish").locator("button").click()
    expect(widget(page, "w_export_png")).to_be_visible()
    with page.expect_download() as info:
        widget(page, "w_export_png").locator("button").click()
    target = tmp_path / "design.png"
    info.value.save_as(target)
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    (server["data"] / "exported.png").write_bytes(data)


def test_two_browsers_share_one_mock_interview(browser, server):
    candidate = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    interviewer = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    start_scenario(candidate, server["url"])
    candidate.get_by_role("link", name=re.compile("Mock interview")).click()
    widget(candidate, "w_mock_open").locator("button").click()
    code_text = candidate.get_by_text(re.compile(r"Room code: [A-Z0-9]{6}")).inner_text()
    code = re.search(r"[A-Z0-9]{6}", code_text.split(":")[1]).group(0)

    interviewer.goto(f"{server['url']}/mock?role=interviewer&room={code}")
    expect(
        interviewer.get_by_text("Interviewer's guide (hidden from the candidate)")
    ).to_be_visible()
    assert candidate.get_by_text("Interviewer's guide").count() == 0

    candidate.get_by_role("link", name=re.compile("Whiteboard")).click()
    area = widget(candidate, "w_notes_requirements").locator("textarea")
    area.fill("Peak 40k QPS; p99 budget 200 ms")
    area.press("Control+Enter")
    expect(interviewer.get_by_text("Peak 40k QPS; p99 budget 200 ms")).to_be_visible(timeout=15_000)

    widget(interviewer, "w_fb_summary").locator("textarea").fill("Clear on numbers.")
    interviewer.get_by_role("button", name="Save feedback").click()
    expect(interviewer.get_by_text("Saved.")).to_be_visible()
    candidate.get_by_role("link", name=re.compile("Report")).click()
    expect(candidate.get_by_text("Overall score")).to_be_visible()
    candidate.context.close()
    interviewer.context.close()
