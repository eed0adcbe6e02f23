"""The end-of-session report: time per step, notes coverage, rubric, score, what to study.

The overall score is out of 100 and every point lost has a written reason:

* design, 50 points: shared equally by the rubric rules the scenario applies; a failed
  rule loses its share, a warning half of it;
* notes, 35 points: 25 for the points, shared equally by the seven steps (checklist and
  the scenario's expected signals, less those the scenario marks not relevant), 10 for
  reasoning. A step's points part is full once half of its points (rounded up, the step's
  `target`) are `covered`; below that, each covered point earns 1/target of it. Each
  `negated` point (named only to dismiss it) takes one covered point back. Points beyond
  the target are what the notes could also mention: not lost. When the step falls short,
  the shortfall is charged first to dismissed points, then shared by the `listed` and
  `missing` ones in proportion, and the report names every one with its status. A step
  reasons when it states a trade-off or a sentence that covers a point and says why; the
  reasoning part is full once four of the seven steps reason, and what falls short is
  charged to the steps that do not, each named;
* time, 15 points (timed sessions only; untimed ones are scored out of 85 and rescaled):
  shared by the seven steps; a step loses its share in proportion to how far it ran over
  its budget beyond a 25% grace, or all of it when no time was spent on it. Time spent
  drawing counts for the step the drawing belongs to (design_framework/drawing.py), not
  for the step that was open, and the report says how much of each step's time it was;
* hints: 2 points each, at most 10.

A rule the scenario's reference design is judged on that a design leaves with nothing to
judge (no request path to time, no funnel) loses its share, as a failed rule does: an empty
corner of the board is not a pass.

The band is the recommendation an interviewer would likely give, made from the score, the
rules failed and how evenly the notes cover the seven steps (:func:`recommendation_band`):
strong hire at 85 or more with no rule failed and every step covering at least 60% of its
points; hire at 70 or more with at most one rule failed; strong no hire under 40 when fewer
than three steps cover half their points; no hire otherwise. Calibrated on whole sessions an
interviewer judged first (tests/fixtures/calibration).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from components.render import to_mermaid
from design_framework.consistency import Mismatch, mismatch_line, mismatches
from design_framework.coverage import (
    FULL_MARKS_SHARE,
    LISTED,
    MISSING,
    NEGATED,
    StepCoverage,
    notes_coverage,
)
from design_framework.curveballs import outcome_line
from design_framework.curveballs import outcomes as curveball_outcomes
from design_framework.history import VerdictTimeline
from design_framework.rubric import Report as RubricReport
from design_framework.rubric import Status, check_design
from design_framework.session import Session, mmss, step_budgets
from design_framework.steps import load_framework

DESIGN_POINTS, NOTES_POINTS, TIME_POINTS = 50.0, 35.0, 15.0
NOTES_COVERAGE_POINTS, NOTES_REASONING_POINTS = 25.0, 10.0
"""The notes' 35 points: 25 for points covered, 10 for reasoning (trade-offs and reasons).
With the design's 50, the rubric and reasoning weigh 60 against 25 for coverage."""
REASON_WEIGHT = 1.0
"""A sentence that covers a point and says why counts like a trade-off toward a step's
reasoning: in the few minutes of a step, one justified decision is what an interviewer
listens for (it was half a trade-off; terse Hire notes then earned almost no reasoning)."""
STATUS_LOSS = {
    MISSING: "not in the notes",
    LISTED: "named but not explained (listed)",
    NEGATED: "dismissed (negated)",
}
HINT_COST, HINT_CAP = 2.0, 10.0
OVERRUN_GRACE = 0.25
CORE_STEPS = tuple(step.id for step in load_framework().steps if not step.optional)
REASONING_STEPS = math.ceil(FULL_MARKS_SHARE * len(CORE_STEPS))
"""Steps that must reason (a trade-off or a reason) for the full reasoning part: half
of the seven, rounded up, like a step's points. Interviewers judge whether a candidate
justifies the key decisions, not whether every step has a "because"."""


