"""Two mock rounds on a shared deployment, as two people run them: two app replicas on one
PostgreSQL database behind nginx (deploy/nginx.conf: sticky by cookie, failing over), Alice on
one replica and Bob (through nginx) on the other. Round 1: Alice designs, Bob interviews (notes and a node reach him,
his question and his pointer reach her, his ratings are on both reports at the end). One
click swaps the roles; round 2 runs on another scenario with Bob designing, and Bob's
replica is killed mid-round: his browser reconnects through nginx to the other replica and
nothing is lost. How fast changes travel is measured by `make bench`
(bench/live_rooms.py, same helpers); here every change must arrive."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from bench.live_rooms import (
    click,
    commit_notes,
    host,
    join,
    on_replica,
    reconnect_after,
    send_question,
    wait_for_text,
    wait_idle,
    widget,
)
from tests.browser.test_browser import drop, node

pytestmark = pytest.mark.browser
ARRIVES_S = 30.0  # generous: arriving at all is the point here; speed is in `make bench`
GUIDE = "Interviewer's guide (hidden from the candidate)"


@pytest.fixture
def two_people(browser, request, shared):
    """Alice's and Bob's pages; on a failure, what each saw is saved beside the logs."""
    viewport = {"width": 1500, "height": 1000}
    pages = [browser.new_context(viewport=viewport).new_page() for _ in range(2)]
    errors: list[str] = []
    for name, page in zip(("alice", "bob"), pages, strict=True):
        page.set_default_timeout(60_000)
        page.on("pageerror", lambda error, name=name: errors.append(f"{name}: {error}"))
    yield pages, errors
    if getattr(request.node, "failed_call", False):
        for name, page in zip(("alice", "bob"), pages, strict=True):
            page.screenshot(path=str(shared["logs"] / f"{name}-at-failure.png"), full_page=True)
        print(f"screenshots and replica logs in {shared['logs']}; page errors: {errors}")
    for page in pages:
        page.context.close()


def save_feedback(interviewer: Page, verdict: str, evidence: str, summary: str) -> None:
    wait_idle(interviewer)  # a click landing while the page redraws can be lost
    widget(interviewer, "w_fb_problem_comment").locator("input").fill(evidence)
    widget(interviewer, "w_fb_verdict").get_by_text(verdict, exact=True).click()
    widget(interviewer, "w_fb_summary").locator("textarea").fill(summary)
    interviewer.get_by_role("button", name="Save feedback").click()
    expect(interviewer.get_by_text(re.compile(r"^Saved at"))).to_be_visible()


def watcher_state(page: Page) -> list[dict]:
    """What the page's room watcher did (polls, asks, errors, the number seen and latest)."""
    return page.evaluate(
        """() => [document, ...[...document.querySelectorAll('*')].map((el) => el.shadowRoot)]
            .filter(Boolean)
            .flatMap((root) => [...root.querySelectorAll('[data-testid=wb-room-watch]')])
            .map((el) => ({...el.dataset}))"""
    )


def sees_the_feedback(page: Page, verdict: str, summary: str) -> None:
    """On the Report page, the interviewer's feedback itself (not a preview notice)."""
    heading = page.get_by_role("heading", name="Interviewer feedback")
    try:
        expect(heading).to_be_visible()
    except AssertionError as error:
        raise AssertionError(f"{error}\nroom watcher: {watcher_state(page)}") from None
    expect(page.get_by_text(f"Recommendation: {verdict}").first).to_be_visible()
    expect(page.get_by_text(summary).first).to_be_visible()
    assert re.search(r"/report\?", page.url), page.url


