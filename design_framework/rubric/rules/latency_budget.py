"""latency.budget: the slowest request path fits the scenario's latency budget.

Each online node costs ``latency_ms + ms_per_1k_items * in_k / 1000`` plus the slowest
online store it reads; parallel branches count once, the slowest of them.

Passing: 200 ms budget, client -> gateway (5) -> retrieval (15 + ANN 5) -> ranker fed 500
items (10 + 12.5 + features 5) = 52.5 ms. Failing: the same ranker fed 100,000 items costs
2,515 ms on its own.
"""

import networkx as nx
from pydantic import Field

from components.analysis import RequestPathCycle, critical_path
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, path_text

RULE = Rule("latency.budget", "Latency budget", "serving")


class Options(BaseOptions):
    budget_ms: float | None = Field(
        None, gt=0, description="Overrides the scenario's latency_budget_ms."
    )


def _cost_text(cost) -> str:
    parts = [f"{cost.base_ms:g} ms"]
    if cost.items_ms:
        parts.append(f"{cost.items_ms:,.1f} ms for {cost.in_k:,} items")
    if cost.store:
        parts.append(f"{cost.store_ms:g} ms reading {cost.store}")
    return " + ".join(parts)


def check(design, scenario, options: Options):
    budget = options.budget_ms or (scenario.requirements.latency_budget_ms if scenario else None)
    if budget is None:
        return [RULE.skipped("No latency budget applies (no scenario, or a batch scenario).")]
    try:
        report = critical_path(design.graph, design.catalog_size)
    except RequestPathCycle as cycle:
        return [
            RULE.failed(
                f"No worst case exists: {cycle}.",
                nodes=cycle.cycle,
                figures={"cycle": cycle.cycle, "budget_ms": budget},
                hint="Draw data flow one way (client to answer); leave responses out.",
            )
        ]
    if not report.path:
        return [
            RULE.skipped(
                "There is no request path to time yet (see path.request).",
                figures={"budget_ms": budget},
            )
        ]
    per_node = {n: round(report.costs[n].total_ms, 2) for n in report.path}
    slowest = max(report.path, key=lambda n: report.costs[n].total_ms)
    figures = {
        "total_ms": round(report.total_ms, 1),
        "budget_ms": budget,
        "critical_path": report.path,
        "per_node_ms": per_node,
        "slowest": slowest,
    }
    summary = (
        f"The slowest request path takes {report.total_ms:,.1f} ms against a "
        f"{budget:g} ms budget: {path_text(report.path)}."
    )
    if report.total_ms <= budget:
        return [RULE.passed(summary, figures=figures)]
    cost = report.costs[slowest]
    hint = (
        "Send fewer items to the expensive stage (a pre-ranker, or a lower out_k upstream)."
        if cost.items_ms > cost.base_ms
        else "Run stages in parallel, cache, or pick faster stores for the slowest node."
    )
    fed_by_nothing = design.graph.nodes[slowest]["funnel"] and not any(
        design.graph.nodes[p]["funnel"] for p in nx.ancestors(design.request, slowest)
    )
    if (
        fed_by_nothing
        and cost.in_k >= design.catalog_size
        and design.type(slowest) != ("candidate_generation")
    ):
        # A service drawn as a star (service -> retrieval, service -> ranker) makes every
        # stage a first stage: say so, the arithmetic alone would puzzle.
        hint = (
            f"No funnel stage feeds {slowest}, so it scores the whole catalog. Draw the "
            f"stages in order (retrieval -> {slowest}) rather than all from the service."
        )
    return [
        RULE.failed(
            f"{summary} The slowest node, {slowest}, costs {_cost_text(cost)}.",
            nodes=[slowest],  # the path itself is in figures and drawn on the edges
            figures=figures,
            hint=hint,
        )
    ]