@dataclass
class StepReport:
    step_id: str
    title: str
    spent_s: float
    budget_s: float
    coverage: StepCoverage
    drawn_s: float = 0.0
    """Of ``spent_s``, the time spent drawing on the board for this step."""

    @property
    def overrun_s(self) -> float:
        return self.spent_s - self.budget_s

    @property
    def spent_text(self) -> str:
        """``12:00`` or ``12:00, of which 7:00 drawing``."""
        if self.drawn_s < 1:
            return mmss(self.spent_s)
        return f"{mmss(self.spent_s)}, of which {mmss(self.drawn_s)} drawing"


@dataclass
class PointsLost:
    area: str
    points: float
    reason: str
    status: str | None = None
    """For notes: the status that cost the points (missing, listed, negated, reasoning)."""
    step: str | None = None


@dataclass
class SessionReport:
    session: Session
    scenario: object | None
    rubric: RubricReport
    steps: list[StepReport]
    lost: list[PointsLost]
    study: dict[str, list] = field(default_factory=dict)
    disagreements: list[Mismatch] = field(default_factory=list)
    timeline: VerdictTimeline | None = None
    """Figures the notes state that the board (or the scenario) contradicts: warnings, not
    scored (design_framework/consistency.py)."""

    @property
    def score(self) -> int:
        scale = 100 / (100 - TIME_POINTS) if self.session.length_minutes is None else 1.0
        earned = 100 - (TIME_POINTS if self.session.length_minutes is None else 0)
        return max(0, round((earned - sum(p.points for p in self.lost)) * scale))

    def earned(self, area: str) -> float:
        """Points kept in one area (design, notes, time), out of its maximum."""
        maximum = {"design": DESIGN_POINTS, "notes": NOTES_POINTS, "time": TIME_POINTS}[area]
        return max(0.0, maximum - sum(p.points for p in self.lost if p.area == area))

    @property
    def hints_used(self) -> int:
        return sum(len(v) for v in self.session.hints_used.values())

    def summary(self) -> dict:
        """Small dict kept with the attempt for the progress page: the score and its parts,
        per step the notes points kept (of the step's share), the time spent against the
        budget, and the rubric's rules passed per step."""
        notes_share = NOTES_POINTS / len(CORE_STEPS)
        steps = {}
        for step in self.steps:
            if step.step_id not in CORE_STEPS:
                continue
            lost = sum(p.points for p in self.lost if p.area == "notes" and p.step == step.step_id)
            steps[step.step_id] = {
                "notes": round(max(0.0, 1 - lost / notes_share), 3),
                "spent_s": round(step.spent_s),
                "drawn_s": round(step.drawn_s),
                "budget_s": round(step.budget_s),
            }
        rubric_steps: dict[str, list[int]] = {}
        for finding in self.rubric.findings:
            if finding.status == Status.skipped:
                continue
            tally = rubric_steps.setdefault(finding.step, [0, 0])
            tally[0] += finding.status == Status.passed
            tally[1] += 1
        return {
            "score": self.score,
            "rubric_score": self.rubric.score,
            "parts": {area: round(self.earned(area), 1) for area in ("design", "notes", "time")},
            "timed": self.session.length_minutes is not None,
            "failed_rules": [f.rule for f in self.rubric.findings if f.status == Status.failed],
            "warned_rules": [f.rule for f in self.rubric.findings if f.status == Status.warning],
            "coverage": {s.step_id: round(s.coverage.ratio, 2) for s in self.steps},
            "steps": steps,
            "rubric_steps": rubric_steps,
            "minutes": round(sum(s.spent_s for s in self.steps) / 60, 1),
            "hints": self.hints_used,
            "rehearsal": self.session.rehearsal,
        }


def build_report(
    session: Session,
    scenario=None,
    now: float | None = None,
    rubric: RubricReport | None = None,
    timeline: VerdictTimeline | None = None,
) -> SessionReport:
    """The report of a session. ``timeline``: its verdicts over time, where its history is
    at hand (``design_framework.history.session_timeline``)."""
    framework = load_framework()
    budgets = step_budgets(session.length_minutes)
    rubric = rubric or check_design(session.design, scenario)
    judged = _judged_rules(scenario)
    coverage = notes_coverage(session.notes, scenario)
    steps = [
        StepReport(
            step.id,
            step.title,
            session.step_seconds(step.id, now),
            budgets[step.id] * 60,
            coverage[step.id],
            min(session.drawn_seconds(step.id), session.step_seconds(step.id, now)),
        )
        for step in framework.steps
    ]
    lost = _design_losses(rubric, judged) + _notes_losses(steps) + _hint_losses(session)
    if session.length_minutes is not None:
        lost += _time_losses(steps)
    return SessionReport(
        session,
        scenario,
        rubric,
        steps,
        lost,
        study_topics(steps, rubric),
        mismatches(session.notes, session.design, scenario),
        timeline,
    )


