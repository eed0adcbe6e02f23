"""A whole mock round on a shared deployment: two app replicas on one PostgreSQL database,
the candidate on one and the interviewer on the other, a replica killed mid-interview,
both reports showing the feedback (swapping roles is checked through AppTest). How fast
changes travel is measured by `make bench` (bench/live_rooms.py, same helpers); here
every change must arrive."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bench.live_rooms import (
    CHROMIUM_ARGS,
    click,
    commit_notes,
    host,
    join,
    on_replica,
    reconnect_after,
    send_question,
    wait_for_text,
    widget,
)
from tests.browser.test_browser import drop, node

pytestmark = pytest.mark.browser
ARRIVES_S = 20.0  # generous: arriving at all is the point here; speed is in `make bench`


@pytest.fixture
def two_people(browser, request, shared):
    """Alice's and Bob's pages; on a failure, what each saw is saved beside the logs."""
    viewport = {"width": 1500, "height": 1000}
    pages = [browser.new_context(viewport=viewport).new_page() for _ in range(2)]
    for page in pages:
        page.set_default_timeout(30_000)
    yield pages
    if getattr(request.node, "failed_call", False):
        for name, page in zip(("alice", "bob"), pages, strict=True):
            page.screenshot(path=str(shared["logs"] / f"{name}-at-failure.png"), full_page=True)
        print(f"screenshots and replica logs in {shared['logs']}")
    for page in pages:
        page.context.close()


def test_a_mock_round_on_two_replicas_survives_a_killed_replica(two_people, shared):
    alice, bob = two_people  # Alice interviews first, Bob designs
    primary = shared["primary"]  # where the balancer sends Bob
    other = next(r for r in shared["replicas"] if r is not primary)
    expect.set_options(timeout=30_000)

    link = host(alice, other.url)  # Alice straight on the other replica
    assert CHROMIUM_ARGS  # the bench and the test drive Chromium alike
    join(bob, on_replica(link, shared["balancer"].url))
    commit_notes(bob, "requirements", "Peak 40k QPS; p99 budget 200 ms")
    wait_for_text(alice, "Peak 40k QPS; p99 budget 200 ms", ARRIVES_S)
    drop(bob, "client_app", 120, 160)  # on the candidate's board...
    drop(bob, "ranker", 480, 160)
    expect(node(alice, "ranker", "w_mock_board")).to_have_count(1)  # ...on the interviewer's

    click(alice, "w_iv_start")
    send_question(alice, "What happens to the ranker when the feature store is slow?")
    wait_for_text(bob, "What happens to the ranker when the feature store is slow?", ARRIVES_S)
    expect(bob.get_by_text("running", exact=True).first).to_be_visible()  # the clock's badge

    # Bob's replica dies mid-interview: his browser reconnects through the balancer to the
    # other replica, which restores his session from the database
    reconnect_after(bob, primary.kill)
    commit_notes(bob, "requirements", "Peak 40k QPS; p99 budget 200 ms; 500 candidates")
    wait_for_text(alice, "500 candidates", ARRIVES_S)
    expect(widget(bob, "w_notes_requirements").locator("textarea")).to_have_value(
        "Peak 40k QPS; p99 budget 200 ms; 500 candidates"
    )
    send_question(alice, "Where does the 200 ms go, stage by stage?")
    wait_for_text(bob, "Where does the 200 ms go, stage by stage?", ARRIVES_S)
    assert "Interviewer's guide" not in bob.locator("body").text_content()

    widget(alice, "w_fb_summary").locator("textarea").fill("Clear on numbers; probe failure modes.")
    alice.get_by_role("button", name="Save feedback").click()
    expect(alice.get_by_text(re.compile(r"^Saved at"))).to_be_visible()
    click(alice, "w_iv_end")
    wait_for_text(bob, "Clear on numbers; probe failure modes.", ARRIVES_S)  # on his Report
    expect(bob.get_by_role("heading", name="Interviewer feedback")).to_be_visible()
    expect(alice.get_by_role("heading", name="Interviewer feedback")).to_be_visible()

    bob.screenshot(path=str(shared["logs"] / "candidate-report.png"), full_page=True)
