"""Mock interviews through AppTest: links grant roles, what the interviewer sends lands on
the candidate's screen and in the report, the feedback appears when the interview ends,
and a second round swaps the roles."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from design_framework.rubric import check_design
from scenarios.loader import shipped_scenarios
from storage import open_store
from tests.notes_box import component_data, notes_data, text_view, type_notes
from ui.room_route import BOOT_ID, WATCH_PATH, room_watch

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SCENARIO = "realtime-playlist-recs"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("WHITEBOARD_DATABASE_URL", raising=False)
    monkeypatch.chdir(Path(APP).parent)


def store():
    return open_store(os.environ["WHITEBOARD_DATA_DIR"])


def page(path: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(path)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [
        m.value
        for kind in ("markdown", "info", "success", "caption", "error", "warning")
        for m in getattr(at, kind)
    ]
    parts += [t.value for t in at.text]
    parts += live_texts(at)
    return "\n".join(parts)


def live_texts(at: AppTest) -> list[str]:
    """What the page's live texts (whiteboard_canvas.livetext) were sent to show: the
    candidate's notes on the interviewer's guide, the interviewer's latest message."""
    shown = []
    for element in at.get("bidi_component"):
        if element.proto.component_name == "whiteboard_canvas.livetext":
            data = json.loads(element.proto.json or element.proto.mixed.json)
            shown.append(data["text"] or data.get("empty", ""))
    return shown


def host(scenario: str = SCENARIO):
    """The interviewer opens a room; returns their app and the room."""
    interviewer = page("ui/mock.py")
    interviewer.selectbox(key="w_host_scenario").set_value(scenario)
    interviewer.button(key="w_mock_host").click().run()
    assert not interviewer.exception, interviewer.exception
    code = interviewer.query_params["room"]
    return interviewer, store().room(code)


def join(room) -> AppTest:
    candidate = page("ui/mock.py", room=room.code, key=room.candidate_key)
    assert notes_data(candidate, "requirements")["text"] == ""  # on the whiteboard
    candidate.switch_page("ui/practice.py")  # AppTest reruns the page it was told, not where
    return candidate  # the app switched to


def test_a_room_opened_untimed_shares_a_session_without_a_clock_length():
    interviewer = page("ui/mock.py")
    assert interviewer.button_group(key="w_host_length").value == 45
    interviewer.button_group(key="w_host_length").set_value(0)  # the row's Untimed
    interviewer.button(key="w_mock_host").click().run()
    assert not interviewer.exception, interviewer.exception
    room = store().room(interviewer.query_params["room"])
    assert store().load_session(room.session_id).length_minutes is None


def test_the_host_is_the_interviewer_and_the_candidate_link_opens_the_whiteboard():
    interviewer, room = host()
    assert "Interviewer's guide (hidden from the candidate)" in texts(interviewer)
    assert interviewer.query_params["key"] == room.interviewer_key
    link = next(m.value for m in interviewer.markdown if "The candidate's link" in m.value)
    assert f"room={room.code}&key={room.candidate_key}" in link
    assert room.interviewer_key not in link
    candidate = join(room)
    assert candidate.session_state["session"].id == room.session_id
    assert "Interviewer's guide" not in texts(candidate)