def booking_note(report: SessionReport) -> str:
    """How the time was booked, in a sentence for the report."""
    drawn = [s for s in report.steps if s.drawn_s >= 1]
    rule = (
        "Time is booked to the step you were on, except time spent drawing: each change on "
        "the board claims the time since your last change to the notes or the board (at most "
        "a minute) for the step it belongs to (serving components to Serving, retrieval, "
        "ranking and training to Model, data pipelines and the feature store to Data, A/B "
        "to Evaluation, monitoring to Monitoring) or for the step you said you were drawing for."
    )
    if not drawn:
        return rule + " No drawing time was booked."
    total = sum(s.drawn_s for s in drawn)
    parts = "; ".join(f"{s.title} {s.spent_text}" for s in drawn)
    return f"{rule} {mmss(total)} was drawing: {parts}."


_JUDGED_CACHE: dict[str, frozenset[str]] = {}
_JUDGED_CACHE_SIZE = 64


def _judged_rules(scenario) -> frozenset[str]:
    """Rules the scenario's reference design is judged on (not skipped): a design that
    leaves one of them with nothing to judge has not drawn what it asks for yet."""
    if scenario is None or getattr(scenario, "reference_design", None) is None:
        return frozenset()
    # the whole scenario: its rules and requirements decide what the reference is judged on
    key = hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()
    if key not in _JUDGED_CACHE:
        if len(_JUDGED_CACHE) >= _JUDGED_CACHE_SIZE:
            _JUDGED_CACHE.pop(next(iter(_JUDGED_CACHE)))
        reference = check_design(scenario.reference_design, scenario)
        _JUDGED_CACHE[key] = frozenset(
            f.rule for f in reference.findings if f.status != Status.skipped
        )
    return _JUDGED_CACHE[key]


def _design_losses(rubric: RubricReport, judged: frozenset[str] = frozenset()) -> list[PointsLost]:
    unjudged = [f for f in rubric.findings if f.status == Status.skipped and f.rule in judged]
    applicable = [f for f in rubric.findings if f.status != Status.skipped] + unjudged
    if not applicable:
        return [
            PointsLost(
                "design",
                DESIGN_POINTS,
                "No rubric rule could be checked: the diagram is empty or has no request path.",
            )
        ]
    share = DESIGN_POINTS / len(applicable)
    losses = []
    for f in applicable:
        if f.status == Status.failed:
            losses.append(PointsLost("design", share, f"{f.rule} failed: {f.message}"))
        elif f.status == Status.warning:
            losses.append(PointsLost("design", share / 2, f"{f.rule} warned: {f.message}"))
        elif f in unjudged:
            losses.append(
                PointsLost(
                    "design",
                    share,
                    f"{f.rule} has nothing to judge yet (the reference design is judged on it): "
                    f"{f.message}",
                )
            )
    return losses


BANDS = ("strong_no_hire", "no_hire", "hire", "strong_hire")
"""The interviewer's four recommendations, weakest first (session.Feedback.verdict)."""

STRONG_HIRE_SCORE, HIRE_SCORE, NO_HIRE_SCORE = 85, 70, 40
STRONG_STEP_SHARE = 0.6
"""Strong hire: every step's notes cover at least this share of the step's points."""
DEPTH_SHARE, DEPTH_STEPS = 0.5, 3
"""No hire rather than strong no hire: this many steps cover at least this share."""


@dataclass(frozen=True)
class Band:
    """Where the attempt would land with an interviewer, and the figures that put it there."""

    band: str
    reasons: list[str]

    @property
    def label(self) -> str:
        return self.band.replace("_", " ")


