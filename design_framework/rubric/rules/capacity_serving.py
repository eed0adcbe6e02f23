"""capacity.serving: at peak, how many serving cores and replicas the request path needs.

For each online node a request (or, in a nearline scenario, an event) reaches: cores busy
at peak = ``peak_qps x compute_ms / 1000``, where compute_ms is the node's own work
(``latency_ms + ms_per_1k_items x in_k / 1000``, store waits excluded); replicas needed =
cores / (8 cores per replica x 60% target utilisation), rounded up. The figures always show
the arithmetic; a node whose declared ``replicas`` cannot carry the peak is a warning.

Passing: 20,000 QPS, a ranker scoring 500 items (10 + 12.5 ms) keeps 450 cores busy, 94
replicas; the design declares 120. Warning: the same ranker declared with 10 replicas.
"""

from pydantic import Field

from components.analysis import (
    CORES_PER_REPLICA,
    TARGET_UTILISATION,
    RequestPathCycle,
    event_costs,
    node_costs,
    replicas_needed,
)
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, names

RULE = Rule("capacity.serving", "Serving capacity", "serving")


class Options(BaseOptions):
    peak_qps: float | None = Field(None, gt=0, description="Overrides the scenario's peak_qps.")


def check(design, scenario, options: Options):
    qps = options.peak_qps or (scenario.requirements.peak_qps if scenario else None)
    if qps is None or (scenario is not None and design.mode == "batch"):
        return [RULE.skipped("No peak request rate applies (no scenario, or a batch scenario).")]
    try:
        costs = node_costs(design.graph, design.catalog_size)
    except RequestPathCycle as cycle:
        return [RULE.skipped(f"Capacity is undefined: {cycle}.", nodes=cycle.cycle)]
    unit = "requests"
    if design.mode == "nearline" and design.event_path:
        costs = event_costs(design.graph)
        unit = "events"
    nodes = {}
    for node, cost in costs.items():
        if design.role(node) != "online":
            continue
        cores, needed = replicas_needed(qps, cost.compute_ms)
        declared = design.graph.nodes[node].get("replicas")
        nodes[node] = {
            "compute_ms": round(cost.compute_ms, 3),
            "cores": round(cores, 1),
            "replicas_needed": needed,
            "replicas": declared,
        }
    if not nodes:
        return [RULE.skipped("No online node serves requests yet (see path.request).")]
    total_cores = round(sum(n["cores"] for n in nodes.values()), 1)
    figures = {
        "peak_qps": qps,
        "cores_per_replica": CORES_PER_REPLICA,
        "target_utilisation": TARGET_UTILISATION,
        "nodes": nodes,
        "total_cores": total_cores,
    }
    short = {
        n: f
        for n, f in nodes.items()
        if f["replicas"] is not None and f["replicas"] < f["replicas_needed"]
    }
    heaviest = max(nodes, key=lambda n: nodes[n]["cores"])
    summary = (
        f"At {qps:,g} {unit} a second the serving path keeps about {total_cores:,.0f} cores "
        f"busy; the heaviest is {heaviest} ({nodes[heaviest]['cores']:,.0f} cores, "
        f"{nodes[heaviest]['replicas_needed']:,} replicas of {CORES_PER_REPLICA} cores at "
        f"{TARGET_UTILISATION:.0%})."
    )
    if not short:
        return [RULE.passed(summary, figures=figures)]
    details = "; ".join(
        f"{n} declares {f['replicas']:,} replicas but needs {f['replicas_needed']:,} "
        f"({f['compute_ms']:g} ms of compute x {qps:,g}/s = {f['cores']:,.0f} cores)"
        for n, f in short.items()
    )
    return [
        RULE.warned(
            f"{summary} Too few replicas: {details}.",
            nodes=sorted(short),
            figures=figures,
            hint=f"Add replicas to {names(short)}, or cut its compute (fewer items scored, "
            "a lighter model, caching).",
        )
    ]
