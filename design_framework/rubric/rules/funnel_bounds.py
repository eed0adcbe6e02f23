"""funnel.bounds: each stage outputs a count within the scenario's bounds, and the last
stage still fills the slate.

Passing: bounds ranker 50-500, slate 50; the ranker outputs 200. Failing: the re-ranker
that makes the slate outputs 20 items but the app shows 50.
"""

from components.analysis import RequestPathCycle, final_stages, funnel_flow
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule
from design_framework.rubric.rules.funnel_narrows import funnel_figures

RULE = Rule("funnel.bounds", "Funnel sizes", "framing")


class Options(BaseOptions):
    pass


def check(design, scenario, options: Options):
    if scenario is None:
        return [RULE.skipped("Funnel bounds come from a scenario; none is selected.")]
    try:
        flow = funnel_flow(design.graph, design.catalog_size)
    except RequestPathCycle as cycle:
        return [RULE.skipped(f"Funnel sizes are undefined: {cycle}.", nodes=cycle.cycle)]
    stages = funnel_figures(design, flow)
    if not stages:
        return [RULE.skipped("No funnel stage sits on the request path.")]
    slate = scenario.requirements.slate_size
    problems, nodes = [], []
    for stage in stages:
        bounds = scenario.funnel.get(stage["type"])
        if bounds is None:
            continue
        if bounds.min_out_k and stage["out_k"] < bounds.min_out_k:
            problems.append(
                f"{stage['node']} outputs {stage['out_k']:,}, fewer than {bounds.min_out_k:,}"
            )
            nodes.append(stage["node"])
        if bounds.max_out_k and stage["out_k"] > bounds.max_out_k:
            problems.append(
                f"{stage['node']} outputs {stage['out_k']:,}, more than {bounds.max_out_k:,}"
            )
            nodes.append(stage["node"])
    for last in final_stages(design.graph):
        if flow[last][1] < slate:
            problems.append(
                f"{last} makes the slate with {flow[last][1]:,} items but the app shows {slate:,}"
            )
            nodes.append(last)
    bounds_figure = {t: b.model_dump(exclude_none=True) for t, b in scenario.funnel.items()}
    figures = {"funnel": stages, "bounds": bounds_figure, "slate_size": slate}
    if not problems:
        return [
            RULE.passed(
                f"Every stage is within bounds and the slate gets at least {slate:,} items.",
                figures=figures,
            )
        ]
    return [
        RULE.failed(
            "Funnel sizes are off: " + "; ".join(problems) + ".",
            nodes=sorted(set(nodes)),
            figures=figures,
            hint="Set out_k on those stages within the bounds shown.",
        )
    ]