def recommendation_band(report: SessionReport) -> Band:
    """The recommendation an interviewer would likely give (see the module docstring)."""
    score = report.score
    failed = [f.rule for f in report.rubric.findings if f.status == Status.failed]
    optional = {step.id for step in load_framework().steps if step.optional}
    shares = {
        s.step_id: s.coverage.ratio
        for s in report.steps
        if s.coverage.total and s.step_id not in optional
    }
    weakest = min(shares, key=shares.get) if shares else None
    deep = [step for step, share in shares.items() if share >= DEPTH_SHARE]
    facts = [
        f"score {score}",
        f"{len(failed)} rule{'s' if len(failed) != 1 else ''} failed"
        + (f" ({', '.join(failed)})" if failed else ""),
    ]
    if weakest:
        facts.append(f"weakest step {weakest} with {shares[weakest]:.0%} of its points covered")
    if (
        score >= STRONG_HIRE_SCORE
        and not failed
        and weakest
        and shares[weakest] >= STRONG_STEP_SHARE
    ):
        why = (
            f"strong hire: score at least {STRONG_HIRE_SCORE}, no rule failed and every step "
            f"covers at least {STRONG_STEP_SHARE:.0%} of its points"
        )
        return Band("strong_hire", [why, *facts])
    if score >= HIRE_SCORE and len(failed) <= 1:
        why = f"hire: score at least {HIRE_SCORE} with at most one rule failed"
        if failed or (weakest and shares[weakest] < STRONG_STEP_SHARE) or score < STRONG_HIRE_SCORE:
            why += "; not strong hire: " + (
                "a rule failed"
                if failed
                else f"a step covers under {STRONG_STEP_SHARE:.0%}"
                if weakest and shares[weakest] < STRONG_STEP_SHARE
                else f"score under {STRONG_HIRE_SCORE}"
            )
        return Band("hire", [why, *facts])
    if score < NO_HIRE_SCORE and len(deep) < DEPTH_STEPS:
        why = (
            f"strong no hire: score under {NO_HIRE_SCORE} and fewer than {DEPTH_STEPS} steps "
            f"cover half their points"
        )
        return Band("strong_no_hire", [why, *facts])
    why = (
        f"no hire: {'score under ' + str(HIRE_SCORE) if score < HIRE_SCORE else 'more than one rule failed'}"
        + (
            f", but {len(deep)} steps cover half their points or more"
            if score < NO_HIRE_SCORE
            else ""
        )
    )
    return Band("no_hire", [why, *facts])


def _notes_losses(steps: list[StepReport]) -> list[PointsLost]:
    return notes_losses({step.step_id: step.coverage for step in steps})


def notes_losses(coverage: dict[str, StepCoverage]) -> list[PointsLost]:
    """Every notes point lost, per step and per status, with the points it names."""
    titles = {step.id: step.title for step in load_framework().steps}
    point_share = NOTES_COVERAGE_POINTS / len(CORE_STEPS)
    losses = []
    for step_id in CORE_STEPS:
        step = coverage[step_id]
        title = titles[step_id]
        units = _shortfall(step)
        for status, label in STATUS_LOSS.items():
            points = step.with_status(status)
            if not points or not units[status]:
                continue
            named = "; ".join(_point_label(p) for p in points[:4]) + (
                "; ..." if len(points) > 4 else ""
            )
            losses.append(
                PointsLost(
                    "notes",
                    point_share * units[status] / step.target,
                    f"{title}: {len(points)} of {step.total} points {label}: {named}. "
                    f"{_target_note(step)}",
                    status,
                    step_id,
                )
            )
    losses += _reasoning_losses(coverage, titles)
    return losses


def step_reasoning(step: StepCoverage) -> float:
    """How far one step's notes reason, 0 to 1: a trade-off, or a sentence that says why."""
    return min(1.0, len(step.tradeoffs) + REASON_WEIGHT * len(step.reasons))


