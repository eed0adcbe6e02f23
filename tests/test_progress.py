"""The progress page's arithmetic: what to practise next, and why (design_framework/progress.py)."""

import csv
import io
from dataclasses import dataclass, field

from design_framework.progress import build_progress, history_csv, recommend
from scenarios.loader import shipped_scenarios

PACK = shipped_scenarios()


@dataclass
class Attempt:
    scenario_id: str | None
    finished_at: float
    score: int
    summary: dict = field(default_factory=dict)


def summary(failed=(), notes=None, spent=None, timed=True):
    steps = ["requirements", "framing", "data", "model", "evaluation", "monitoring", "serving"]
    notes = notes or {}
    spent = spent or {}
    return {
        "parts": {"design": 40.0, "notes": 20.0, "time": 12.0},
        "timed": timed,
        "rubric_score": 80,
        "failed_rules": list(failed),
        "steps": {
            s: {"notes": notes.get(s, 0.8), "spent_s": spent.get(s, 300), "budget_s": 300}
            for s in steps
        },
        "rubric_steps": {"serving": [2, 4], "data": [3, 3]},
        "minutes": 35.0,
        "hints": 0,
    }


def test_one_attempt_reads_as_labelled_rows_not_a_numeric_axis():
    progress = build_progress(
        [Attempt("realtime-playlist-recs", 1_764_600_000, 72, summary())], PACK
    )
    assert progress.rows[0]["attempt"].startswith("#1 ")
    assert progress.rows[0]["scenario"] == PACK["realtime-playlist-recs"].title
    assert progress.step_notes[0]["Clarify requirements"] == 0.8
    assert progress.rubric_areas[0]["Serving and deployment"] == 0.5


def test_the_rule_failed_most_leads_to_an_untried_scenario_that_applies_it():
    attempts = [
        Attempt("realtime-playlist-recs", 1, 60, summary(failed=["latency.budget"])),
        Attempt("song-radio-ann", 2, 55, summary(failed=["latency.budget", "loop.feedback"])),
    ]
    progress = build_progress(attempts, PACK)
    top = progress.rules[0]
    assert (top.rule, top.failures, top.attempts) == ("latency.budget", 2, 2)
    assert "latency" in top.topics
    assert top.scenario not in {"realtime-playlist-recs", "song-radio-ann"}
    assert "latency.budget" in PACK[top.scenario].rules
    advice = progress.recommendation
    assert advice.scenario == top.scenario
    assert "latency.budget failed in 2 of your 2 attempts" in advice.reason
    assert "not tried it yet" in advice.reason


def test_weak_notes_lead_to_the_scenario_that_asks_most_of_that_step():
    attempts = [Attempt("premium-churn", 1, 70, summary(notes={"monitoring": 0.2}))]
    advice = recommend(attempts, PACK)
    assert "notes on monitoring keep 20% of their points" in advice.reason
    signals = {
        sid: len(s.steps["monitoring"].signals)
        for sid, s in PACK.items()
        if sid != "premium-churn" and "monitoring" in s.steps
    }
    assert len(PACK[advice.scenario].steps["monitoring"].signals) == max(signals.values())


def test_a_clean_attempt_moves_to_a_harder_untried_scenario():
    easy_or_medium = next(s for s, sc in PACK.items() if sc.difficulty == "medium")
    advice = recommend([Attempt(easy_or_medium, 1, 95, summary())], PACK)
    assert PACK[advice.scenario].difficulty == "hard"
    assert "new to you" in advice.reason


def test_time_overrun_per_step_and_the_csv_export():
    attempts = [
        Attempt("skip-prediction", 1, 70, summary(spent={"data": 600})),
        Attempt("skip-prediction", 2, 75, summary(spent={"data": 420}, timed=True)),
    ]
    progress = build_progress(attempts, PACK)
    data = next(row for row in progress.overrun if row["step"] == "Data and features")
    assert data == {
        "step": "Data and features",
        "average over budget (min)": 3.5,
        "last attempt (min)": 2.0,
    }
    rows = list(csv.DictReader(io.StringIO(history_csv(progress))))
    assert len(rows) == 2 and rows[0]["score"] == "70"
    assert rows[0]["over budget min data and features"] == "5.0"
    assert rows[1]["notes data and features"] == "0.8"


def test_attempts_saved_before_the_richer_summary_still_show():
    old = Attempt("discover-weekly", 1, 50, {"rubric_score": 70, "failed_rules": ["loop.feedback"]})
    progress = build_progress([old], PACK)
    assert progress.rows[0]["score"] == 50 and progress.step_notes == []
    assert progress.rules[0].rule == "loop.feedback"
    assert history_csv(progress).count("\n") == 2


def test_with_no_attempt_the_advice_is_a_gentle_start():
    advice = recommend([], PACK)
    assert PACK[advice.scenario].difficulty != "hard"


def test_every_rubric_rule_has_topics_to_study():
    from design_framework.questions import load_question_bank
    from design_framework.rubric import RULE_MODULES

    assert set(load_question_bank().rule_topics) == set(RULE_MODULES)
