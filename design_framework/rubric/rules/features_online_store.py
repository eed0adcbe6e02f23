"""features.online_store: serving models get their features from an online store (or from
a stream processor handing them over with the event), never straight from offline systems.

A model counts as fed when it reads a store of ``store_types`` (directly or through a cache
the store fills), when a serving node before it
on the path reads one and passes the features on (the service hydrates features, then calls
the ranker), or, on an event path, when a stream processor computes them on the way. An edge
either way between a model and an offline data system is a synchronous read, whichever way
it is drawn. Models that need only the request (a query-text classifier, a dot-product
pre-ranker over embeddings it is handed) are not in the default ``model_types``; a scenario
lists the types that need features.

Passing: feature_store -> ranker, or gateway -> service -> ranker with feature_store ->
service. Failing: data_lake -> ranker (a query to the lake on every request takes seconds),
ranker -> data_warehouse (the same read drawn in call direction), or a ranker with no feature
source at all.
"""

import networkx as nx
from pydantic import Field

from components.analysis import event_graph
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names

RULE = Rule("features.online_store", "Online features", "data")


class Options(BaseOptions):
    model_types: list[TypeId] = Field(
        default_factory=lambda: ["ranker", "model_server", "bandit_policy"],
        description="Serving model types that need features beyond the request.",
    )
    store_types: list[TypeId] = Field(
        default_factory=lambda: ["feature_store"],
        description="Stores that count as an online feature source.",
    )
    offline_data_types: list[TypeId] = Field(
        default_factory=lambda: [
            "data_lake",
            "data_warehouse",
            "batch_etl",
            "labeling",
            "content_features",
        ],
        description="Offline data systems a model must not read features from directly "
        "(deployment edges from training or the registry are judged by deploy.registry).",
    )


def _reads_store(design, node, store_types) -> bool:
    # a cache in front of the store is read through to it (components/reading.py)
    return any(
        design.type(s) in store_types and design.role(s) == "online_store"
        for s in design.reads(node)
    )


def _fed(design, model, options) -> bool:
    if _reads_store(design, model, options.store_types):
        return True
    upstream = set()
    if model in design.request:
        upstream |= nx.ancestors(design.request, model)
    events = event_graph(design.graph)
    if model in events:
        before = nx.ancestors(events, model)
        if any(design.type(n) == "stream_processor" for n in before):
            return True
        upstream |= before
    return any(_reads_store(design, n, options.store_types) for n in upstream)


def check(design, scenario, options: Options):
    models = [
        n
        for n in design.of_type(*options.model_types)
        if design.role(n) == "online" and design.on_serving_path(n)
    ]
    if not models:
        return [RULE.skipped("No serving model needs online features.")]
    without_store = [m for m in models if not _fed(design, m, options)]
    offline_fed = {
        m: sorted(n for n in design.reads(m) if design.type(n) in options.offline_data_types)
        for m in models
    }
    offline_fed = {m: sources for m, sources in offline_fed.items() if sources}
    figures = {"models": models, "without_store": without_store, "offline_sources": offline_fed}
    if not without_store and not offline_fed:
        return [RULE.passed(f"{names(models)} get features from an online store.", figures=figures)]
    parts = []
    if without_store:
        parts.append(
            f"{names(without_store)} read no {' or '.join(options.store_types)}, and nothing "
            "before them on the path does"
        )
    for model, sources in offline_fed.items():
        parts.append(f"{model} reads offline {names(sources)} directly")
    return [
        RULE.failed(
            "Online features are missing: " + "; ".join(parts) + ".",
            nodes=sorted(set(without_store) | set(offline_fed)),
            figures=figures,
            hint="Materialise features into a feature store (batch and streaming "
            "writers) and have the models read it in milliseconds.",
        )
    ]