def _reasoning_losses(coverage: dict[str, StepCoverage], titles: dict) -> list[PointsLost]:
    """The reasoning part is full once REASONING_STEPS steps reason; what is short of that
    is charged to the steps that reason least, each named with what it lacks."""
    reasoning = {step_id: step_reasoning(coverage[step_id]) for step_id in CORE_STEPS}
    short = max(0.0, REASONING_STEPS - sum(reasoning.values()))
    lacking = {step_id: 1.0 - value for step_id, value in reasoning.items() if value < 1.0}
    if not short or not lacking:
        return []
    reasoned = sum(value == 1.0 for value in reasoning.values())
    losses = []
    for step_id, gap in lacking.items():
        step = coverage[step_id]
        said = (
            "no trade-off and no reason stated"
            if not step.reasons
            else f"{len(step.reasons)} reason given, no trade-off"
        )
        losses.append(
            PointsLost(
                "notes",
                NOTES_REASONING_POINTS * short / REASONING_STEPS * gap / sum(lacking.values()),
                f"{titles[step_id]}: {said} (weigh two options, or say why a choice was "
                f"made). Reasoning in {REASONING_STEPS} of the {len(CORE_STEPS)} steps "
                f"earns the full reasoning points; {reasoned} so far.",
                "reasoning",
                step_id,
            )
        )
    return losses


def _shortfall(step: StepCoverage) -> dict[str, float]:
    """Points short of the step's target, charged per status: dismissed points first (each
    took a covered point back), the rest shared by listed and missing points by count."""
    short = step.target - step.counted
    negated = len(step.with_status(NEGATED))
    others = {status: len(step.with_status(status)) for status in (LISTED, MISSING)}
    charged = {NEGATED: float(min(negated, short))}
    rest = short - charged[NEGATED]
    total = sum(others.values())
    for status, count in others.items():
        charged[status] = rest * count / total if total else 0.0
    if rest and not total:
        charged[NEGATED] += rest
    return charged


def _target_note(step: StepCoverage) -> str:
    dismissed = len(step.with_status(NEGATED))
    note = (
        f"Covering {step.target} of the {step.total} earns the step's full points; "
        f"{step.covered} covered"
    )
    if dismissed:
        note += f", {dismissed} dismissed (each takes one back)"
    return note + "."


def notes_score(coverage: dict[str, StepCoverage]) -> float:
    """The notes' points out of NOTES_POINTS for a coverage of every step."""
    return max(0.0, NOTES_POINTS - sum(p.points for p in notes_losses(coverage)))


def _point_label(point) -> str:
    if point.status == NEGATED and point.negation:
        return f'{point.text} ("{", ".join(point.negation)}")'
    if point.status == LISTED and point.reason:
        return f"{point.text} ({point.reason})"
    return point.text


def _time_losses(steps: list[StepReport]) -> list[PointsLost]:
    share = TIME_POINTS / len(CORE_STEPS)
    losses = []
    for step in steps:
        if step.step_id not in CORE_STEPS:
            continue
        if step.spent_s < 1:
            losses.append(
                PointsLost(
                    "time",
                    share,
                    f"{step.title}: no time spent on it (budget {mmss(step.budget_s)}).",
                )
            )
            continue
        over = step.spent_s - step.budget_s * (1 + OVERRUN_GRACE)
        if over > 0:
            lost = share * min(1.0, over / step.budget_s)
            losses.append(
                PointsLost(
                    "time",
                    lost,
                    f"{step.title}: {step.spent_text} against "
                    f"a {mmss(step.budget_s)} budget, which takes time from "
                    "the later steps.",
                )
            )
    return losses


def _hint_losses(session: Session) -> list[PointsLost]:
    used = sum(len(v) for v in session.hints_used.values())
    if not used:
        return []
    return [
        PointsLost(
            "hints",
            min(HINT_CAP, used * HINT_COST),
            f"{used} hint{'s' if used > 1 else ''} revealed.",
        )
    ]


def study_topics(steps: list[StepReport], rubric: RubricReport, limit: int = 5) -> dict:
    """Topics to study next, with questions, from uncovered points and failed rules' steps."""
    from design_framework.questions import load_question_bank

    bank = load_question_bank()
    uncovered = {(s.step_id, p.id) for s in steps for p in s.coverage.checklist if not p.covered}
    not_needed = {(s.step_id, p.id) for s in steps for p in s.coverage.not_relevant}
    failed_steps = {f.step for f in rubric.findings if f.status == Status.failed}
    weights: dict[str, int] = {}
    chosen: dict[str, list] = {}
    for question in bank.questions:
        probes = {(question.step, point) for point in question.points}
        if probes and probes <= not_needed:
            continue  # only about what this scenario does not need
        weight = 2 * len(probes & uncovered) + (1 if question.step in failed_steps else 0)
        if not weight:
            continue
        for topic in question.topics:
            weights[topic] = weights.get(topic, 0) + weight
            chosen.setdefault(topic, []).append(question)
    top = sorted(weights, key=lambda t: (-weights[t], t))[:limit]
    return {topic: chosen[topic][:3] for topic in top}


