"""A session's history (issue 23): kept beside the session in both stores, small, carried in
the session file, and replayed to exactly what the board and the notes held at any moment."""

from __future__ import annotations

from bench.rubric import simulated_session as simulate
from components.design import Design
from components.quick import parse_quick
from design_framework.history import Replay, verdict_timeline
from design_framework.rubric import check_design
from design_framework.session import Session
from scenarios.loader import get_scenario
from storage import open_store

T0 = 1_700_000_000.0
PLAYLIST = "realtime-playlist-recs"


def test_a_replay_shows_exactly_what_was_on_the_board_and_in_the_notes_at_each_moment(store):
    session, seen = simulate(store)
    events = store.history(session.id)
    assert len(events) >= 120 and sum(e.state is not None for e in events) >= 3  # keyframes
    replay = Replay(events)
    for elapsed, (design, notes) in seen.items():
        moment = replay.moment(elapsed)
        assert Design.model_validate(moment.design) == Design.model_validate(design), elapsed
        assert moment.notes == {k: v for k, v in notes.items() if v}, elapsed


def test_a_sixty_minute_session_with_500_board_changes_keeps_under_a_megabyte(store):
    session, _ = simulate(store, changes=800, seed=3)
    count, size = store.history_size(session.id)
    board_changes = sum(e.kind == "design" for e in store.history(session.id))
    assert board_changes >= 500 and count >= board_changes and size < 1_000_000


def test_a_session_file_carries_its_history_and_replays_on_another_install(store, tmp_path):
    session, seen = simulate(store, changes=60)
    exported = session.model_copy(update={"history": store.history(session.id)}).to_yaml()
    elsewhere = open_store(tmp_path / "elsewhere")
    opened = Session.from_string(exported, "s.session.yaml")
    elsewhere.save_session(opened)
    replay = Replay(elsewhere.history(opened.id))
    last = max(seen)
    assert Design.model_validate(replay.moment(last).design) == Design.model_validate(seen[last][0])
    # the history lives beside the session: the stored session itself does not carry it
    assert elsewhere.load_session(opened.id).history == []


def test_the_verdict_timeline_says_when_the_design_first_passed_and_how_long_a_rule_failed():
    scenario = get_scenario(PLAYLIST)
    session = Session(scenario_id=PLAYLIST, length_minutes=45)
    session.start(T0)
    slow = parse_quick(
        "client: client_app\nindex: ann_index\nretrieval: candidate_generation out_k=500\n"
        "ranker: ranker latency_ms=250\nclient -> retrieval -> ranker\nindex -> retrieval"
    )
    session.record_design(slow, T0 + 60)
    fast = slow.model_copy(deep=True)
    fast.component("ranker").params.latency_ms = 20
    session.record_design(fast, T0 + 60 + 360)  # six minutes later
    replay = Replay(session.take_pending())

    def check(design, _elapsed):
        report = check_design(Design.model_validate(design), scenario)
        return {f.rule: str(f.status) for f in report.findings if str(f.status) != "skip"}

    timeline = verdict_timeline(replay, check, end_s=600)
    assert timeline.failing_s["latency.budget"] == 360
    assert timeline.first_pass_s["latency.budget"] == 420
    spans = [(s.start_s, s.end_s, s.status) for s in timeline.spans if s.rule == "latency.budget"]
    assert spans == [(60, 420, "fail"), (420, 600, "pass")]
    assert "latency.budget failed for 6:00 in all, passing from 7:00." in timeline.headlines()


def test_the_report_of_a_session_file_draws_its_verdicts_over_time(store, tmp_path, capsys):
    from scenarios.cli import main as design_main

    session = Session(scenario_id=PLAYLIST, length_minutes=45)
    store.save_session(session)
    session.start(T0)
    slow = parse_quick(
        "client: client_app\nindex: ann_index\nretrieval: candidate_generation out_k=500\n"
        "ranker: ranker latency_ms=250\nclient -> retrieval -> ranker\nindex -> retrieval"
    )
    session.record_design(slow, T0 + 60)
    store.save_session(session)
    fast = slow.model_copy(deep=True)
    fast.component("ranker").params.latency_ms = 20
    session.record_design(fast, T0 + 420)
    session.finish(T0 + 600)
    store.save_session(session)
    path = tmp_path / "s.session.yaml"
    path.write_text(session.model_copy(update={"history": store.history(session.id)}).to_yaml())
    assert design_main(["report", str(path), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "## Verdicts over time" in markdown
    assert "latency.budget failed for 6:00 in all, passing from 7:00." in markdown
    assert "| `latency.budget` | 7:00 | 6:00 | pass |" in markdown
