"""The whiteboard page with the board's direct route: what the board is handed, and how the
page picks up what the board saved without it (ui/canvas.py, ui/board_route.py)."""

from __future__ import annotations

from tests.notes_box import text_view, type_notes
from tests.test_app import (  # noqa: F401  (data_dir: each test's own database)
    CLIENT,
    RANKER,
    canvas_data,
    canvas_send,
    canvas_trigger,
    data_dir,
    findings_data,
    open_session_id,
    started,
    store,
)
from tests.test_board_route import TWO, body
from ui.board_route import BOARD_PATH, board_answer, board_token

THREE = {
    "components": [
        CLIENT,
        RANKER,
        {"id": "fs", "type": "feature_store", "pos": {"x": 300, "y": 200}},
    ],
    "edges": [{"from": "client", "to": "ranker"}, {"from": "ranker", "to": "fs"}],
}


def saved_directly(at, design: dict = TWO, seq: int = 1, base: int | None = None) -> dict:
    """What the board does with its direct route: post the change (here, straight to the
    route's function on the app's store)."""
    session = at.session_state["session"]
    base = canvas_data(at)["revision"] if base is None else base
    tab = canvas_data(at)["direct"]["tab"]
    status, answer = board_answer(store(), body(session, base, design=design, seq=seq, tab=tab))
    assert status == 200, answer
    return answer


def conflict_shown(at) -> bool:
    return any("Two tabs changed" in w.value for w in at.warning)


def test_the_board_is_handed_the_direct_route_of_the_open_session():
    at = started()
    data = canvas_data(at)
    session_id = open_session_id(at)
    assert data["direct"] == {
        "path": BOARD_PATH,
        "session": session_id,
        "token": board_token(session_id),
        "tab": at.session_state["browser_tab"],
    }
    assert data["revision"] == store().session_revision(session_id)
    listed = findings_data(at)
    assert listed["boardKey"] == data["boardKey"] and listed["revision"] == data["revision"]


def test_open_text_views_take_the_board_through_the_page():
    """The views follow the board, so while they are open the page must see each change."""
    at = started()
    text_view(at)
    assert canvas_data(at)["direct"] is None
    canvas_send(at, TWO)
    assert "client -> ranker" in at.text_area(key="w_quick_text").value
    at.session_state["w_text_views"] = False
    at.run()
    assert canvas_data(at)["direct"] is not None


def test_the_page_picks_up_a_direct_save_when_the_board_asks():
    at = started()
    rev = canvas_data(at)["rev"]
    answer = saved_directly(at)
    canvas_trigger(at, {"kind": "sync", "seq": 2})
    assert not at.exception
    assert [c.id for c in at.session_state["session"].design.components] == ["client", "ranker"]
    data = canvas_data(at)
    assert data["revision"] == answer["revision"]
    assert findings_data(at)["revision"] == answer["revision"]
    assert findings_data(at) == {**answer["findings"], "dark": False, **_keys(data)}
    # not pushed to the board again: it drew that itself, and a push could race its next
    # change (the rev moves only when the page changes the design)
    assert data["rev"] == rev
    assert {c["id"] for c in data["design"]["components"]} == {"client", "ranker"}
    assert not conflict_shown(at)


def _keys(data: dict) -> dict:
    return {"boardKey": data["boardKey"], "revision": data["revision"]}


def test_a_change_through_the_page_after_direct_saves_lands_on_top_of_them():
    """The board falls back to the page run (a refusal, a key from another server): the
    page first picks up what the board saved directly, so nothing reads as another tab."""
    at = started()
    answer = saved_directly(at, TWO, seq=1)
    canvas_send(at, THREE, seq=2, base=answer["revision"])
    assert not at.exception and not conflict_shown(at)
    stored = store().load_session(open_session_id(at))
    assert [c.id for c in stored.design.components] == ["client", "ranker", "fs"]
    assert canvas_data(at)["saved"] == 2


def test_notes_typed_after_direct_saves_keep_both():
    at = started()
    saved_directly(at)
    type_notes(at, "requirements", "Peak 40k QPS, p99 under 200 ms.")
    assert not at.exception and not conflict_shown(at)
    stored = store().load_session(open_session_id(at))
    assert stored.notes["requirements"] == "Peak 40k QPS, p99 under 200 ms."
    assert [c.id for c in stored.design.components] == ["client", "ranker"]


def test_auto_layout_after_direct_saves_lays_out_what_was_saved():
    at = started()
    saved_directly(at, THREE)
    canvas_trigger(at, {"kind": "layout", "seq": 2})
    assert not at.exception
    stored = store().load_session(open_session_id(at))
    assert {c.id for c in stored.design.components} == {"client", "ranker", "fs"}
    assert {c["id"] for c in canvas_data(at)["design"]["components"]} == {"client", "ranker", "fs"}


