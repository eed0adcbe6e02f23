"""The replay of a finished mock interview in a real browser (issue 23): the board, the notes
and the verdicts at three moments, reached by the markers and the slider."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from components.quick import parse_quick
from design_framework.room import RoomEvent, apply
from design_framework.session import Session
from storage import open_store
from tests.browser.test_browser import widget

pytestmark = pytest.mark.browser

T0 = 1_700_000_000.0
DESIGN = (
    "client: client_app\nindex: ann_index\nretrieval: candidate_generation out_k=500\n"
    "ranker: ranker latency_ms={}\nclient -> retrieval -> ranker\nindex -> retrieval"
)


def finished_interview(store) -> Session:
    """A mock interview as the candidate's side recorded it, saved as the app saves it."""
    session = Session(scenario_id="realtime-playlist-recs", length_minutes=45, mode="mock")
    store.save_session(session)
    apply(session, RoomEvent(seq=1, at=T0, kind="clock_start"))
    session.record_notes("requirements", "Peak 15k QPS, p99 200 ms.", T0 + 50)
    session.record_design(parse_quick(DESIGN.format(250)), T0 + 60)
    store.save_session(session)
    apply(
        session,
        RoomEvent(seq=2, at=T0 + 300, kind="question", text="How would you cut the latency?"),
    )
    store.save_session(session)
    apply(session, RoomEvent(seq=3, at=T0 + 400, kind="advance", step="model"))
    session.record_notes("model", "A distilled ranker at 20 ms.", T0 + 410)
    session.record_design(parse_quick(DESIGN.format(20)), T0 + 420)
    store.save_session(session)
    apply(session, RoomEvent(seq=4, at=T0 + 600, kind="bookmark", text="Good recovery"))
    apply(session, RoomEvent(seq=5, at=T0 + 700, kind="end"))
    store.save_session(session)
    return session


def test_a_finished_mock_interview_plays_back_moment_by_moment(page, server):
    session = finished_interview(open_store(server["data"]))
    page.goto(f"{server['url']}/report?s={session.id}")
    expect(page.get_by_role("heading", name="Replay")).to_be_visible(timeout=60_000)
    expect(
        page.get_by_text("latency.budget failed for 6:00 in all, passing from 7:00.")
    ).to_be_visible()

    def status(moment: str):
        # the line for that moment: while the page redraws, the line of the moment before
        # can still be on the page beside it
        return page.get_by_text(re.compile(rf"^{re.escape(moment)} into the interview ·"))

    def jump(label: str) -> None:
        option = page.get_by_role("option").filter(has_text=label)
        for _ in range(3):  # a click that lands while the page redraws opens nothing
            widget(page, "w_replay_jump").get_by_role("combobox").click()
            try:
                option.wait_for(timeout=5_000)
                break
            except Exception:
                page.keyboard.press("Escape")
        option.click()

    # 5:00, the interviewer's question: the slow ranker on the board, failing the budget
    jump("5:00 · Question: How would you cut the latency?")
    expect(status("5:00")).to_contain_text("5:00 into the interview · on Clarify requirements")
    expect(status("5:00")).to_contain_text("latency.budget")
    board = widget(page, "w_replay_board")
    expect(board.locator(".react-flow__node[data-id='ranker']")).to_be_visible()
    expect(page.get_by_text("Peak 15k QPS, p99 200 ms.")).to_be_visible()
    # 10:00, the bookmark: the fix is in, the budget passes, the notes are the model's
    jump("10:00 · Bookmark: Good recovery")
    expect(status("10:00")).to_contain_text("10:00 into the interview · on Model development")
    expect(status("10:00")).not_to_contain_text("latency.budget")
    expect(page.get_by_text("A distilled ranker at 20 ms.")).to_be_visible()
    # the very start: nothing drawn yet
    thumb = widget(page, "w_replay_at").get_by_role("slider")
    thumb.focus()
    thumb.press("Home")
    expect(status("0:00")).to_contain_text("0:00 into the interview")
    expect(status("0:00")).to_contain_text("0 boxes")
