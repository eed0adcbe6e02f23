"""serving.no_offline_reads: no request-path node reads an offline system synchronously.

Offline systems (lake, warehouse, batch jobs, training) reach serving only as deployed
artifacts: models through the registry, and results written into online stores (index
builds, precomputed results, materialised features).

Passing: data_lake -> batch_etl -> feature_store -> ranker. Failing: data_warehouse ->
ranker (a warehouse query per request takes seconds and falls over at peak).
"""

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule

RULE = Rule("serving.no_offline_reads", "No offline reads when serving", "serving")


class Options(BaseOptions):
    pass


def check(design, scenario, options: Options):
    online = design.with_role("online")
    if not online:
        return [RULE.skipped("The design has no online node yet.")]
    bad = [
        (u, v)
        for u, v in design.graph.edges
        if design.role(u) == "offline"
        and design.type(u) != "model_registry"
        and design.role(v) == "online"
    ]
    if not bad:
        return [RULE.passed("Online nodes read only online stores and deployed models.")]
    links = "; ".join(f"{u} ({design.type(u)}) -> {v}" for u, v in bad)
    return [
        RULE.failed(
            f"Request-path nodes read offline systems synchronously: {links}.",
            nodes=sorted({n for edge in bad for n in edge}),
            figures={"offline_reads": [list(edge) for edge in bad]},
            hint="Write offline results into an online store (feature store, "
            "precomputed store, ANN index) and deploy models via the registry.",
        )
    ]
