"""Curveballs in a real browser (issue 22): one arriving on its minute in solo practice
re-marks the board; one thrown by the interviewer in a room reaches the candidate and both
reports tell how the design adapted."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from design_framework.session import Session
from scenarios.loader import scenario_from_string
from storage import open_store
from tests.browser.test_browser import node, widget
from tests.test_curveballs import TRAFFIC, with_curveballs

pytestmark = pytest.mark.browser

BUDGET = {
    **TRAFFIC,
    "id": "budget-60",
    "title": "Budget 60 ms",
    "say": "The shelf now renders with the track list: 60 ms end to end.",
    "at_minute": 10,
    "changes": {"latency_budget_ms": 60},
}


def test_a_solo_curveball_arrives_on_the_clock_and_the_board_re_marks(page, server):
    text = with_curveballs([BUDGET])
    scenario = scenario_from_string(text)
    session = Session(
        scenario_yaml=text,
        scenario_id=scenario.id,
        length_minutes=45,
        design=scenario.reference_design,
        curveball_plan="budget-60",
    )
    session.start(now=time.time() - (600 - 6))  # due six seconds after the page opens
    open_store(server["data"]).save_session(session)
    page.goto(f"{server['url']}/practice?s={session.id}")
    slowest = node(page, "two_tower").locator(".wb-node")
    expect(slowest).to_be_visible()
    expect(slowest).not_to_have_attribute("data-status", "fail")
    # nothing before its minute; then the browser's clock says it is due, with no click
    expect(page.get_by_text("Curveball at")).to_have_count(0)
    banner = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="Curveball at")
    expect(banner).to_contain_text("latency budget 200 ms → 60 ms", timeout=30_000)
    expect(slowest).to_have_attribute("data-status", "fail")  # the same design, new numbers
    expect(widget(page, "w_findings")).to_contain_text("60 ms budget")
    (arrived,) = open_store(server["data"]).load_session(session.id).curveballs
    assert arrived.id == "budget-60" and arrived.broke == ["latency.budget"]


def test_an_interviewer_s_curveball_reaches_the_candidate_and_both_reports(browser, server):
    from bench.live_rooms import join, open_page, wait_for_text, wait_idle
    from tests.browser.test_browser import apply_quick_text

    interviewer = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    candidate = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    open_page(interviewer, f"{server['url']}/mock")
    expect(widget(interviewer, "w_mock_host")).to_be_visible(timeout=90_000)
    picker = widget(interviewer, "w_host_scenario")
    picker.click()
    picker.locator("input").fill("Real-time track")
    picker.locator("input").press("Enter")
    wait_idle(interviewer)
    interviewer.locator(".st-key-w_host_practice_as").get_by_text("Coached").click()
    wait_idle(interviewer)
    widget(interviewer, "w_mock_host").locator("button").click()
    link_box = widget(interviewer, "w_iv_candidate_link").locator("code").first
    expect(link_box).to_be_visible(timeout=90_000)
    join(candidate, link_box.inner_text().strip())
    design = (
        "client: client_app\nindex: ann_index\nretrieval: candidate_generation out_k=500\n"
        "ranker: ranker latency_ms={}\nclient -> retrieval -> ranker\nindex -> retrieval"
    )
    apply_quick_text(candidate, design.format(80))  # 113 ms: inside 200, not inside 100
    wait_for_text(interviewer, "ranker")
    interviewer.get_by_role("tab", name="Curveball").click()
    widget(interviewer, "w_iv_curve_latency_budget_ms").locator("input").fill("100")
    widget(interviewer, "w_iv_curve_text").locator("input").fill("It must answer in 100 ms now.")
    widget(interviewer, "w_iv_curve_text").locator("input").press("Enter")
    wait_idle(interviewer)
    interviewer.get_by_role("button", name="Throw the curveball").click()
    banner = candidate.locator('[data-testid="stAlertContentWarning"]').filter(
        has_text="Curveball at"
    )
    expect(banner).to_contain_text("It must answer in 100 ms now.", timeout=30_000)
    expect(banner).to_contain_text("latency budget 200 ms → 100 ms")
    expect(banner).to_contain_text("It broke latency.budget")
    ranker = node(candidate, "ranker").locator(".wb-node")
    expect(ranker).to_have_attribute("data-status", "fail")
    # the candidate answers: a faster ranker
    apply_quick_text(candidate, design.format(20))  # 53 ms
    expect(banner).to_contain_text("passed again", timeout=30_000)
    interviewer.get_by_role("button", name="End the interview").click()
    for page in (candidate, interviewer):
        expect(page.get_by_role("heading", name="Curveballs")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("the design passed again")).to_be_visible()
    interviewer.context.close()
    candidate.context.close()
