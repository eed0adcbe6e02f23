"""capacity.batch_window: the batch job's work fits the batch window with its workers.

Work of a ``batch_scoring`` job = keys (the scenario's users, or ``population``) x items
scored per key (its ``in_k``, else the ``out_k`` of the funnel stage handing it candidates,
else the ``items_per_user`` option) x ``ms_per_1k_items`` / 1000, spread over its
``workers``. The hours must fit ``batch_window_h``. Where the design leaves the items per key
open, the rule asks rather than fails, as an interviewer would: a warning that names the
question and the hours at 1,000 candidates and at the whole catalog (it fails only when even
1,000 candidates would not fit).

Passing: 100M users x 1,000 candidates at 2 ms per 1,000 items = 200,000 s of compute; over
100 workers about 0.6 h, inside a 24 h window. Failing: 100M users x 100M items (in_k
set to the catalog, 10^16 pairs) over 10 workers, about 63 years. Warning: in_k unset.
"""

import re
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


ASSUMED_CANDIDATES = 1_000
"""Items per key an interviewer would suggest when the design leaves it open."""


COUNT_IN_LABEL = re.compile(
    r"(?:top\s+)?(\d[\d,]*)\s*(k|K)?\s+(?:\w+\s+)?(?:candidates|items|tracks|songs|episodes|"
    r"shows|podcasts|artists|playlists)\b"
)
"""A count an arrow states: '1,000 candidates per listener', 'top 500 tracks'."""


def _items_drawn(design, job) -> int | None:
    """Items per key the design states: the job's in_k, the out_k of the funnel stage that
    hands it candidates, or a count on the arrow that hands it its list."""
    attrs = design.graph.nodes[job]
    if attrs.get("in_k"):
        return attrs["in_k"]
    handed = []
    for p in design.graph.predecessors(job):
        node = design.graph.nodes[p]
        said = COUNT_IN_LABEL.search(design.graph.edges[p, job].get("label") or "")
        if node["funnel"] and node["out_k"]:
            handed.append(node["out_k"])
        elif said:
            handed.append(int(said.group(1).replace(",", "")) * (1000 if said.group(2) else 1))
    return sum(handed) or None


def _job_figures(keys, items, attrs, window) -> dict:
    per_1k = float(attrs["ms_per_1k_items"] or 0)
    workers = attrs.get("workers") or 1
    compute_h = keys * items * per_1k / 1000 / 1000 / 3600
    return {
        "items_per_key": items,
        "pairs": keys * items,
        "ms_per_1k_items": per_1k,
        "workers": workers,
        "compute_h": round(compute_h, 2),
        "hours": round(compute_h / workers, 3),
        "workers_needed": max(1, -(-int(compute_h * 1000) // int(window * 1000))),
    }


def _text(job, keys, f) -> str:
    return (
        f"{job}: {keys:,} keys x {f['items_per_key']:,} items at {f['ms_per_1k_items']:g} ms per "
        f"1,000 = {f['compute_h']:,.0f} core-hours over {f['workers']:,} workers, "
        f"{_hours(f['hours'])}"
    )


def check(design, scenario, options: Options):
    window = scenario.requirements.batch_window_h if scenario else None
    if window is None:
        return [RULE.skipped("No batch window applies (no scenario, or not a batch scenario).")]
    jobs = design.of_type("batch_scoring")
    if not jobs:
        return [RULE.skipped("No batch_scoring job to size (see batch.pipeline).")]
    keys = getattr(scenario.requirements, options.population) or scenario.requirements.users
    figures = {"batch_window_h": window, "keys": keys, "jobs": {}}
    late, open_questions, parts = [], [], []
    for job in jobs:
        attrs = design.graph.nodes[job]
        items = _items_drawn(design, job) or options.items_per_user
        if items is None:
            # Ask rather than fail: the design leaves open how many items each key scores.
            small = _job_figures(keys, ASSUMED_CANDIDATES, attrs, window)
            every = _job_figures(keys, design.catalog_size, attrs, window)
            figures["jobs"][job] = {**small, "items_per_key": None, "if_whole_catalog": every}
            if small["hours"] > window:
                late.append(job)
            else:
                open_questions.append(job)
            parts.append(
                f"how many items does {job} score per key? At {ASSUMED_CANDIDATES:,} candidates "
                f"it takes {_hours(small['hours'])}; scoring the whole catalog "
                f"({design.catalog_size:,} items) it would take {_hours(every['hours'])}"
            )
            continue
        f = _job_figures(keys, items, attrs, window)
        figures["jobs"][job] = f
        if f["hours"] > window:
            late.append(job)
        parts.append(_text(job, keys, f))
    text = "; ".join(parts)
    if late:
        need = ", ".join(
            f"{j} needs {figures['jobs'][j]['workers_needed']:,} workers" for j in late
        )
        return [
            RULE.failed(
                f"The batch run does not fit its {window:g} h window: {text}.",
                nodes=late,
                figures=figures,
                hint=f"Score fewer items per user (a candidate step before {names(late)}), a "
                f"cheaper model, or more workers ({need}).",
            )
        ]
    if open_questions:
        return [
            RULE.warned(
                f"The batch window ({window:g} h) depends on a number the design leaves open: "
                f"{text}.",
                nodes=open_questions,
                figures=figures,
                hint=f"Set in_k on {names(open_questions)} (candidates scored per key), or draw "
                "the candidate step that hands it its list.",
            )
        ]
    return [RULE.passed(f"The batch run fits its {window:g} h window: {text}.", figures=figures)]
