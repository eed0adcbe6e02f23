"""What the interviewer asks next: follow-ups chosen for what the notes have not covered."""

from __future__ import annotations

from design_framework.coverage import StepCoverage
from design_framework.questions import questions_for_step


def follow_ups(
    step_id: str, coverage: StepCoverage, scenario=None, limit: int = 3, offset: int = 0
) -> list[str]:
    """Questions for ``step_id``, those probing uncovered points first.

    Order: bank questions that probe an uncovered checklist point, then the scenario's own
    follow-ups (they probe its expected signals, so they lead while signals are missing),
    then the rest of the bank for the step. ``offset`` rotates the list ("another question").
    """
    uncovered = {p.id for p in coverage.checklist if not p.covered}
    signals_missing = any(not p.covered for p in coverage.signals)
    asked = questions_for_step(step_id)
    probing = [q.text for q in asked if uncovered & set(q.points)]
    own = list(scenario.steps[step_id].follow_ups) if scenario and step_id in scenario.steps else []
    rest = [q.text for q in asked if q.text not in probing]
    ordered = (own + probing + rest) if signals_missing else (probing + own + rest)
    unique = list(dict.fromkeys(ordered))
    if not unique:
        return []
    start = offset % len(unique)
    rotated = unique[start:] + unique[:start]
    return rotated[:limit]
