"""monitoring.coverage: monitoring watches the models' outputs and the data they learn from.

Watching means an edge, either way, between a monitoring node and what it watches. Model
outputs are watched when monitoring is joined to a serving model (on a request path, an
event path, or a batch job whose results are served) or to the stream or store that model
writes its outputs to (predictions logged to the event stream, scores written to the
precomputed store). The data is watched when monitoring is joined to one of ``data_types``
(feature and label drift). Watching only the gateway sees errors and latency, not a model
that quietly got worse.

Passing: ranker -> monitoring and feature_store -> monitoring (drift). Failing: monitoring
tied only to the gateway, or only to the models, so feature drift goes unseen.
"""

from pydantic import Field

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names

RULE = Rule("monitoring.coverage", "Monitoring coverage", "monitoring")


class Options(BaseOptions):
    serving: bool = Field(True, description="Require a serving model's outputs to be watched.")
    data: bool = Field(True, description="Require a data node to be watched (drift).")
    model_types: list[TypeId] = Field(
        default_factory=lambda: [
            "candidate_generation",
            "pre_ranker",
            "ranker",
            "re_ranker",
            "filter",
            "model_server",
            "bandit_policy",
            "recommendation_service",
            "batch_scoring",
        ],
        description="Types whose outputs count as model outputs.",
    )
    data_types: list[TypeId] = Field(
        default_factory=lambda: [
            "event_stream",
            "stream_processor",
            "data_lake",
            "data_warehouse",
            "batch_etl",
            "feature_store",
            "batch_scoring",
            "precomputed_store",
            "labeling",
        ],
        description="Types whose data drift monitoring should watch.",
    )


def check(design, scenario, options: Options):
    monitors = design.of_type("monitoring")
    if not monitors:
        return [
            RULE.failed(
                "There is no monitoring, so errors, latency and drift go unseen.",
                hint="Add monitoring fed by the serving models and the feature data.",
            )
        ]
    watched = set().union(*(design.neighbours(m) for m in monitors))
    models = {
        n
        for n in design.serving
        if design.type(n) in options.model_types and design.role(n) != "entry"
    }
    outputs = {
        s: m
        for m in models
        for s in design.graph.successors(m)
        if design.role(s) in ("nearline", "online_store", "offline")
    }
    serving = sorted(n for n in watched if n in models)
    via_outputs = sorted(n for n in watched if n in outputs)
    data = sorted(n for n in watched if design.type(n) in options.data_types)
    figures = {
        "monitors": monitors,
        "serving_watched": serving,
        "outputs_watched": {n: outputs[n] for n in via_outputs},
        "data_watched": data,
    }
    gaps = []
    if options.serving and not serving and not via_outputs:
        others = sorted(n for n in watched if n in design.serving)
        seen = f" (it sees only {names(others)})" if others else ""
        gaps.append(f"no model's outputs (prediction distribution, quality){seen}")
    if options.data and not data:
        gaps.append("no data node (feature and label drift)")
    if not gaps:
        watched_models = serving + [f"{outputs[n]} via {n}" for n in via_outputs]
        return [
            RULE.passed(
                f"Monitoring watches model outputs ({', '.join(watched_models) or 'n/a'}) and "
                f"data ({names(data) or 'n/a'}).",
                figures=figures,
            )
        ]
    return [
        RULE.failed(
            f"{names(monitors)} watches " + " and ".join(gaps) + ".",
            nodes=monitors,
            figures=figures,
            hint="Connect monitoring to the serving models (or the stream their predictions "
            "are logged to) and to the feature store or event stream.",
        )
    ]
