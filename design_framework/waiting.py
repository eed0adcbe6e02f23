"""Feedback that waits its turn (coached practice): which failing checks are about a part of
the design the candidate has not started yet.

A failing or warning finding waits while its framework step comes after the step the
candidate is on and no box of the types it is about is on the board
(``design_framework/waiting.yaml``). An empty board has nothing judged yet (its vacuous
passes wait too); once the step is reached, or its boxes appear, the check counts. The
report after Finish judges everything.

Passing: on Requirements with an empty board, ``monitoring.coverage`` ("there is no
monitoring") waits. Failing to wait: on Monitoring, or with a monitoring box drawn, it counts.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from components.design import Design
from design_framework.steps import load_framework

WAITING_FILE = Path(__file__).with_name("waiting.yaml")


@lru_cache(maxsize=1)
def waits_for() -> dict[str, tuple[str, ...]]:
    """Rule id -> the box types whose presence starts the check."""
    data = yaml.safe_load(WAITING_FILE.read_text(encoding="utf-8")) or {}
    return {rule: tuple(types or ()) for rule, types in data.items()}


def waiting_rules(report, design: Design, current_step: str) -> set[str]:
    """Rule ids whose failing findings wait (see the module docstring)."""
    order = {step.id: index for index, step in enumerate(load_framework().steps)}
    here = order.get(current_step, 0)
    drawn = {component.type for component in design.components}
    kinds = waits_for()
    waiting = {
        f.rule
        for f in report.findings
        if f.status in ("fail", "warn")
        and order.get(f.step, 0) > here
        and not drawn & set(kinds.get(f.rule, ()))
    }
    if not design.components:  # an empty board passes nothing yet: its passes are vacuous
        waiting |= {f.rule for f in report.findings if f.status == "pass"}
    return waiting
