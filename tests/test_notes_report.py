"""Notes in the score and on the command line: statuses that cost points, points a scenario
does not need, follow-ups, the notes cap and ``python -m scenarios report``."""

import json
from pathlib import Path

import pytest

from components.loading import InputError
from design_framework.coverage import MAX_ASSESSED_CHARS, notes_coverage, step_coverage
from design_framework.interview import follow_ups
from design_framework.questions import questions_for_step
from design_framework.report import (
    NOTES_COVERAGE_POINTS,
    NOTES_POINTS,
    NOTES_REASONING_POINTS,
    build_report,
    notes_losses,
    notes_score,
)
from design_framework.session import MAX_NOTES_CHARS, Session
from design_framework.steps import load_framework
from scenarios.cli import main
from scenarios.loader import get_scenario, scenario_from_string

STRONG = {
    "requirements": "About 300M daily users and 15k refreshes a second at peak; the shelf "
    "must answer within 200 ms at p99 because listeners scroll straight to it.",
    "monitoring": "We won't monitor data drift. - alerts, dashboards, retraining",
    "serving": "Budget: gateway 10 ms, retrieval 30 ms, ranker 60 ms. We precompute track "
    "embeddings nightly instead of per request, because they change slowly.",
}


def test_the_notes_points_are_coverage_plus_reasoning():
    assert NOTES_COVERAGE_POINTS + NOTES_REASONING_POINTS == NOTES_POINTS
    assert NOTES_REASONING_POINTS > 0 and NOTES_COVERAGE_POINTS < 50  # the design weighs more


def test_every_point_lost_says_which_status_cost_it():
    scenario = get_scenario("realtime-playlist-recs")
    losses = notes_losses(notes_coverage(STRONG, scenario))
    by = {(loss.step, loss.status): loss for loss in losses}
    negated = by["monitoring", "negated"]
    assert "dismissed (negated)" in negated.reason and "won't" in negated.reason
    assert "Watches input drift" in negated.reason
    listed = by["monitoring", "listed"]
    assert "named but not explained (listed)" in listed.reason and "Alerts on" in listed.reason
    assert "not in the notes" in by["monitoring", "missing"].reason
    assert by["monitoring", "reasoning"].reason.startswith("Monitoring: no trade-off")
    assert ("serving", "reasoning") not in by  # a trade-off earns the whole reasoning part
    assert {loss.status for loss in losses} <= {"missing", "listed", "negated", "reasoning"}
    total = sum(loss.points for loss in losses)
    assert notes_score(notes_coverage(STRONG, scenario)) == pytest.approx(NOTES_POINTS - total)


def test_a_dismissed_point_earns_no_more_than_a_missing_one():
    scenario = get_scenario("realtime-playlist-recs")
    dismissed = notes_score(
        notes_coverage({"monitoring": "We won't monitor data drift."}, scenario)
    )
    silent = notes_score(notes_coverage({}, scenario))
    stated = notes_score(
        notes_coverage(
            {"monitoring": "We compare feature distributions with the training week daily."},
            scenario,
        )
    )
    assert dismissed == pytest.approx(silent)
    assert dismissed < stated


def test_points_a_scenario_does_not_need_are_neither_missed_nor_scored():
    scenario = get_scenario("skip-prediction")
    model = step_coverage("We start with a GBDT on session features.", "model", scenario)
    ids = {p.id for p in model.checklist}
    assert not {"retrieval_model", "ann_index", "reranking"} & ids
    assert {p.id for p in model.not_relevant} >= {"retrieval_model", "ann_index", "reranking"}
    assert all(p.reason for p in model.not_relevant)
    losses = " ".join(loss.reason for loss in notes_losses(notes_coverage({}, scenario)))
    for point in model.not_relevant:
        assert point.text not in losses
    # the same notes in a retrieval scenario do miss them
    playlist = step_coverage("We start with a GBDT on session features.", "model")
    assert {"retrieval_model", "ann_index"} <= {p.id for p in playlist.missing}


def test_a_scenario_marking_an_unknown_point_not_relevant_is_refused_with_its_line():
    text = (
        get_scenario("skip-prediction")
        .model_dump_json()
        .replace('"not_relevant":{"funnel"', '"not_relevant":{"funnels"')
    )
    with pytest.raises(InputError, match=r"steps.framing.not_relevant.funnels: not a checklist"):
        scenario_from_string(text, "bad.yaml")