# ---- JSON and text (the command line) ----------------------------------------------------------


def to_json(report: SessionReport) -> dict:
    """The report as data: ``{"scenario", "score", "band", "parts", "steps", "rubric",
    "lost", "curveballs", "notes_board"}``: ``notes_board`` lists the figures the notes state that
    the board (or the scenario) contradicts (design_framework/consistency.py)."""
    timed = report.session.length_minutes is not None
    scenario = report.scenario
    notes_lost = [p for p in report.lost if p.area == "notes"]
    reasoning_lost = sum(p.points for p in notes_lost if p.status == "reasoning")
    band = recommendation_band(report)
    return {
        "scenario": scenario.id if scenario else None,
        "score": report.score,
        "band": {"band": band.band, "reasons": band.reasons},
        "parts": {
            "design": {"earned": round(report.earned("design"), 2), "max": DESIGN_POINTS},
            "notes": {
                "earned": round(report.earned("notes"), 2),
                "max": NOTES_POINTS,
                "points": {
                    "earned": round(
                        NOTES_COVERAGE_POINTS
                        - sum(p.points for p in notes_lost if p.status != "reasoning"),
                        2,
                    ),
                    "max": NOTES_COVERAGE_POINTS,
                },
                "reasoning": {
                    "earned": round(NOTES_REASONING_POINTS - reasoning_lost, 2),
                    "max": NOTES_REASONING_POINTS,
                },
            },
            "time": (
                {"earned": round(report.earned("time"), 2), "max": TIME_POINTS} if timed else None
            ),
            "hints": {
                "used": report.hints_used,
                "lost": sum(p.points for p in report.lost if p.area == "hints"),
            },
        },
        "steps": [
            {
                "step": step.step_id,
                "title": step.title,
                "spent_s": round(step.spent_s, 1),
                "drawn_s": round(step.drawn_s, 1),
                "budget_s": round(step.budget_s, 1),
                "points": [
                    {
                        "id": p.id,
                        "kind": kind,
                        "text": p.text,
                        "status": p.status,
                        "evidence": p.evidence,
                        "matched": p.matched,
                        "sentence": p.sentence,
                        "negation": p.negation,
                        "reason": p.reason,
                    }
                    for kind, points in (
                        ("checklist", step.coverage.checklist),
                        ("signal", step.coverage.signals),
                    )
                    for p in points
                ],
                "not_relevant": [
                    {"id": p.id, "text": p.text, "reason": p.reason}
                    for p in step.coverage.not_relevant
                ],
                "tradeoffs": step.coverage.tradeoffs,
                "reasons": step.coverage.reasons,
            }
            for step in report.steps
        ],
        "rubric": report.rubric.to_json(),
        "lost": [
            {"area": p.area, "points": round(p.points, 2), "reason": p.reason, "status": p.status}
            for p in report.lost
        ],
        "curveballs": curveball_outcomes(report.session),
        "notes_board": [m.to_json() for m in report.disagreements],
        "timeline": None
        if report.timeline is None
        else {"headlines": report.timeline.headlines(), "rules": report.timeline.table()},
    }


DISAGREE_TITLE = "Notes and board disagree"
DISAGREE_NOTE = (
    "Figures the notes state that the board draws otherwise (or, where the board states "
    "none, the scenario gives otherwise): warnings, not scored."
)

STATUS_MARKS = {"covered": "[x]", "negated": "[-]", "listed": "[~]", "missing": "[ ]"}


