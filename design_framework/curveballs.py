"""Curveballs: changes of requirements said during an interview ("traffic just went up ten
times", "the budget is now 50 ms"), as a scenario lists them and as a session records them.

A scenario's ``curveballs:`` are ``Curveball`` models (validated with the scenario, which
knows the catalog and the rules); a session keeps each one delivered as an
``AppliedCurveball``, with when it came and how the design stood then, so the report can
tell how the candidate adapted. The rubric checks the design against the scenario as it
stands after every curveball delivered so far (``Scenario.with_curveballs``).
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def none_is_empty(value):
    # `path.request:` with nothing after it is the natural YAML for "apply with defaults"
    return {} if value is None else value


# Bounds at the door: every figure a real system has fits well inside them, and arithmetic
# on them (capacity, latency sums) can never overflow.
People = Annotated[int, Field(gt=0, le=100_000_000_000)]
Rate = Annotated[int, Field(gt=0, le=1_000_000_000)]
Items = Annotated[int, Field(gt=0, le=10_000_000_000_000)]
Millis = Annotated[int, Field(gt=0, le=3_600_000)]
Slate = Annotated[int, Field(gt=0, le=100_000)]
Seconds = Annotated[int, Field(gt=0, le=366 * 24 * 3600)]
Hours = Annotated[float, Field(ge=0, le=24 * 366)]


class RequirementChanges(Model):
    """Numbers a curveball (or a what-if) changes; each one left out stays as it was."""

    users: People | None = Field(None, description="Monthly active users, as changed.")
    peak_qps: Rate | None = Field(None, description="Peak requests per second, as changed.")
    catalog_size: Items | None = Field(None, description="Items in the catalog, as changed.")
    latency_budget_ms: Millis | None = Field(
        None, description="End-to-end budget of the request path, as changed."
    )
    slate_size: Slate | None = Field(None, description="Items shown in one response, as changed.")
    feature_freshness_s: Seconds | None = Field(
        None, description="How fresh features must be, in seconds, as changed."
    )
    batch_window_h: Hours | None = Field(
        None, description="Hours a batch run may take, as changed."
    )

    def changed(self) -> dict[str, int | float]:
        """The numbers set, by field name."""
        return self.model_dump(exclude_none=True)


CURVEBALL_LIMIT = 10


class Curveball(Model):
    """A change of requirements said during the interview ("traffic just went up ten
    times"): the rubric checks the design against the changed scenario from that moment."""

    id: str = Field(description="Stable kebab-case id.", pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(max_length=80, description="A few words for lists: 'Traffic x10'.")
    say: str = Field(
        max_length=1000, description="The words said to the candidate, as an interviewer would."
    )
    at_minute: int | None = Field(
        None,
        ge=1,
        le=240,
        description="When it arrives in solo practice, in minutes from the start (the "
        "interviewer chooses in a room). Left out: two thirds of the interview's length.",
    )
    changes: RequirementChanges = Field(
        default_factory=RequirementChanges, description="The numbers it changes."
    )
    requires: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="Component types the design must have from now on (added to "
        "components.required).",
    )
    rules: dict[str, Annotated[dict[str, Any], BeforeValidator(none_is_empty)]] = Field(
        default_factory=dict,
        description="Rubric rules applied from now on, by id, with options: a rule the "
        "scenario applies already takes these options instead.",
    )
    strong_answer: list[str] = Field(
        min_length=1,
        max_length=10,
        description="What a strong answer shows: for the interviewer's guide and the report.",
    )

    @model_validator(mode="after")
    def _changes_something(self):
        if not (self.changes.changed() or self.requires or self.rules):
            raise ValueError(
                "a curveball must change a number, require a component or apply a rule"
            )
        return self


CurveballSource = Literal["scenario", "interviewer", "self"]
SESSION_CURVEBALL_LIMIT = 20


class AppliedCurveball(Model):
    """A curveball as one session met it: what was said and changed, when, and how the
    design stood then (its verdicts against the numbers before and after), so the report
    can tell how the candidate adapted."""

    id: str = Field(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        description="The scenario's curveball id, or custom-N / what-if-N for numbers set by "
        "the interviewer or the candidate.",
    )
    title: str = Field(max_length=80, description="A few words for lists.")
    say: str = Field("", max_length=1000, description="The words said to the candidate.")
    source: CurveballSource = Field(
        description="scenario (delivered on its minute), interviewer (sent in a room) or "
        "self (a what-if the candidate kept)."
    )
    at: float = Field(description="Epoch seconds when it arrived.")
    step: str = Field(description="The step the candidate was on.")
    changes: RequirementChanges = Field(default_factory=RequirementChanges)
    requires: list[str] = Field(default_factory=list, max_length=10)
    rules: dict[str, Annotated[dict[str, Any], BeforeValidator(none_is_empty)]] = Field(
        default_factory=dict
    )
    strong_answer: list[str] = Field(default_factory=list, max_length=10)
    before: dict[str, str] = Field(
        default_factory=dict,
        description="Each rule's status when it arrived, against the numbers before it.",
    )
    after: dict[str, str] = Field(
        default_factory=dict,
        description="Each rule's status when it arrived, against the numbers after it.",
    )
    elapsed_s: float = Field(0.0, ge=0, description="Interview seconds on the clock then.")
    was: dict[str, float | None] = Field(
        default_factory=dict, description="Each number it changed, as it was before it."
    )
    components_at: list[str] = Field(
        default_factory=list, description="The design's box ids when it arrived."
    )
    passed_again_at: float | None = Field(
        None,
        description="When every rule it broke passed again (at once when it broke none).",
    )

    @property
    def broke(self) -> list[str]:
        """Rules the same design passed before and failed after it."""
        return sorted(
            rule
            for rule, status in self.after.items()
            if status == "fail" and self.before.get(rule, "pass") != "fail"
        )


def curveball_key(balls) -> str:
    """What of the curveballs so far changes a verdict: a cache key for the rubric."""
    if not balls:
        return ""
    return json.dumps(
        [b.model_dump(include={"changes", "requires", "rules"}, exclude_none=True) for b in balls],
        sort_keys=True,
    )


def statuses(report) -> dict[str, str]:
    """A rubric report as ``{rule id: status}`` (skipped rules left out)."""
    return {f.rule: str(f.status) for f in report.findings if str(f.status) != "skip"}


def deliver(session, ball, source: CurveballSource, scenario, check, now: float | None = None):
    """Record ``ball`` (a scenario's ``Curveball`` or an ``AppliedCurveball`` of custom
    numbers) as arrived in ``session`` now. ``scenario`` is the scenario as it stood before
    (with every earlier curveball applied); ``check(design, scenario)`` gives a report.
    Returns the ``AppliedCurveball`` appended, or None when the session holds its limit."""
    if len(session.curveballs) >= SESSION_CURVEBALL_LIMIT:
        return None
    at = time.time() if now is None else now
    applied = AppliedCurveball(
        id=ball.id,
        title=ball.title,
        say=ball.say,
        source=source,
        at=at,
        step=session.current_step,
        changes=ball.changes,
        requires=list(ball.requires),
        rules=dict(ball.rules),
        strong_answer=list(ball.strong_answer),
        elapsed_s=round(session.elapsed_seconds(at), 1),
        components_at=[c.id for c in session.design.components],
    )
    if scenario is not None:
        applied.was = {
            name: getattr(scenario.requirements, name, None) for name in ball.changes.changed()
        }
        applied.before = statuses(check(session.design, scenario))
        applied.after = statuses(check(session.design, scenario.with_curveballs([applied])))
    if not applied.broke:
        applied.passed_again_at = at
    session.curveballs.append(applied)
    session.note_event("curveball", applied.title, now=at)  # the replay's marker
    return applied


def note_recovery(session, report, now: float | None = None) -> bool:
    """After a change of the design: a curveball whose broken rules all pass now (checked
    against every curveball so far) is marked as answered. Returns whether one was."""
    current = statuses(report)
    marked = False
    for applied in session.curveballs:
        if applied.passed_again_at is not None:
            continue
        if all(current.get(rule) != "fail" for rule in applied.broke):
            applied.passed_again_at = time.time() if now is None else now
            marked = True
    return marked


def next_number(session, prefix: str) -> str:
    """custom-1, custom-2, ...: an id for numbers set by hand in this session."""
    taken = {b.id for b in session.curveballs}
    n = 1
    while f"{prefix}-{n}" in taken:
        n += 1
    return f"{prefix}-{n}"


NUMBER_NAMES = {
    "users": "users",
    "peak_qps": "peak QPS",
    "catalog_size": "catalog",
    "latency_budget_ms": "latency budget",
    "slate_size": "slate",
    "feature_freshness_s": "feature freshness",
    "batch_window_h": "batch window",
}
UNITS = {"latency_budget_ms": " ms", "feature_freshness_s": " s", "batch_window_h": " h"}


def number(name: str, value) -> str:
    """A requirement's number as people say it: '150,000', '100 ms', '4 h'."""
    if value is None:
        return "none"
    shown = f"{value:,g}" if isinstance(value, float) else f"{value:,}"
    return shown + UNITS.get(name, "")


def what_changed(ball, requirements=None) -> list[str]:
    """'peak QPS 15,000 → 150,000', 'needs a cache', ...: a curveball's changes against
    the numbers before it (as it recorded them, else ``requirements``)."""
    was = getattr(ball, "was", None) or {}

    def before(name):
        return was[name] if name in was else getattr(requirements, name, None)

    lines = [
        f"{NUMBER_NAMES[name]} {number(name, before(name))} → {number(name, value)}"
        for name, value in ball.changes.changed().items()
    ]
    lines += [f"needs a {type_id.replace('_', ' ')}" for type_id in ball.requires]
    lines += [f"rule {rule_id} applies" for rule_id in ball.rules]
    return lines


def custom_curveball(session, changes: dict, say: str, source: CurveballSource):
    """Numbers set by hand (the interviewer's, or a what-if the candidate keeps) as a
    curveball of this session: custom-N or what-if-N."""
    prefix = "what-if" if source == "self" else "custom"
    figures = RequirementChanges.model_validate(changes)
    title = ", ".join(
        f"{NUMBER_NAMES[name]} {number(name, value)}" for name, value in figures.changed().items()
    )
    return AppliedCurveball(
        id=next_number(session, prefix),
        title=(title or "new numbers")[:80],
        say=say or f"New numbers: {title}.",
        source=source,
        at=0.0,
        step=session.current_step,
        changes=figures,
    )


def planned(session, scenario):
    """The scenario's curveball this solo session waits for, and the interview second it is
    due at, or None (none planned, delivered already, or not in the scenario)."""
    if not session.curveball_plan or scenario is None:
        return None
    if any(b.id == session.curveball_plan for b in session.curveballs):
        return None
    ball = next((b for b in scenario.curveballs if b.id == session.curveball_plan), None)
    if ball is None:
        return None
    if ball.at_minute is not None:
        due_s = ball.at_minute * 60
    else:  # two thirds into the interview; half an hour into an untimed one
        due_s = (session.length_minutes or 45) * 40
    if session.length_minutes:  # never after the end of a shorter interview
        due_s = min(due_s, session.length_minutes * 60 * 0.8)
    return ball, due_s


def outcomes(session) -> list[dict]:
    """How the candidate adapted to each curveball, for the report: what it said and
    changed, the rules it broke (their status before and after, on the design of that
    moment), how long until they passed again (None: not by the end), and the boxes added
    and removed since."""
    final = {c.id for c in session.design.components}
    result = []
    for ball in session.curveballs:
        then = set(ball.components_at)
        result.append(
            {
                "id": ball.id,
                "title": ball.title,
                "source": ball.source,
                "said": ball.say,
                "at": mmss_of(ball.elapsed_s),
                "step": ball.step,
                "changed": what_changed(ball),
                "broke": [
                    {"rule": rule, "before": ball.before.get(rule, "pass"), "after": "fail"}
                    for rule in ball.broke
                ],
                "passed_again_after_s": None
                if ball.passed_again_at is None
                else round(max(0.0, ball.passed_again_at - ball.at), 1),
                "added": sorted(final - then),
                "removed": sorted(then - final),
                "strong_answer": list(ball.strong_answer),
                "ended": session.finished_at is not None,
            }
        )
    return result


def outcome_line(outcome: dict) -> str:
    """One curveball's outcome in a sentence (the text report and the Markdown)."""
    changed = "; ".join(outcome["changed"]) or "no number"
    if not outcome["broke"]:
        verdict = "it broke no rule of the design as it stood"
    elif outcome["passed_again_after_s"] is None:
        rules = ", ".join(b["rule"] for b in outcome["broke"])
        verdict = f"it broke {rules}, still failing" + (" at the end" if outcome["ended"] else "")
    else:
        rules = ", ".join(b["rule"] for b in outcome["broke"])
        verdict = f"it broke {rules}; the design passed again {mmss_of(outcome['passed_again_after_s'])} later"
    board = []
    if outcome["added"]:
        board.append("added " + ", ".join(outcome["added"]))
    if outcome["removed"]:
        board.append("removed " + ", ".join(outcome["removed"]))
    moves = (
        f" Board since: {'; '.join(board)}." if board else " Board since: no box added or removed."
    )
    return f"{outcome['title']} at {outcome['at']} ({changed}): {verdict}.{moves}"


def mmss_of(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
