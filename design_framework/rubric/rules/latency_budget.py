"""latency.budget: the slowest serving path fits the scenario's latency budget.

Realtime scenarios time the request path; nearline ones the event path (from the event to
its score) when the design has one. Each node costs ``latency_ms + ms_per_1k_items * in_k /
1000`` plus every store it reads (``latency_ms + ms_per_1k_keys * keys / 1000``); retrieval
that reads no ANN index or precomputed store scans what it takes in; parallel branches count
once, the slowest of them. A cost typed below its type's plausible range is costed at the
catalog default (params.plausible says so): the budget is met by the design, not the number.

Passing: 200 ms budget, client -> gateway (5) -> retrieval (15 + ANN 5.5) -> ranker fed
1,000 items (10 + 25 + 1,000 feature rows 6) = 66.5 ms. Failing: retrieval with no index
scans 100M items at 0.02 ms per 1,000 (2 s), or the ranker fed 100,000 items costs 2.6 s.

A request-path node that reads an offline system (``data_warehouse -> ranker``, or the
ranker querying it, drawn both ways) has no cost any formula could give: unknown is not
pass, so the rule fails and names the call (a warehouse query takes seconds), with the
drawn costs as a lower bound. A log the ranker writes into the lake is no read.
"""

import networkx as nx
from pydantic import Field

from components.analysis import RequestPathCycle, critical_path, event_critical_path
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
    for read in cost.reads:
        parts.append(f"{read.ms:,.1f} ms reading {read.keys:,} keys from {read.store}")
    return " + ".join(parts)


def _hint(design, slowest, cost) -> str:
    attrs = design.graph.nodes[slowest]
    if attrs.get("scan_replaced_by") and cost.items_ms > cost.base_ms:
        return (
            f"{slowest} reads no {' or '.join(attrs['scan_replaced_by'])}, so it scans all "
            f"{cost.in_k:,} items exactly. Put an ANN index (or precomputed candidate lists) "
            "beside it."
        )
    if cost.store_ms > cost.compute_ms:
        return (
            "Store reads dominate: fetch fewer rows (send fewer candidates on), cache, or "
            "read the stores in parallel."
        )
    fed_by_nothing = attrs["funnel"] and not any(
        design.graph.nodes[p]["funnel"] for p in nx.ancestors(design.request, slowest)
    )
    if fed_by_nothing and cost.in_k >= design.catalog_size:
        # A heavy stage with nothing before it: say so, the arithmetic alone would puzzle.
        return (
            f"No funnel stage feeds {slowest}, so it scores the whole catalog. Put a "
            f"retrieval stage before it (retrieval -> {slowest}) to hand it candidates."
        )
    if cost.items_ms > cost.base_ms:
        return "Send fewer items to the expensive stage (a pre-ranker, or a lower out_k upstream)."
    return "Run stages in parallel, cache, or pick faster stores for the slowest node."


def _uncosted_calls(design, path_nodes) -> list[tuple[str, str]]:
    """(node, offline system) pairs: request-path nodes joined to an offline system."""
    calls = []
    for node in sorted(path_nodes):
        if design.role(node) != "online":
            continue
        for other in sorted(design.reads(node)):
            if design.role(other) == "offline":
                calls.append((node, other))
    return calls


def _uncosted_note(calls) -> str:
    if not calls:
        return ""
    named = "; ".join(f"{node} calling {other}" for node, other in calls)
    return (
        f" Not counted: {named}. An offline system answers in seconds, so no budget "
        "carries that call, and the real worst case is unknown (see serving.no_offline_reads)."
    )


def check(design, scenario, options: Options):
    budget = options.budget_ms or (scenario.requirements.latency_budget_ms if scenario else None)
    if budget is None:
        return [RULE.skipped("No latency budget applies (no scenario, or a batch scenario).")]
    events = design.mode == "nearline" and bool(design.event_path)
    try:
        report = (
            event_critical_path(design.graph)
            if events
            else critical_path(design.graph, design.catalog_size)
        )
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
    what = "event path (from the event to its score)" if events else "request path"
    figures = {
        "total_ms": round(report.total_ms, 1),
        "budget_ms": budget,
        "critical_path": report.path,
        "per_node_ms": per_node,
        "slowest": slowest,
        "path_kind": "event" if events else "request",
    }
    calls = _uncosted_calls(design, design.request.nodes if not events else report.path)
    if calls:
        figures["uncosted_offline_calls"] = [list(call) for call in calls]
    summary = (
        f"The slowest {what} takes {report.total_ms:,.1f} ms against a "
        f"{budget:,g} ms budget: {path_text(report.path)}.{_uncosted_note(calls)}"
    )
    if calls:  # unknown is not pass: no formula gives an offline system's answer time
        return [
            RULE.failed(
                summary.replace("takes", "takes at least", 1),
                nodes=sorted({n for call in calls for n in call}),
                figures=figures,
                hint="Serve from online stores: materialise what the path reads from "
                f"{', '.join(sorted({o for _, o in calls}))} into a feature store or a "
                "precomputed store, filled offline.",
            )
        ]
    if report.total_ms <= budget:
        return [RULE.passed(summary, figures=figures)]
    cost = report.costs[slowest]
    typed = {
        n: design.graph.nodes[n]["implausible"]
        for n in report.path
        if design.graph.nodes[n].get("implausible")
    }
    if typed:
        figures["costed_at_default"] = typed
    note = "".join(
        f" {n}'s {', '.join(f'{k} = {v:g}' for k, v in values.items())} is below what such a "
        "component costs, so it is costed at the catalog default (see params.plausible)."
        for n, values in typed.items()
    )
    return [
        RULE.failed(
            f"{summary} The slowest node, {slowest}, costs {_cost_text(cost)}.{note}",
            nodes=[slowest],  # the path itself is in figures and drawn on the edges
            figures=figures,
            hint=_hint(design, slowest, cost),
        )
    ]
