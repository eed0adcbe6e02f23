"""features.online_store: models on the request path read features from an online store,
never straight from offline systems.

Passing: feature_store -> ranker. Failing: data_lake -> ranker (a query to the lake on
every request takes seconds), or a ranker with no feature store at all.
"""

from pydantic import Field

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names

RULE = Rule("features.online_store", "Online features", "data")


class Options(BaseOptions):
    model_types: list[TypeId] = Field(
        default_factory=lambda: ["pre_ranker", "ranker", "model_server", "bandit_policy"],
        description="Online model types that need features.",
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


def check(design, scenario, options: Options):
    models = [n for n in design.of_type(*options.model_types) if design.on_request_path(n)]
    if not models:
        return [RULE.skipped("No model on the request path needs online features.")]
    without_store, offline_fed = [], {}
    for model in models:
        sources = design.neighbours(model)
        if not any(design.type(s) in options.store_types for s in sources):
            without_store.append(model)
        offline = [
            p
            for p in design.graph.predecessors(model)
            if design.type(p) in options.offline_data_types
        ]
        if offline:
            offline_fed[model] = offline
    figures = {"models": models, "without_store": without_store, "offline_sources": offline_fed}
    if not without_store and not offline_fed:
        return [
            RULE.passed(f"{names(models)} read features from an online store.", figures=figures)
        ]
    parts = []
    if without_store:
        parts.append(f"{names(without_store)} read no {' or '.join(options.store_types)}")
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
