"""serving.no_offline_reads: no serving node calls an offline system synchronously.

Offline systems (lake, warehouse, batch jobs, training) reach serving only as deployed
artifacts: models through the registry, and results written into online stores (index
builds, precomputed results, materialised features). An edge either way between an online
node on a request or event path and an offline system is a synchronous call, however it is
drawn: ``ranker -> data_warehouse`` is the ranker querying the warehouse (or writing to it)
on every request. Logs go through an event stream. Edges to or from the model registry are
deployment and are allowed.

Passing: data_lake -> batch_etl -> feature_store -> ranker. Failing: data_warehouse ->
ranker, or service -> data_lake (a warehouse or lake query per request takes seconds and
falls over at peak).
"""

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule

RULE = Rule("serving.no_offline_reads", "No offline reads when serving", "serving")

DEPLOYMENT_TYPES = ("model_registry",)


class Options(BaseOptions):
    pass


def _offline(design, node) -> bool:
    return design.role(node) == "offline" and design.type(node) not in DEPLOYMENT_TYPES


def check(design, scenario, options: Options):
    online = [n for n in design.with_role("online")]
    if not online:
        return [RULE.skipped("The design has no online node yet.")]
    serving = {n for n in online if design.on_serving_path(n)} or set(online)
    # Logs and hand-offs a serving node writes into the lake are no reads; reads drawn in
    # call direction (ranker -> warehouse, both ways) the reading turned to data direction.
    # A model pushed straight from training is a deployment that skips the registry:
    # deploy.registry's finding, not a read at request time (one mistake, one rule).
    bad = [
        (u, v)
        for u, v, kind in design.graph.edges(data="kind")
        if kind == "data" and _offline(design, u) and v in serving
    ]
    if not bad:
        return [RULE.passed("Serving nodes read only online stores and deployed models.")]
    links = "; ".join(
        f"{u} ({design.type(u)}) -> {v}"
        if _offline(design, u)
        else f"{u} -> {v} ({design.type(v)})"
        for u, v in bad
    )
    return [
        RULE.failed(
            f"Serving nodes call offline systems synchronously: {links}.",
            nodes=sorted({n for edge in bad for n in edge}),
            figures={"offline_reads": [list(edge) for edge in bad]},
            hint="Write offline results into an online store (feature store, precomputed "
            "store, ANN index), deploy models via the registry, and send logs through an "
            "event stream.",
        )
    ]
