"""capacity.batch_window: the batch job's work fits the batch window with its workers.

Work of a ``batch_scoring`` job = keys (the scenario's users, or ``population``) x items
scored per key (its ``in_k``, else the ``items_per_user`` option, else the catalog: a job
with no candidate step scores every item for every user) x ``ms_per_1k_items`` / 1000,
spread over its ``workers``. The hours must fit ``batch_window_h``.

Passing: 100M users x 1,000 candidates at 2 ms per 1,000 items = 200,000 s of compute; over
100 workers about 0.6 h, inside a 24 h window. Failing: 100M users x 100M items (10^16
pairs) over 10 workers, about 63 years.
"""

from typing import Literal

from pydantic import Field

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, names

RULE = Rule("capacity.batch_window", "Batch window", "serving")


class Options(BaseOptions):
    population: Literal["users", "daily_active_users", "catalog_size"] = Field(
        "users",
        description="Which requirement counts the keys the job scores (catalog_size for a "
        "job that scores every item once, such as tagging tracks).",
    )
    items_per_user: int | None = Field(
        None, gt=0, description="Items scored per key when the design does not say (in_k)."
    )


def _hours(value: float) -> str:
    if value >= 24 * 365:
        return f"{value / (24 * 365):,.1f} years"
    if value >= 48:
        return f"{value / 24:,.1f} days"
    return f"{value:,.2f} h"


def check(design, scenario, options: Options):
    window = scenario.requirements.batch_window_h if scenario else None
    if window is None:
        return [RULE.skipped("No batch window applies (no scenario, or not a batch scenario).")]
    jobs = design.of_type("batch_scoring")
    if not jobs:
        return [RULE.skipped("No batch_scoring job to size (see batch.pipeline).")]
    keys = getattr(scenario.requirements, options.population) or scenario.requirements.users
    figures = {"batch_window_h": window, "keys": keys, "jobs": {}}
    late = []
    for job in jobs:
        attrs = design.graph.nodes[job]
        items = attrs.get("in_k") or options.items_per_user or design.catalog_size
        per_1k = float(attrs["ms_per_1k_items"] or 0)
        workers = attrs.get("workers") or 1
        compute_h = keys * items * per_1k / 1000 / 1000 / 3600
        hours = compute_h / workers
        figures["jobs"][job] = {
            "items_per_key": items,
            "pairs": keys * items,
            "ms_per_1k_items": per_1k,
            "workers": workers,
            "compute_h": round(compute_h, 2),
            "hours": round(hours, 3),
            "workers_needed": max(1, -(-int(compute_h * 1000) // int(window * 1000)))
            if window
            else None,
        }
        if hours > window:
            late.append(job)
    text = "; ".join(
        f"{job}: {keys:,} keys x {f['items_per_key']:,} items at {f['ms_per_1k_items']:g} ms per "
        f"1,000 = {f['compute_h']:,.0f} core-hours over {f['workers']:,} workers, "
        f"{_hours(f['hours'])}"
        for job, f in figures["jobs"].items()
    )
    if not late:
        return [
            RULE.passed(f"The batch run fits its {window:g} h window: {text}.", figures=figures)
        ]
    need = ", ".join(f"{j} needs {figures['jobs'][j]['workers_needed']:,} workers" for j in late)
    return [
        RULE.failed(
            f"The batch run does not fit its {window:g} h window: {text}.",
            nodes=late,
            figures=figures,
            hint=f"Score fewer items per user (a candidate step before {names(late)}), a "
            f"cheaper model, or more workers ({need}).",
        )
    ]