def to_text(report: SessionReport, source: str) -> str:
    """A plain-text report for a terminal: score, parts, points lost, notes per step."""
    data = to_json(report)
    parts = data["parts"]
    against = f" against {data['scenario']}" if data["scenario"] else " (free design)"
    lines = [
        f"{source}{against}: score {data['score']}/100, "
        f"band {data['band']['band'].replace('_', ' ')} ({data['band']['reasons'][0]})",
        f"  design {parts['design']['earned']:g}/{parts['design']['max']:g}, "
        f"notes {parts['notes']['earned']:g}/{parts['notes']['max']:g} "
        f"(points {parts['notes']['points']['earned']:g}/{parts['notes']['points']['max']:g}, "
        f"reasoning {parts['notes']['reasoning']['earned']:g}/"
        f"{parts['notes']['reasoning']['max']:g}), "
        + (
            f"time {parts['time']['earned']:g}/{parts['time']['max']:g}"
            if parts["time"]
            else "untimed (scored out of 85, rescaled)"
        )
        + f", hints -{parts['hints']['lost']:g}",
        "",
        "Points lost:",
    ]
    lines += [f"  -{p.points:.1f} ({p.area}) {p.reason}" for p in report.lost] or ["  none"]
    if data["curveballs"]:
        lines += ["", "Curveballs:"]
        lines += [f"  {outcome_line(outcome)}" for outcome in data["curveballs"]]
    if report.timeline is not None:
        lines += ["", "Verdicts over time:"]
        lines += [f"  {line}" for line in report.timeline.headlines()]
        lines += [
            f"  {row['rule']}: first passed {row['first_pass']}, failing {row['failing']}, "
            f"at the end {row['final']}"
            for row in report.timeline.table()
        ]
    if report.disagreements:
        lines += ["", f"{DISAGREE_TITLE} (warnings, not scored):"]
        lines += [f"  {mismatch_line(m)}" for m in report.disagreements]
    lines += ["", "Notes (" + ", ".join(f"{m} {s}" for s, m in STATUS_MARKS.items()) + "):"]
    for step in report.steps:
        if not step.coverage.total and not step.coverage.not_relevant:
            continue
        lines.append(
            f"  {step.title}: {step.coverage.covered}/{step.coverage.total} covered "
            f"({step.coverage.target} earn full points)"
        )
        for p in step.coverage.points:
            shown = ""
            if p.status == "covered":
                shown = f" <- {', '.join(p.evidence)}"
            elif p.status == "negated":
                shown = f' <- dismissed by "{", ".join(p.negation)}": {", ".join(p.evidence)}'
            elif p.status == "listed":
                shown = f" <- {p.reason}: {', '.join(p.evidence)}"
            lines.append(f"    {STATUS_MARKS[p.status]} {p.text}{shown}")
        for p in step.coverage.not_relevant:
            lines.append(f"    n/a {p.text} (not needed here: {p.reason})")
        for sentence in step.coverage.tradeoffs:
            lines.append(f"    trade-off: {sentence}")
        for sentence in step.coverage.reasons:
            lines.append(f"    reason: {sentence}")
    return "\n".join(lines)


# ---- Markdown --------------------------------------------------------------------------------


