"""Which step a change on the board belongs to, so time spent drawing is booked honestly.

A senior interviewer does not mark a candidate "over budget on requirements" because they
sketched the serving path while playing the requirements back: the minutes spent drawing
the serving path are serving minutes. So the clock books time spent drawing to the step
the drawing belongs to, read from what was edited: the changed components' types, through
``draws`` in steps.yaml (a type id there wins over its catalog category): serving
components, the client and the online stores to Serving, retrieval, ranking and training
to Model, data, streaming and the feature store to Data, A/B and bandits to Evaluation,
monitoring to Monitoring. The user may instead say which step they are drawing for
(``Session.drawing_for``).

How much time is drawing: the time since the last change to the notes or the design, at
most ``DRAW_GAP_S``. A longer silence is talking or thinking, and stays with the step the
candidate is on.
"""

from __future__ import annotations

from functools import lru_cache

from components.catalog import load_catalog
from components.design import Design
from design_framework.steps import STEP_IDS, load_framework

DRAW_GAP_S = 60.0
"""Most time one change on the board can claim as drawing: the time since the previous
change to the notes or the design, capped here."""


class DrawsError(ValueError):
    """steps.yaml's ``draws`` do not put every catalog type on exactly one step."""


@lru_cache(maxsize=1)
def step_of_types() -> dict[str, str]:
    """The step each catalog type's drawing belongs to, from steps.yaml's ``draws``."""
    catalog = load_catalog()
    categories = {c.id for c in catalog.categories}
    by_type: dict[str, str] = {}
    by_category: dict[str, str] = {}
    problems = []
    for step in load_framework().steps:
        for name in step.draws:
            table = by_type if name in catalog else by_category if name in categories else None
            if table is None:
                problems.append(f"{step.id}.draws: {name!r} is neither a type nor a category")
            elif name in table:
                problems.append(f"{step.id}.draws: {name!r} is drawn in {table[name]} already")
            else:
                table[name] = step.id
    result = {}
    for type_id in catalog.ids:
        step = by_type.get(type_id) or by_category.get(catalog.get(type_id).category)
        if step is None:
            problems.append(
                f"type {type_id!r} (category {catalog.get(type_id).category}) has no step"
            )
        result[type_id] = step
    if problems:
        raise DrawsError("; ".join(problems))
    return result


def steps_for_edit(old: Design, new: Design) -> list[str]:
    """The steps a change from ``old`` to ``new`` belongs to, in interview order: those of
    every component added, removed, moved or edited, and of both ends of every edge added,
    removed or relabelled. Empty when only sticky notes changed (or nothing did)."""
    steps = step_of_types()
    before = {c.id: c for c in old.components}
    after = {c.id: c for c in new.components}
    touched: set[str] = set()
    for cid in set(before) | set(after):
        if before.get(cid) != after.get(cid):
            touched.add((after.get(cid) or before[cid]).type)

    def edges(design: Design) -> dict[tuple[str, str], str | None]:
        return {(e.source, e.target): e.label for e in design.edges}

    old_edges, new_edges = edges(old), edges(new)
    for end_points in set(old_edges) | set(new_edges):
        if old_edges.get(end_points, ...) != new_edges.get(end_points, ...):
            for cid in end_points:
                component = after.get(cid) or before.get(cid)
                if component is not None:
                    touched.add(component.type)
    found = {steps.get(t) for t in touched} - {None}
    return [s for s in STEP_IDS if s in found]