def test_follow_ups_ask_first_about_what_was_negated_or_listed():
    notes = "We won't monitor data drift."
    coverage = step_coverage(notes, "monitoring")
    drift_questions = [q.text for q in questions_for_step("monitoring") if "data_drift" in q.points]
    assert drift_questions
    assert follow_ups("monitoring", coverage)[0] in drift_questions
    listed = step_coverage("- alerts", "monitoring")
    alert_questions = [q.text for q in questions_for_step("monitoring") if "alerting" in q.points]
    assert follow_ups("monitoring", listed)[0] in alert_questions


def test_notes_over_the_cap_are_refused_in_a_file_and_cut_when_assessed():
    with pytest.raises(ValueError, match=f"the limit is {MAX_NOTES_CHARS:,} per step"):
        Session(notes={"data": "x" * (MAX_NOTES_CHARS + 1)})
    long = "Peak is 40k QPS. " + "vs. " * MAX_ASSESSED_CHARS
    result = step_coverage(long, "requirements")
    assert result.truncated and "scale" in {p.id for p in result.checklist if p.covered}


# ---- the command line -----------------------------------------------------------------------


@pytest.fixture
def session_file(tmp_path):
    scenario = get_scenario("realtime-playlist-recs")
    session = Session(
        scenario_id=scenario.id,
        notes=STRONG,
        design=scenario.reference_design,
        length_minutes=None,
    )
    path = tmp_path / "session.yaml"
    path.write_text(session.to_yaml())
    return path, session, scenario