def to_markdown(report: SessionReport) -> str:
    session, scenario = report.session, report.scenario
    title = scenario.title if scenario else (session.design.title or "Free design")
    length = f"{session.length_minutes}-minute" if session.length_minutes else "untimed"
    band = recommendation_band(report)
    out = [
        f"# {_md(title)}",
        "",
        f"{length} session, overall score **{report.score}/100** "
        f"(design rubric {report.rubric.score}/100, {report.hints_used} hints).",
        "",
        f"Likely recommendation: **{band.label}** ({_md('; '.join(band.reasons))}).",
        "",
    ]
    if scenario:
        out += ["## Prompt", "", _md(scenario.prompt.strip()), ""]
    out += [
        "## Time per step",
        "",
        booking_note(report),
        "",
        "| Step | Spent | Of which drawing | Budget | Notes coverage |",
        "| --- | --- | --- | --- | --- |",
    ]
    for step in report.steps:
        out.append(
            f"| {step.title} | {mmss(step.spent_s)} | {mmss(step.drawn_s)} | "
            f"{mmss(step.budget_s)} | {step.coverage.covered}/{step.coverage.total} |"
        )
    out += ["", "## Points lost", ""]
    if report.lost:
        out += [f"- **-{p.points:.1f}** ({p.area}) {_md(p.reason)}" for p in report.lost]
    else:
        out.append("None.")
    outcomes = curveball_outcomes(session)
    if outcomes:
        out += ["", "## Curveballs", ""]
        out += [f"- {_md(outcome_line(outcome))}" for outcome in outcomes]
        out += ["", "The rubric below checks the design against the numbers after them."]
    out += ["", "## Rubric", ""]
    for f in report.rubric.findings:
        if f.status == Status.skipped:
            continue
        out.append(f"- **{f.status.upper()}** `{f.rule}` ({f.step}): {_md(f.message)}")
        if f.status in (Status.failed, Status.warning) and f.hint:
            out.append(f"  - Hint: {_md(f.hint)}")
    if report.timeline is not None:
        out += ["", "## Verdicts over time", ""]
        out += [f"- {_md(line)}" for line in report.timeline.headlines()]
        out += [
            "",
            "| Rule | First passed | Time failing | At the end |",
            "| --- | --- | --- | --- |",
        ]
        out += [
            f"| `{row['rule']}` | {row['first_pass']} | {row['failing']} | {row['final']} |"
            for row in report.timeline.table()
        ]
    if report.disagreements:
        out += ["", f"## {DISAGREE_TITLE}", "", DISAGREE_NOTE, ""]
        out += [f"- {_md(mismatch_line(m))}" for m in report.disagreements]
    out += [
        "",
        "## Notes coverage",
        "",
        "[x] covered, [-] negated (named only to dismiss it), [~] listed (named, not "
        "explained), [ ] missing.",
        "",
    ]
    for step in report.steps:
        if not step.coverage.total:
            continue
        out.append(f"### {step.title}")
        for p in step.coverage.points:
            out.append(f"- {STATUS_MARKS[p.status]} {_md(p.text)}{_md(_shown(p))}")
        for p in step.coverage.not_relevant:
            out.append(f"- n/a {_md(p.text)} (not needed here: {_md(p.reason)})")
        for sentence in step.coverage.tradeoffs:
            out.append(f"- Trade-off: {_md(sentence)}")
        for sentence in step.coverage.reasons:
            out.append(f"- Reason: {_md(sentence)}")
        out.append("")
    if report.study:
        out += ["## What to study next", ""]
        for topic, questions in report.study.items():
            out.append(f"- **{topic}**")
            out += [f"  - {_md(q.text)}" for q in questions]
        out.append("")
    out += [
        "## Your design",
        "",
        "```mermaid",
        to_mermaid(session.design, report.rubric).rstrip(),
        "```",
        "",
    ]
    if scenario:
        out += [
            "## Reference design",
            "",
            "```mermaid",
            to_mermaid(scenario.reference_design).rstrip(),
            "```",
            "",
        ]
    notes = [(s, session.notes.get(s.step_id, "").strip()) for s in report.steps]
    if any(text for _, text in notes):
        out += ["## Notes", ""]
        for step, text in notes:
            if text:
                out += [f"### {step.title}", "", _md(text), ""]
    if any(r.score for r in session.feedback.ratings.values()) or session.feedback.summary:
        out += _feedback_markdown(session)
    return "\n".join(out).rstrip() + "\n"


def _shown(p) -> str:
    if p.status == "covered":
        return f' ("{", ".join(p.evidence)}")'
    if p.status == "negated":
        return f' (dismissed by "{", ".join(p.negation)}")'
    if p.status == "listed":
        return f' ({p.reason}: "{", ".join(p.evidence)}")'
    return ""


def _feedback_markdown(session: Session) -> list[str]:
    from design_framework.session import FEEDBACK_AREAS, RATING_LABELS

    out = ["## Interviewer feedback", ""]
    if session.feedback.verdict:
        out.append(f"Verdict: **{session.feedback.verdict.replace('_', ' ')}**")
        out.append("")
    for key, label in FEEDBACK_AREAS.items():
        rating = session.feedback.ratings.get(key)
        if rating and (rating.score or rating.comment):
            score = RATING_LABELS.get(rating.score, "not rated")
            out.append(f"- **{label}**: {score}. {_md(rating.comment)}".rstrip())
    if session.feedback.summary:
        out += ["", _md(session.feedback.summary)]
    return out + [""]


def _md(text: str) -> str:
    """Keep user and scenario text from opening HTML, table cells or images in the Markdown
    report (a ``>`` mid-line is plain text, so arrows such as ``a -> b`` stay readable;
    bold and lists in notes stay, a ``![..](url)`` that a viewer would fetch does not)."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")
    return text.replace("![", "!\\[")