@pytest.mark.parametrize(
    "params",
    [
        {"room": "{code}"},
        {"room": "{code}", "role": "interviewer"},
        {"room": "{code}", "key": "guessed-key"},
        {"room": "{code}", "key": "{candidate_key}", "role": "interviewer"},
    ],
    ids=["code-alone", "role-in-url", "wrong-key", "candidate-key-plus-role"],
)
def test_no_link_but_the_interviewers_shows_the_guide(params):
    _, room = host()
    filled = {
        k: v.format(code=room.code, candidate_key=room.candidate_key) for k, v in params.items()
    }
    for path in ("ui/mock.py", "ui/report.py"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update(filled)
        at.switch_page(path)
        at.query_params.update(filled)
        at.run()
        shown = texts(at)
        assert "Interviewer's guide" not in shown and "Scoring form" not in shown
        assert not [f for f in at.get("form")]


def test_an_unknown_room_and_a_wrong_key_get_the_same_answer():
    at = page("ui/mock.py", room="ZZZZZZ", key="anything")
    unknown = [e.value for e in at.error]
    assert any("This link does not open room ZZZZZZ" in e for e in unknown)
    _, room = host()
    at = page("ui/mock.py", room=room.code, key="not-the-key")
    wrong = [e.value.replace(room.code, "ZZZZZZ") for e in at.error]
    assert wrong == unknown


def test_what_the_interviewer_sends_reaches_the_candidate_and_the_report():
    interviewer, room = host()
    candidate = join(room)
    type_notes(candidate, "requirements", "Peak 40k QPS, p99 200 ms")

    interviewer.run()
    assert "Peak 40k QPS, p99 200 ms" in texts(interviewer)  # the candidate's notes, live
    interviewer.button(key="w_iv_start").click().run()
    interviewer.text_input(key="w_iv_question_text").set_value("How fresh must features be?")
    interviewer.button(key="w_iv_send_question").click().run()
    interviewer.button(key="w_iv_send_hint").click().run()
    interviewer.button(key="w_iv_advance").click().run()
    assert not interviewer.exception, interviewer.exception

    candidate.run()
    session = candidate.session_state["session"]
    assert session.running and session.current_step == "framing"
    assert sum(len(v) for v in session.hints_used.values()) == 1  # recorded as used
    hint = session.timeline[2].text
    assert [e.kind for e in session.timeline] == ["clock_start", "question", "hint", "advance"]
    assert any(hint in text for text in live_texts(candidate))  # the latest message stays in view
    assert "How fresh must features be?" in texts(candidate)  # earlier ones below it
    assert [t.value for t in candidate.toast] == ["How fresh must features be?", hint]


def test_feedback_appears_on_the_report_page_when_the_interview_ends():
    interviewer, room = host()
    candidate = join(room)
    interviewer.select_slider(key="w_fb_problem_score").set_value(3)
    interviewer.text_input(key="w_fb_problem_comment").set_value("Sized QPS and latency")
    interviewer.radio(key="w_fb_verdict").set_value("hire")
    interviewer.text_area(key="w_fb_summary").set_value("Clear on numbers; probe monitoring.")
    interviewer.button(key="FormSubmitter:w_feedback_form-Save feedback").click().run()

    candidate.switch_page("ui/report.py").run()
    before = texts(candidate)
    assert "appear here when they end the interview" in before
    assert "Clear on numbers" not in before  # no ratings before the end

    interviewer.button(key="w_iv_end").click().run()
    assert not interviewer.exception, interviewer.exception
    interviewer.switch_page("ui/report.py").run()  # where the app sends the interviewer
    assert "Interviewer feedback" in [s.value for s in interviewer.subheader]
    candidate.run()
    assert not candidate.exception, candidate.exception
    shown = texts(candidate)
    assert "Recommendation: **hire**" in shown and "Clear on numbers; probe monitoring." in shown
    assert candidate.session_state["session"].finished_at is not None
    assert "Interview timeline" in [s.value for s in candidate.subheader]
    assert [a.session_id for a in store().attempts()] == [room.session_id]


def test_an_expired_room_takes_nothing_more(monkeypatch):
    monkeypatch.setenv("WHITEBOARD_ROOM_HOURS", "0")  # rooms close as soon as they open
    _, room = host()
    at = page("ui/mock.py", room=room.code, key=room.interviewer_key)
    assert any("expired" in e.value for e in at.error)
    assert "Scoring form" not in texts(at)


def test_an_expired_room_hands_the_clock_back_to_the_candidate(monkeypatch):
    monkeypatch.setenv("WHITEBOARD_ROOM_HOURS", "0")
    _, room = host()
    candidate = page("ui/mock.py", room=room.code, key=room.candidate_key)
    candidate.switch_page("ui/practice.py").run()
    assert not candidate.exception, candidate.exception
    assert "w_clock_start" in [b.key for b in candidate.button]  # no interviewer runs it now


def test_roles_swap_for_a_second_round_in_one_click():
    interviewer, room = host()
    candidate = join(room)
    interviewer.button(key="w_iv_end").click().run()
    candidate.switch_page("ui/report.py").run()
    candidate.selectbox(key="w_next_scenario").set_value("skip-prediction")
    candidate.button(key="w_next_round").click().run()
    assert not candidate.exception, candidate.exception
    second = store().room(store().room(room.code).next_code)
    assert candidate.query_params["key"] == second.interviewer_key  # the candidate interviews
    assert "Interviewer's guide (hidden from the candidate)" in texts(candidate)
    assert store().load_session(second.session_id).scenario_id == "skip-prediction"

    interviewer.switch_page("ui/report.py").run()  # the first round's report
    interviewer.button(key="w_next_join").click().run()
    assert not interviewer.exception, interviewer.exception
    assert interviewer.session_state["session"].id == second.session_id
    assert "Interviewer's guide" not in texts(interviewer)


def test_a_swap_whose_run_was_cut_short_still_takes_the_clicker_to_round_two():
    """The click's callback opened round 2, then another request (the room's watcher) cut
    its run short before the page switched: the next run of the report page switches."""
    from ui.live import NEXT_ROUND_DUE

    interviewer, room = host()
    candidate = join(room)
    interviewer.button(key="w_iv_end").click().run()
    candidate.switch_page("ui/report.py").run()
    fresh_room = store().create_room(store().load_session(room.session_id).id)
    store().link_next_room(room.code, fresh_room.code)
    candidate.session_state[NEXT_ROUND_DUE] = (room.code, "candidate", time.time())
    candidate.run()
    assert not candidate.exception, candidate.exception
    assert candidate.query_params["key"] == fresh_room.interviewer_key  # interviewing now
    assert NEXT_ROUND_DUE not in candidate.session_state


def test_the_report_keeps_the_feedback_once_the_room_is_purged():
    interviewer, room = host()
    join(room)
    interviewer.text_area(key="w_fb_summary").set_value("Strong on serving; probe drift.")
    interviewer.button(key="FormSubmitter:w_feedback_form-Save feedback").click().run()
    interviewer.button(key="w_iv_end").click().run()
    # the candidate closed the tab before the end arrived; a week after expiry the room goes
    assert store().purge_expired_rooms(now=room.expires_at + 8 * 86_400) == 1
    assert store().room(room.code) is None

    report = page("ui/report.py", s=room.session_id)  # their report, opened later
    shown = texts(report)
    assert "Interviewer feedback" in [s.value for s in report.subheader]
    assert "Strong on serving; probe drift." in shown
    assert "Interview timeline" in [s.value for s in report.subheader]
    timeline = [t for d in report.dataframe if "what" in d.value for t in d.value["what"]]
    assert "The interviewer ended the interview." in timeline


@pytest.mark.parametrize("kind", ["node", "finding"])
def test_a_pointer_selects_what_it_points_at_on_the_candidates_board(kind):
    interviewer, room = host()
    candidate = join(room)
    text_view(candidate)
    candidate.text_area(key="w_quick_text").set_value(
        "client: client_app\nrank: ranker\nclient -> rank"
    )
    candidate.button(key="w_quick_apply").click().run()
    assert not candidate.exception, candidate.exception

    design = candidate.session_state["session"].design
    findings = check_design(design, shipped_scenarios()[SCENARIO]).findings
    at_fault = next(f for f in findings if f.status == "fail" and f.nodes)  # e.g. the budget
    interviewer.run()
    pick = "node: rank" if kind == "node" else f"finding: {at_fault.rule}"
    assert pick in interviewer.selectbox(key="w_iv_point_pick").options
    interviewer.selectbox(key="w_iv_point_pick").set_value(tuple(pick.split(": ", 1))).run()
    interviewer.text_input(key="w_iv_point_text").set_value("what does this cost?")
    interviewer.button(key="w_iv_send_point").click().run()
    assert not interviewer.exception, interviewer.exception

    candidate.run()
    assert not candidate.exception, candidate.exception
    expected = ["rank"] if kind == "node" else at_fault.nodes
    assert candidate.session_state["w_canvas_select"]["ids"] == list(expected)
    assert any(f"Look at the {kind}" in text for text in live_texts(candidate))  # it stays


def test_the_fragment_store_a_room_switch_clears_is_still_there():
    """ui.live.switch_page forgets the page's fragments through Streamlit internals (there
    is no public call); if an upgrade moves them, the call would silently do nothing and the
    blank page after a room switch would be back. Fail loudly instead."""
    import dataclasses

    from streamlit.runtime.fragment import MemoryFragmentStorage
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    assert "fragment_storage" in {f.name for f in dataclasses.fields(ScriptRunContext)}
    storage = MemoryFragmentStorage()
    storage.register("f1", lambda: None)
    assert storage.contains("f1")
    storage.clear()
    assert not storage.contains("f1")


def watcher_data(at: AppTest, key: str) -> dict:
    """What a page's room watcher (whiteboard_canvas.watch) was sent."""
    return component_data(at, "whiteboard_canvas.watch", f"w_watch_{key}")


def test_each_side_watches_its_room_with_its_own_key_and_the_number_it_drew():
    interviewer, room = host()
    candidate = join(room)
    mine = watcher_data(candidate, "candidate")
    assert (mine["room"], mine["key"]) == (room.code, room.candidate_key)
    assert mine["seen"] == store().room_version(room.code)
    interviewer.run()  # the candidate's joining moved the number the page was drawn with
    theirs = watcher_data(interviewer, "interviewer")
    assert (theirs["room"], theirs["key"]) == (room.code, room.interviewer_key)
    assert theirs["seen"] == store().room_watch(room.code)
    assert mine["path"] == theirs["path"] == WATCH_PATH and mine["boot"] == BOOT_ID

    interviewer.text_input(key="w_iv_question_text").set_value("Where is the slowest hop?")
    interviewer.button(key="w_iv_send_question").click().run()
    candidate.run()  # what the page does once its watcher saw the number move
    assert watcher_data(candidate, "candidate")["seen"] == store().room_version(room.code)
    assert "Where is the slowest hop?" in texts(candidate)


def test_the_room_watch_route_answers_only_a_key_of_the_room():
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    _, room = host()
    client = TestClient(Starlette(routes=[Route(WATCH_PATH, room_watch)]))
    ask = lambda **params: client.get(WATCH_PATH, params=params)  # noqa: E731
    candidate = ask(room=room.code, key=room.candidate_key)
    assert candidate.status_code == 200 and candidate.headers["cache-control"] == "no-store"
    assert candidate.json() == {"v": store().room_version(room.code), "boot": BOOT_ID}
    interviewer = ask(room=room.code.lower(), key=room.interviewer_key)
    assert interviewer.json()["v"] == store().room_watch(room.code)
    for refused in (
        {"room": room.code, "key": "guessed"},
        {"room": room.code},
        {"room": "ZZZZZZ", "key": room.candidate_key},
        {},
    ):
        answer = ask(**refused)
        assert answer.status_code == 403 and "v" not in answer.json()


def test_a_long_poll_answers_as_soon_as_the_room_moves(monkeypatch):
    """Issue 23: a screen waits on the route for the next change instead of asking every
    0.4 s; the answer comes when the number moves, or, with no change, at the wait's end."""
    import threading

    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from design_framework.room import RoomEvent
    from ui import room_route

    monkeypatch.setattr(room_route, "WAIT_S", 0.3)
    _, room = host()
    client = TestClient(Starlette(routes=[Route(WATCH_PATH, room_watch)]))
    seen = store().room_version(room.code)
    quiet = client.get(
        WATCH_PATH, params={"room": room.code, "key": room.candidate_key, "seen": seen, "wait": 1}
    )
    assert quiet.json()["v"] == seen  # nothing moved: the same number, after the wait
    monkeypatch.setattr(room_route, "WAIT_S", 30.0)
    pushed = threading.Timer(
        0.2, lambda: store().push(room.code, RoomEvent(kind="question", text="Why?"))
    )
    pushed.start()
    moved = client.get(
        WATCH_PATH, params={"room": room.code, "key": room.candidate_key, "seen": seen, "wait": 1}
    )
    pushed.join()
    assert moved.json()["v"] == seen + 1  # answered with the push, long before 30 s


def test_the_live_answer_brings_each_screen_what_it_shows_of_the_other_side(monkeypatch):
    """Issue 23 item 5: with ``live=1`` the watch route's answer carries what the screen
    draws at once: for the interviewer, the candidate's board (placed, with its marks),
    notes and clock; for the candidate, the interviewer's latest message. A long poll that
    timed out with nothing new carries nothing."""
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from components.design import Design
    from design_framework.room import RoomEvent
    from ui import room_route

    _, room = host()
    join(room)
    saved = store()
    session = saved.load_session(room.session_id)
    session.notes["requirements"] = "Peak 40k QPS, p99 under 200 ms."
    drawn = (
        "version: 1\ncomponents:\n  - {id: app, type: client_app, pos: {x: 0, y: 0}}\n"
        "  - {id: rank, type: ranker, pos: {x: 300, y: 0}}\n"
    )
    session.record_design(Design.from_string(drawn + "edges:\n  - {source: app, target: rank}\n"))
    saved.save_session(session)
    client = TestClient(Starlette(routes=[Route(WATCH_PATH, room_watch)]))
    iv = {"room": room.code, "key": room.interviewer_key, "live": 1}
    answer = client.get(WATCH_PATH, params=iv).json()
    assert answer["v"] == saved.room_watch(room.code)
    shown = answer["live"]
    assert shown["notes"]["requirements"] == "Peak 40k QPS, p99 under 200 ms."
    ids = {c["id"] for c in shown["board"]["design"]["components"]}
    assert ids == {"app", "rank"} and shown["board"]["design"]["edges"]
    assert [c["pos"] for c in shown["board"]["design"]["components"]] == [
        {"x": 0, "y": 0},
        {"x": 300, "y": 0},
    ]
    assert shown["step"]["id"] == session.current_step and shown["clock"]["stepTitle"]

    saved.push(room.code, RoomEvent(kind="question", text="Where is the slowest hop?"))
    mine = client.get(WATCH_PATH, params={"room": room.code, "key": room.candidate_key, "live": 1})
    message = mine.json()["live"]["message"]
    assert message["kind"] == "question" and "Where is the slowest hop?" in message["text"]
    assert mine.json()["live"]["pushed"] == 1
    assert set(mine.json()["live"]) == {"pushed", "message"}  # not the guide, notes or board

    monkeypatch.setattr(room_route, "WAIT_S", 0.2)
    seen = saved.room_version(room.code)
    quiet = client.get(
        WATCH_PATH,
        params={"room": room.code, "key": room.candidate_key, "live": 1, "seen": seen, "wait": 1},
    ).json()
    assert quiet["v"] == seen and "live" not in quiet


def test_the_live_answer_does_no_work_the_page_should_do(monkeypatch):
    """Limits before work: the route never lays a design out (a box without a position
    leaves the board to the page's run), draws nothing over the drawing cap, answers no
    live part for a session stored over the large size, and a live part that fails leaves
    the number answering."""
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from components.design import Design
    from ui import board_route, room_live

    _, room = host()
    join(room)
    saved = store()
    session = saved.load_session(room.session_id)
    session.notes["requirements"] = "Peak 40k QPS."
    unplaced = "version: 1\ncomponents:\n  - {id: app, type: client_app}\n"
    session.record_design(Design.from_string(unplaced))
    saved.save_session(session)
    client = TestClient(Starlette(routes=[Route(WATCH_PATH, room_watch)]))
    iv = {"room": room.code, "key": room.interviewer_key, "live": 1}
    shown = client.get(WATCH_PATH, params=iv).json()["live"]
    assert "board" not in shown and shown["notes"]["requirements"] == "Peak 40k QPS."

    big = "version: 1\ncomponents:\n" + "".join(
        f"  - {{id: b{n}, type: filter, pos: {{x: {n}, y: 0}}}}\n" for n in range(320)
    )
    session.record_design(Design.from_string(big))
    saved.save_session(session)
    shown = client.get(WATCH_PATH, params=iv).json()["live"]
    assert "board" not in shown and shown["components"] == 320  # over the drawing cap

    monkeypatch.setattr(room_live, "LARGE_BYTES", 100)  # every session is large now
    monkeypatch.setattr(board_route, "LARGE_BYTES", 100)
    session.notes["requirements"] = "Peak 50k QPS."
    saved.save_session(session)
    answer = client.get(WATCH_PATH, params=iv).json()
    assert answer["v"] == saved.room_watch(room.code) and "live" not in answer

    monkeypatch.setattr(room_live, "LARGE_BYTES", 10**9)
    monkeypatch.setattr(room_live, "_make", lambda *a: 1 / 0)
    session.notes["requirements"] = "Peak 60k QPS."
    saved.save_session(session)
    answer = client.get(WATCH_PATH, params=iv)
    assert answer.status_code == 200 and "live" not in answer.json()
    odd = client.get(WATCH_PATH, params={**iv, "seen": "²", "wait": 1})
    assert odd.status_code == 200  # not a number to wait on: answered at once


def test_a_cut_short_run_that_applied_the_end_still_takes_the_candidate_to_the_report():
    interviewer, room = host()
    candidate = join(room)
    candidate.switch_page("ui/practice.py").run()
    interviewer.button(key="w_iv_end").click().run()
    # the run that applies the end is cut short before it switches (another request came)
    candidate.session_state["live_report_due"] = True
    session = store().load_session(room.session_id)
    assert session.finished_at is None
    candidate.run()
    assert not candidate.exception, candidate.exception
    assert [m.label for m in candidate.metric][:1] == ["Overall score"]  # the report
    assert "live_report_due" not in candidate.session_state
    candidate.switch_page("ui/practice.py").run()  # back on the whiteboard: it stays there
    assert not [m for m in candidate.metric if m.label == "Overall score"]


def _candidate_sees_verdicts(candidate) -> bool:
    return any("findings" in e.proto.component_name for e in candidate.get("bidi_component"))


@pytest.mark.parametrize(("choice", "verdicts"), [(None, False), ("Coached", True)])
def test_the_interviewer_decides_what_the_candidate_sees(choice, verdicts):
    # issue 24: rehearsal by default, as in a real interview; the interviewer sees all
    interviewer = page("ui/mock.py")
    interviewer.selectbox(key="w_host_scenario").set_value(SCENARIO)
    if choice:
        interviewer.button_group(key="w_host_practice_as").set_value(choice)
    interviewer.button(key="w_mock_host").click().run()
    room = store().room(interviewer.query_params["room"])
    assert store().load_session(room.session_id).rehearsal is (not verdicts)
    candidate = join(room)
    candidate.run()
    assert not candidate.exception
    assert _candidate_sees_verdicts(candidate) is verdicts
    interviewer.run()
    assert "Rubric score" in texts(interviewer)  # the interviewer sees every verdict


def test_an_interviewer_s_curveball_changes_what_the_candidate_s_design_is_checked_against():
    """Issue 22: the interviewer sets new numbers mid-interview; the candidate hears them,
    and from that moment the rubric checks the same design against them, on both sides."""
    interviewer, room = host()
    candidate = join(room)
    # the candidate has drawn the reference (as their board's route would store it)
    stored, revision = store().load_versioned(room.session_id)
    stored.design = shipped_scenarios()[SCENARIO].reference_design
    store().save_session(stored, expected=revision)
    candidate.run()
    interviewer.run()
    interviewer.number_input(key="w_iv_curve_latency_budget_ms").set_value(60)
    interviewer.text_input(key="w_iv_curve_text").set_value("Now it must fit in 60 ms.")
    interviewer.button(key="w_iv_send_curveball").click().run()
    assert not interviewer.exception, interviewer.exception
    assert "Curveballs thrown (1)" in [e.label for e in interviewer.expander]
    assert "still failing: latency.budget" in texts(interviewer)
    candidate.run()
    assert not candidate.exception, candidate.exception
    (thrown,) = candidate.session_state["session"].curveballs
    assert (thrown.id, thrown.source, thrown.broke) == (
        "custom-1",
        "interviewer",
        ["latency.budget"],
    )
    shown = next(w.value for w in candidate.warning if "Curveball at" in w.value)
    assert "Now it must fit in 60 ms." in shown and "latency budget 200 ms → 60 ms" in shown
    assert [t.value for t in candidate.toast][-1].startswith("Now it must fit in 60 ms.")
    candidate.switch_page("ui/report.py").run()
    assert not candidate.exception, candidate.exception
    assert "Curveballs" in [h.value for h in candidate.subheader]
    assert "it broke latency.budget, still failing" in texts(candidate)