def test_report_json_has_the_contract_shape_and_matches_the_app(session_file, capsys):
    path, session, scenario = session_file
    assert main(["report", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"scenario", "score", "parts", "steps", "rubric"} <= set(data)
    assert data["scenario"] == "realtime-playlist-recs"
    assert data["score"] == build_report(session, scenario).score
    assert set(data["parts"]) >= {"design", "notes", "time", "hints"}
    assert data["parts"]["time"] is None  # untimed
    assert [s["step"] for s in data["steps"]] == load_framework().ids
    monitoring = next(s for s in data["steps"] if s["step"] == "monitoring")
    drift = next(p for p in monitoring["points"] if p["id"] == "data_drift")
    assert drift["status"] == "negated" and drift["negation"] == ["won't"]
    assert {"id", "status", "evidence"} <= set(drift)
    serving = next(s for s in data["steps"] if s["step"] == "serving")
    budget = next(p for p in serving["points"] if p["id"] == "latency_budget")
    assert budget["status"] == "covered" and budget["evidence"] == ["10 ms", "30 ms", "60 ms"]
    assert serving["tradeoffs"]
    assert data["rubric"]["scenario"] == "realtime-playlist-recs" and data["rubric"]["findings"]


def test_report_text_and_markdown_show_the_statuses(session_file, capsys):
    path, _, _ = session_file
    assert main(["report", str(path)]) == 0
    text = capsys.readouterr().out
    assert "score" in text and "[-] Watches input drift" in text and "won't" in text
    assert "[~] Alerts on thresholds" in text
    assert main(["report", str(path), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# ") and "## Notes coverage" in markdown
    assert "[-] Watches input drift" in markdown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kind: session\nversion: 1\nnotes: {data: [1]}\n", ":3: notes.data:"),
        ("kind: session\nversion: 1\nscenario_id: nope\n", ":3: scenario_id: unknown scenario"),
        ("version: 1\ncomponents: []\n", ":1: kind: not a session file"),
        ("kind: session\nversion: 1\nnotes: {data: 'a\n", "session.yaml"),
    ],
    ids=["bad-notes", "unknown-scenario", "a-design-file", "broken-yaml"],
)
def test_report_exits_2_with_file_and_line_on_a_bad_file(tmp_path, capsys, text, expected):
    path = tmp_path / "session.yaml"
    path.write_text(text)
    assert main(["report", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and expected in captured.err and str(path) in captured.err


def test_report_on_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["report", str(tmp_path / "none.yaml")]) == 2
    assert "cannot read file" in capsys.readouterr().err


def test_report_grades_a_timed_session_with_an_authored_scenario(tmp_path, capsys):
    text = (Path("scenarios/pack/skip-prediction.yaml")).read_text()
    authored = text.replace("id: skip-prediction", "id: my-skip-variant", 1)
    session = Session(
        scenario_yaml=authored,
        notes={"requirements": "About 200k predictions per second at peak, within 50 ms."},
        spent_s={"requirements": 360.0},
        length_minutes=45,
    )
    path = tmp_path / "authored.yaml"
    path.write_text(session.to_yaml())
    assert main(["report", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"] == "my-skip-variant"
    assert data["parts"]["time"]["max"] == 15.0 and data["parts"]["time"]["earned"] < 15.0
    model = next(s for s in data["steps"] if s["step"] == "model")
    assert {p["id"] for p in model["not_relevant"]} >= {"ann_index", "retrieval_model"}
    assert "ann_index" not in {p["id"] for p in model["points"]}


def test_follow_ups_never_ask_only_about_points_the_scenario_does_not_need():
    scenario = get_scenario("skip-prediction")
    coverage = step_coverage("", "model", scenario)
    skipped = {p.id for p in coverage.not_relevant}
    by_text = {q.text: set(q.points) for q in questions_for_step("model")}
    only_skipped = [text for text, points in by_text.items() if points and points <= skipped]
    assert only_skipped, "the bank has questions about retrieval and ANN"
    asked = follow_ups("model", coverage, scenario, limit=100)
    assert asked and not set(asked) & set(only_skipped)


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "expected", "clean"),
    [
        ("A", "A B", "A", "A B", True),  # nobody else changed it
        ("A", "A", "A C", "A C", True),  # only the other tab did
        ("A.", "A. Mine.", "A. Theirs.", "A. Theirs. Mine.", True),  # both added
        ("A", "A\nmine", "A\ntheirs", "A\ntheirs\nmine", True),
        ("A. B.", "A. B. C.", "A.", "A. B. C.", True),  # the store lags this box's own send
        ("40k QPS", "10k QPS", "40k QPS at peak", "10k QPS", False),  # both edited
        # the store already holds this box's earlier send, typed on since: never twice
        ("b0.", "b0. b5. b6.", "b0. b5.", "b0. b5. b6.", True),
        ("b0.", "b0. b5.", "b0. b5. b6.", "b0. b5. b6.", True),  # this send is the older
    ],
)
def test_merging_one_steps_notes_keeps_both_tabs_additions(base, mine, theirs, expected, clean):
    from ui.notes import merge_texts

    assert merge_texts(base, mine, theirs) == (expected, clean)


def test_report_lists_where_notes_and_board_disagree_in_text_json_and_markdown(tmp_path, capsys):
    scenario = get_scenario("realtime-playlist-recs")
    session = Session(
        scenario_id=scenario.id,
        design=scenario.reference_design,
        notes={
            "requirements": "15k QPS at peak, p99 under 200 ms.",
            "model": "The ranker scores 500 candidates.",
        },
    )
    path = tmp_path / "session.yaml"
    path.write_text(session.to_yaml())
    line = 'Notes (Model development): "ranker scores 500 candidates"; board: rank takes 400'
    assert main(["report", str(path)]) == 0
    text = capsys.readouterr().out
    assert "Notes and board disagree (warnings, not scored):" in text and line in text
    assert main(["report", str(path), "--format", "json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)["notes_board"]
    assert found["kind"] == "candidates" and found["board"]["nodes"] == ["rank"]
    assert (found["notes"]["value"], found["board"]["value"]) == (500, 400)
    assert found["notes"]["step"] == "model"
    assert main(["report", str(path), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "## Notes and board disagree" in markdown and line in markdown


def test_notes_that_agree_with_the_board_add_no_section(tmp_path, capsys):
    scenario = get_scenario("realtime-playlist-recs")
    session = Session(
        scenario_id=scenario.id,
        design=scenario.reference_design,
        notes={"model": "The ranker scores 400 candidates and keeps 100."},
    )
    path = tmp_path / "session.yaml"
    path.write_text(session.to_yaml())
    assert main(["report", str(path), "--format", "md"]) == 0
    assert "Notes and board disagree" not in capsys.readouterr().out
    assert main(["report", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["notes_board"] == []
