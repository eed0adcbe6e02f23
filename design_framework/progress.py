"""Progress over finished attempts: what to practise next, and why.

Reads what each attempt kept (``SessionReport.summary()``: the score and its parts, per step
the share of notes points kept and the time against the budget, the rubric's rules per
step) and a scenario pack, and returns plain values for the History page and its CSV:
scores per step and per rubric area over attempts, time overrun per step, the rules failed
most with the question-bank topics to study and a scenario that applies each, the scenarios
not tried yet, and one recommended next scenario with the reason. Attempts saved before a
field existed simply lack it; nothing here assumes every attempt has every field.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from design_framework.questions import load_question_bank
from design_framework.steps import load_framework

DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}
WEAK_NOTES = 0.6
"""A step whose notes keep less than this share of their points, on average, is weak."""


@dataclass(frozen=True)
class RuleToStudy:
    """A rule failed in past attempts, what to read, and where to practise it."""

    rule: str
    failures: int
    attempts: int
    topics: list[str]
    scenario: str | None
    """A scenario that applies the rule, one not tried yet where there is one."""


@dataclass(frozen=True)
class Recommendation:
    scenario: str
    reason: str


@dataclass
class Progress:
    rows: list[dict]
    """One per attempt, oldest first: label, finished, scenario, score and its parts."""
    step_notes: list[dict] = field(default_factory=list)
    """Per attempt: ``{"attempt": label, <step title>: share of notes points kept}``."""
    rubric_areas: list[dict] = field(default_factory=list)
    """Per attempt: ``{"attempt": label, <step title>: share of applied rules passed}``."""
    step_time: list[dict] = field(default_factory=list)
    """Per timed attempt: ``{"attempt": label, <step title>: minutes over budget}``."""
    overrun: list[dict] = field(default_factory=list)
    """Per step: average and latest time over budget, in minutes (negative: under)."""
    per_step: list[dict] = field(default_factory=list)
    """Per framework step, in order: notes kept and rules passed in the last attempt and on
    average, minutes over budget in the last attempt and on average (None: not recorded)."""
    rules: list[RuleToStudy] = field(default_factory=list)
    untried: list[str] = field(default_factory=list)
    recommendation: Recommendation | None = None


def _label(index: int, finished_at: float) -> str:
    # a text label: a chart of one attempt then shows one named point, not an axis at 1.0
    # no colon: chart libraries read "a:b" in a column name as a field and a type
    return f"#{index + 1} {datetime.fromtimestamp(finished_at, UTC):%d %b %Hh%M}"


def build_progress(attempts: Sequence, pack: Mapping[str, object]) -> Progress:
    """``attempts`` oldest first (objects with scenario_id, finished_at, score, summary)."""
    steps = [s for s in load_framework().steps if not s.optional]
    titles = {s.id: s.title for s in steps}
    rows, step_notes, rubric_areas, step_time = [], [], [], []
    for index, attempt in enumerate(attempts):
        summary = attempt.summary or {}
        label = _label(index, attempt.finished_at)
        scenario = pack.get(attempt.scenario_id) if attempt.scenario_id else None
        parts = summary.get("parts", {})
        rows.append(
            {
                "attempt": label,
                "finished": f"{datetime.fromtimestamp(attempt.finished_at, UTC):%Y-%m-%d %H:%M}",
                "scenario_id": attempt.scenario_id or "",
                "scenario": scenario.title if scenario else (attempt.scenario_id or "free design"),
                "practice": "rehearsal" if summary.get("rehearsal") else "coached",
                "score": attempt.score,
                "design": parts.get("design"),
                "notes": parts.get("notes"),
                "time": parts.get("time") if summary.get("timed", True) else None,
                "rubric": summary.get("rubric_score"),
                "minutes": summary.get("minutes"),
                "hints": summary.get("hints"),
                "failed rules": ", ".join(summary.get("failed_rules", [])),
            }
        )
        per_step = summary.get("steps", {})
        if per_step:
            step_notes.append(
                {"attempt": label}
                | {titles[s]: v["notes"] for s, v in per_step.items() if s in titles}
            )
        if per_step and summary.get("timed", True):
            step_time.append(
                {"attempt": label}
                | {
                    titles[s]: round((v["spent_s"] - v["budget_s"]) / 60, 1)
                    for s, v in per_step.items()
                    if s in titles
                }
            )
        areas = summary.get("rubric_steps", {})
        if areas:
            rubric_areas.append(
                {"attempt": label}
                | {titles.get(s, s): round(ok / total, 2) for s, (ok, total) in areas.items()}
            )
    return Progress(
        rows=rows,
        step_notes=step_notes,
        rubric_areas=rubric_areas,
        step_time=step_time,
        overrun=_overrun(attempts, steps),
        per_step=_per_step(steps, step_notes, rubric_areas, step_time),
        rules=_rules_to_study(attempts, pack),
        untried=_untried(attempts, pack),
        recommendation=recommend(attempts, pack),
    )


def _per_step(steps, step_notes, rubric_areas, step_time) -> list[dict]:
    def last_and_mean(rows, title):
        values = [row[title] for row in rows if row.get(title) is not None]
        if not values:
            return None, None
        return values[-1], round(sum(values) / len(values), 2)

    out = []
    for step in steps:
        notes_last, notes_mean = last_and_mean(step_notes, step.title)
        rubric_last, rubric_mean = last_and_mean(rubric_areas, step.title)
        over_last, over_mean = last_and_mean(step_time, step.title)
        out.append(
            {
                "step": step.title,
                "notes kept (last)": notes_last,
                "notes kept (average)": notes_mean,
                "rules passed (last)": rubric_last,
                "rules passed (average)": rubric_mean,
                "min over budget (last)": over_last,
                "min over budget (average)": over_mean,
            }
        )
    return out


def _overrun(attempts: Sequence, steps) -> list[dict]:
    out = []
    timed = [a for a in attempts if (a.summary or {}).get("timed", True)]
    for step in steps:
        overs = [
            (a.summary["steps"][step.id]["spent_s"] - a.summary["steps"][step.id]["budget_s"]) / 60
            for a in timed
            if step.id in (a.summary or {}).get("steps", {})
        ]
        if overs:
            out.append(
                {
                    "step": step.title,
                    "average over budget (min)": round(sum(overs) / len(overs), 1),
                    "last attempt (min)": round(overs[-1], 1),
                }
            )
    return out


def _failures(attempts: Sequence) -> Counter:
    return Counter(rule for a in attempts for rule in (a.summary or {}).get("failed_rules", []))


def _tried(attempts: Sequence) -> set[str]:
    return {a.scenario_id for a in attempts if a.scenario_id}


def _untried(attempts: Sequence, pack: Mapping[str, object]) -> list[str]:
    tried = _tried(attempts)
    return [sid for sid in pack if sid not in tried]


def _applying(pack: Mapping[str, object], rule: str) -> list[str]:
    return [sid for sid, scenario in pack.items() if rule in scenario.rules]


def _rules_to_study(attempts: Sequence, pack: Mapping[str, object]) -> list[RuleToStudy]:
    bank = load_question_bank()
    tried = _tried(attempts)
    out = []
    for rule, count in sorted(_failures(attempts).items(), key=lambda item: (-item[1], item[0])):
        applying = _applying(pack, rule)
        fresh = [sid for sid in applying if sid not in tried]
        out.append(
            RuleToStudy(
                rule=rule,
                failures=count,
                attempts=len(attempts),
                topics=bank.rule_topics.get(rule, []),
                scenario=(fresh or applying or [None])[0],
            )
        )
    return out


def _last_scores(attempts: Sequence) -> dict[str, int]:
    scores: dict[str, int] = {}
    for attempt in attempts:
        if attempt.scenario_id:
            scores[attempt.scenario_id] = attempt.score
    return scores


def recommend(attempts: Sequence, pack: Mapping[str, object]) -> Recommendation | None:
    """One scenario to practise next, with the reason, from what went wrong most."""
    if not pack:
        return None
    tried = _tried(attempts)
    untried = [sid for sid in pack if sid not in tried]
    by_difficulty = sorted(pack, key=lambda sid: DIFFICULTY_ORDER[pack[sid].difficulty])
    if not attempts:
        first = next(sid for sid in by_difficulty if pack[sid].difficulty != "hard")
        return Recommendation(first, "Start with a scenario of medium difficulty or less.")
    failures = _failures(attempts)
    if failures:
        rule, count = min(failures.items(), key=lambda item: (-item[1], item[0]))
        applying = _applying(pack, rule)
        fresh = [sid for sid in applying if sid not in tried]
        if fresh or applying:
            choice = (fresh or sorted(applying, key=lambda s: _last_scores(attempts).get(s, 0)))[0]
            where = "you have not tried it yet" if choice in fresh else "you scored lowest there"
            return Recommendation(
                choice,
                f"{rule} failed in {count} of your {len(attempts)} attempts; {choice} applies "
                f"that rule and {where}.",
            )
    weak = _weakest_step(attempts)
    if weak is not None:
        step_id, share = weak
        title = load_framework().get(step_id).title
        candidates = untried or list(pack)
        choice = max(candidates, key=lambda sid: len(_signals(pack[sid], step_id)))
        return Recommendation(
            choice,
            f"Your notes on {title.lower()} keep {share:.0%} of their points on average; "
            f"{choice} expects {len(_signals(pack[choice], step_id))} signals in that step.",
        )
    if untried:
        last = pack.get(attempts[-1].scenario_id) if attempts[-1].scenario_id else None
        level = DIFFICULTY_ORDER[last.difficulty] if last else 0
        harder = [s for s in untried if DIFFICULTY_ORDER[pack[s].difficulty] > level]
        choice = (harder or untried)[0]
        return Recommendation(
            choice,
            f"No rule failed and your notes hold up; {choice} is "
            f"{pack[choice].difficulty} and new to you.",
        )
    scores = _last_scores(attempts)
    choice = min(scores, key=lambda sid: (scores[sid], sid))
    return Recommendation(
        choice, f"You have tried every scenario; your last score on {choice} was {scores[choice]}."
    )


def _signals(scenario, step_id: str) -> list:
    guide = scenario.steps.get(step_id)
    return list(guide.signals) if guide else []


def _weakest_step(attempts: Sequence) -> tuple[str, float] | None:
    shares: dict[str, list[float]] = {}
    for attempt in attempts:
        for step_id, values in (attempt.summary or {}).get("steps", {}).items():
            shares.setdefault(step_id, []).append(values["notes"])
    if not shares:
        return None
    averages = {s: sum(v) / len(v) for s, v in shares.items()}
    step_id = min(averages, key=lambda s: (averages[s], s))
    return (step_id, averages[step_id]) if averages[step_id] < WEAK_NOTES else None


def history_csv(progress: Progress) -> str:
    """Every attempt as a CSV row: the table's columns, then per step the share of notes
    points kept and the minutes over budget (blank where the attempt did not record it)."""
    steps = [s.title for s in load_framework().steps if not s.optional]
    notes = {row["attempt"]: row for row in progress.step_notes}
    times = {row["attempt"]: row for row in progress.step_time}
    columns = [c for c in progress.rows[0] if c != "attempt"] if progress.rows else []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "attempt",
            *columns,
            *(f"notes {t.lower()}" for t in steps),
            *(f"over budget min {t.lower()}" for t in steps),
        ]
    )
    for row in progress.rows:
        kept = notes.get(row["attempt"], {})
        over = times.get(row["attempt"], {})
        writer.writerow(
            [
                row["attempt"],
                *(row[c] for c in columns),
                *(kept.get(t, "") for t in steps),
                *(over.get(t, "") for t in steps),
            ]
        )
    return out.getvalue()