def test_another_tabs_direct_save_is_merged_not_overwritten():
    """Two tabs on one session: the other tab's board saved directly; this tab's change
    through the page, from a board that knew nothing of it, is merged as any other tab's
    save: this tab's design stays, the other's is kept as a copy, and the page says so."""
    at = started()
    session_id = open_session_id(at)
    session, revision = store().load_versioned(session_id)
    assert board_answer(store(), body(session, revision, design=TWO))[0] == 200
    canvas_send(at, THREE, seq=1, base=revision)  # this tab, on the board it drew before
    assert not at.exception and conflict_shown(at)
    stored = store().load_session(session_id)
    assert [c.id for c in stored.design.components] == ["client", "ranker", "fs"]
    copies = [s for s in store().recent_sessions(20) if s.id != session_id]
    assert any([c.id for c in s.design.components] == ["client", "ranker"] for s in copies)


def test_another_tabs_notes_after_a_direct_save_are_merged_without_a_false_conflict():
    """This tab's board saved directly, then another tab saved notes, then this board sent
    a change through the page: the page's base is the board's own save, so only the notes
    are the other tab's, and both land with no warning."""
    at = started()
    first = saved_directly(at, TWO)
    session_id = open_session_id(at)
    other = store().load_session(session_id)
    other.notes["data"] = "from the other tab"
    store().save_session(other, expected=first["revision"])
    canvas_send(at, THREE, seq=2, base=first["revision"])
    assert not at.exception and not conflict_shown(at)
    stored = store().load_session(session_id)
    assert [c.id for c in stored.design.components] == ["client", "ranker", "fs"]
    assert stored.notes["data"] == "from the other tab"


def test_direct_saves_of_another_tab_are_not_taken_as_this_tabs():
    """The same session in two tabs of one server: only this tab's own saves are adopted
    before a callback; the other tab's still go through the three-way merge."""
    at = started()
    session_id = open_session_id(at)
    session, revision = store().load_versioned(session_id)
    other_tab = body(session, revision, design=TWO, tab="another-tab")
    assert board_answer(store(), other_tab)[0] == 200
    canvas_send(at, THREE, seq=1)
    assert conflict_shown(at)  # both boards changed the design: the other one is kept as a copy


def test_pausing_after_direct_saves_books_the_time_once():
    at = started()
    session = at.session_state["session"]
    session.running_since -= 60  # a minute into the interview
    session.last_activity_at = session.running_since
    revision = store().save_session(session)
    at.session_state["session_revision"] = revision
    saved_directly(at, base=revision)  # the board drew for that minute
    at.button(key="w_clock_pause").click().run()
    assert not at.exception
    stored = store().load_session(open_session_id(at))
    assert 59 <= sum(stored.spent_s.values()) <= 62, stored.spent_s
    assert stored.running_since is None and sum(stored.drawn_s.values()) >= 59


def test_a_stale_direct_chain_is_not_adopted():
    """Someone else saved between two of the board's saves: the chain is broken, so the
    page does not adopt the board's last save as if nothing happened in between."""
    at = started()
    session_id = open_session_id(at)
    first = saved_directly(at, TWO)
    other = store().load_session(session_id)
    other.notes["data"] = "from the other tab"
    between = store().save_session(other, expected=first["revision"])
    saved_directly(at, THREE, seq=2, base=between)
    tab = at.session_state["browser_tab"]
    start = at.session_state["session_revision"]
    from ui.board_route import own_saves_since

    assert own_saves_since(session_id, tab, start) is None
    assert own_saves_since(session_id, tab, between)[0] == between + 1


def test_a_failed_read_does_not_turn_the_boards_own_saves_into_another_tabs():
    """A page run could not read the store (a locked database) and says "not saved",
    though nothing is waiting in memory; the board's next change through the page still
    lands on top of its own direct saves, with no conflict."""
    at = started()
    first = saved_directly(at, TWO)
    at.session_state["session_unsaved"] = "database is locked (data/whiteboard.sqlite3)"
    canvas_send(at, THREE, seq=2, base=first["revision"])
    assert not at.exception and not conflict_shown(at)
    stored = store().load_session(open_session_id(at))
    assert [c.id for c in stored.design.components] == ["client", "ranker", "fs"]
    assert "session_unsaved" not in at.session_state


def test_resume_opens_what_is_stored_now_not_the_listed_copy():
    """The library listed a session; another tab (or its board) saved since; Resume must
    not write the listed copy back over it."""
    at = started()
    session_id = open_session_id(at)
    at.switch_page("ui/library.py").run()
    stored, revision = store().load_versioned(session_id)
    assert board_answer(store(), body(stored, revision, design=THREE))[0] == 200
    at.button(key=f"lib_resume_{session_id}").click().run()
    assert not at.exception
    assert [c.id for c in store().load_session(session_id).design.components] == [
        "client",
        "ranker",
        "fs",
    ]
    assert len(at.session_state["session"].design.components) == 3
