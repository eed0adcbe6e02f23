"""funnel.narrows: every funnel stage outputs fewer items than it takes in.

A stage's in_k is the sum of what the stages feeding it output; a first stage takes the
whole catalog. Stages with no out_k (filters) pass their input through and are not judged.

Passing: catalog 100M -> retrieval 2,000 + 1,000 -> pre-ranker 500 -> ranker 100.
Failing: the pre-ranker outputs 500 and the ranker after it is set to output 1,000.
"""

from itertools import groupby

from components.analysis import RequestPathCycle, funnel_flow, funnel_levels
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule

RULE = Rule("funnel.narrows", "Funnel narrows", "framing")


class Options(BaseOptions):
    pass


def funnel_figures(design, flow) -> list[dict]:
    """The funnel in request order, for the report: node, type, level, in_k, out_k."""
    levels = funnel_levels(design.graph)
    stages = [
        {
            "node": n,
            "type": design.type(n),
            "level": levels[n],
            "in_k": flow[n][0],
            "out_k": flow[n][1],
        }
        for n in flow
        if n in levels
    ]
    return sorted(stages, key=lambda s: s["level"])


def funnel_text(catalog_size: int, stages: list[dict]) -> str:
    """``100,000,000 -> a 1,000 + b 800 -> ranker 100``: parallel channels joined by +."""
    steps = [f"{catalog_size:,}"]
    for _, level in groupby(stages, key=lambda s: s["level"]):
        steps.append(" + ".join(f"{s['node']} {s['out_k']:,}" for s in level))
    return " -> ".join(steps)


def check(design, scenario, options: Options):
    try:
        flow = funnel_flow(design.graph, design.catalog_size)
    except RequestPathCycle as cycle:
        return [RULE.skipped(f"Funnel sizes are undefined: {cycle}.", nodes=cycle.cycle)]
    stages = funnel_figures(design, flow)
    if not stages:
        return [RULE.skipped("No funnel stage sits on the request path.")]
    judged = [s for s in stages if design.graph.nodes[s["node"]]["out_k"] is not None]
    widening = [s for s in judged if s["out_k"] >= s["in_k"]]
    figures = {"catalog_size": design.catalog_size, "funnel": stages}
    if not widening:
        return [
            RULE.passed(
                f"The funnel narrows: {funnel_text(design.catalog_size, stages)}.", figures=figures
            )
        ]
    detail = "; ".join(
        f"{s['node']} takes in {s['in_k']:,} and outputs {s['out_k']:,}" for s in widening
    )
    return [
        RULE.failed(
            f"The funnel does not narrow: {detail}.",
            nodes=[s["node"] for s in widening],
            figures=figures,
            hint="Each stage should keep fewer items than it receives: "
            "lower its out_k, or raise the out_k of the stages feeding it.",
        )
    ]
