"""What the interviewer asks next: follow-ups chosen for what the notes have not covered."""

from __future__ import annotations

from design_framework.coverage import LISTED, MISSING, NEGATED, StepCoverage
from design_framework.questions import questions_for_step


def follow_ups(
    step_id: str, coverage: StepCoverage, scenario=None, limit: int = 3, offset: int = 0
) -> list[str]:
    """Questions for ``step_id``, those probing what the notes only dismissed or listed first.

    Order: bank questions that probe a checklist point the notes negated or only listed
    (the candidate named it and moved on: an interviewer asks about exactly that), then
    questions probing missing points, then the rest of the bank for the step. The
    scenario's own follow-ups probe its expected signals, so they come before the missing
    points while any signal is not covered, after them otherwise. ``offset`` rotates the
    list ("another question"). Bank questions about another scenario's subject, and those
    probing only points this scenario marks not relevant, are never offered.
    """
    weak = {p.id for p in coverage.checklist if p.status in (NEGATED, LISTED)}
    missing = {p.id for p in coverage.checklist if p.status == MISSING}
    signals_open = any(not p.covered for p in coverage.signals)
    skip = {item.id for item in getattr(coverage, "not_relevant", [])}
    asked = [q for q in questions_for_step(step_id) if q.fits(getattr(scenario, "id", None), skip)]
    probing_weak = [q.text for q in asked if weak & set(q.points)]
    probing_missing = [q.text for q in asked if missing & set(q.points)]
    own = list(scenario.steps[step_id].follow_ups) if scenario and step_id in scenario.steps else []
    rest = [q.text for q in asked]
    if signals_open:
        ordered = probing_weak + own + probing_missing + rest
    else:
        ordered = probing_weak + probing_missing + own + rest
    unique = list(dict.fromkeys(ordered))
    if not unique:
        return []
    start = offset % len(unique)
    rotated = unique[start:] + unique[:start]
    return rotated[:limit]