def test_two_rounds_on_two_replicas_with_roles_swapped_and_a_replica_killed(two_people, shared):
    (alice, bob), page_errors = two_people
    expect.set_options(timeout=60_000)

    # ---- round 1: Bob interviews (through nginx), Alice designs (the other replica)
    link = host(bob, shared["nginx"].url)
    primary = shared["replica_of"](bob)  # where nginx sends Bob, as his cookie says
    other = next(r for r in shared["replicas"] if r is not primary)
    first_title = bob.get_by_role("heading", level=3).first.inner_text()
    join(alice, on_replica(link, other.url))
    commit_notes(alice, "requirements", "Peak 40k QPS; p99 budget 200 ms")
    wait_for_text(bob, "Peak 40k QPS; p99 budget 200 ms", ARRIVES_S)
    drop(alice, "client_app", 120, 160)
    drop(alice, "ranker", 300, 160)
    expect(node(bob, "ranker", "w_mock_board")).to_have_count(1)

    click(bob, "w_iv_start")
    send_question(bob, "What happens to the ranker when the feature store is slow?")
    wait_for_text(alice, "What happens to the ranker when the feature store is slow?", ARRIVES_S)
    expect(alice.get_by_text("running", exact=True).first).to_be_visible()  # the clock's badge

    # a pointer: the message, and the node selected on Alice's own board
    bob.get_by_role("tab", name="Point at").click()
    widget(bob, "w_iv_point_pick").get_by_role("combobox").click()
    bob.get_by_role("option", name="node: ranker").click()
    widget(bob, "w_iv_point_text").locator("input").fill("what does this cost per request?")
    click(bob, "w_iv_send_point")
    wait_for_text(alice, "what does this cost per request?", ARRIVES_S)
    expect(node(alice, "ranker")).to_have_class(re.compile(r"\bselected\b"))
    expect(node(alice, "client_app")).not_to_have_class(re.compile(r"\bselected\b"))
    assert "Interviewer's guide" not in alice.locator("body").text_content()

    save_feedback(bob, "hire", "Sized QPS and latency", "Clear on numbers; probe failure modes.")
    wait_idle(bob)  # a click that lands while the page redraws what the candidate did can be lost
    click(bob, "w_iv_end")
    sees_the_feedback(alice, "hire", "Clear on numbers; probe failure modes.")
    sees_the_feedback(bob, "hire", "Clear on numbers; probe failure modes.")

    # ---- the swap: one click for Bob (another scenario is proposed), one for Alice
    wait_idle(bob)
    click(bob, "w_next_round")
    expect(widget(bob, "w_notes_requirements")).to_be_visible()  # Bob designs now
    expect(widget(alice, "w_next_join")).to_be_visible()
    wait_idle(alice)
    click(alice, "w_next_join")
    expect(alice.get_by_text(GUIDE)).to_be_visible()  # Alice interviews now
    second_title = alice.get_by_role("heading", level=3).first.inner_text()
    assert second_title != first_title  # another scenario
    assert "Interviewer's guide" not in bob.locator("body").text_content()
    wait_idle(bob)

    # ---- round 2: Bob designs on his replica, Alice interviews from the other
    commit_notes(bob, "requirements", "Weekly batch over 100M users")
    wait_for_text(alice, "Weekly batch over 100M users", ARRIVES_S)
    click(alice, "w_iv_start")
    send_question(alice, "How long may the batch run?")
    wait_for_text(bob, "How long may the batch run?", ARRIVES_S)

    # Bob's replica dies mid-round: his browser reconnects through nginx to the other
    # replica, which serves his session from the database, and his cookie follows it
    assert shared["replica_of"](bob) is primary  # the page and its socket stayed there
    reconnect_after(bob, primary.kill)
    assert shared["replica_of"](bob) is other
    expect(widget(bob, "w_notes_requirements").locator("textarea")).to_have_value(
        "Weekly batch over 100M users"
    )
    expect(bob.get_by_text("How long may the batch run?").first).to_be_visible()  # still there
    commit_notes(bob, "requirements", "Weekly batch over 100M users; 6 h window")
    wait_for_text(alice, "6 h window", ARRIVES_S)
    send_question(alice, "Where does the 6 h go, stage by stage?")
    wait_for_text(bob, "Where does the 6 h go, stage by stage?", ARRIVES_S)

    save_feedback(alice, "strong hire", "Batch sizing first", "Good batch sizing.")
    wait_idle(alice)
    click(alice, "w_iv_end")
    sees_the_feedback(bob, "strong hire", "Good batch sizing.")
    sees_the_feedback(alice, "strong hire", "Good batch sizing.")
    assert not page_errors, page_errors  # no blank page on the way: nothing threw

    bob.screenshot(path=str(shared["logs"] / "round-two-candidate-report.png"), full_page=True)
