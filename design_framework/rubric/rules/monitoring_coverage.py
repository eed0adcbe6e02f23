"""monitoring.coverage: monitoring watches the models' outputs and the data they learn from.

Watching means an edge, either way, between a monitoring node and what it watches. Model
outputs are a model's predictions: monitoring is joined to a serving model (on a request
path, an event path, or a batch job whose results are served; a model read inside a stream
job counts), or to where a model writes its predictions (a store it fills with its scores,
a stream or lake its arrow into is labelled as scores or predictions). A service (the
orchestrator, the gateway) counts only when the edge says it watches quality (CTR, score
distribution). The data is watched when monitoring is joined to one of ``data_types``
(feature and label drift). An edge whose label names only health (p99, errors, consumer
lag, job success) watches neither: a service's latency, an index build's success and a
stream's lag do not show a model that quietly got worse.

Passing: ranker -> monitoring and feature_store -> monitoring (drift). Failing: monitoring
tied only to the gateway, only to the models (feature drift goes unseen), or to the ranker
with "p99, errors" and the stream with "consumer lag".
"""

import re

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
            "batch_scoring",
        ],
        description="Types whose outputs count as model outputs (a service counts when the "
        "edge to monitoring names what it watches of quality).",
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


HEALTH = re.compile(
    r"\b(p\d\d|latency|latencies|errors?|5xx|4xx|uptime|availability|qps|rps|throughput|"
    r"lag|cpu|memory|gpu|saturation|health|heartbeat|success|succeeded|failures?|failed|"
    r"status|sla|slo|timeouts?|alive|dag|runs?|jobs?|builds?|duration|capacity)\b",
    re.IGNORECASE,
)
"""Words of an edge that watches a system's health, not its outputs or data."""

QUALITY = re.compile(
    r"\b(scores?|predictions?|predicted|outputs?|distributions?|drift|calibration|ctr|"
    r"clicks?|take-?up|quality|accuracy|auc|precision|recall|ndcg|engagement|skips?|"
    r"conversions?|rates?|features?|labels?|null|missing|schema|skew|recs|slates?|"
    r"recommendations?|probabilit(y|ies)|confidence|tags?|flags?|share|mix|coverage|"
    r"diversity|freshness|retention|reward)\b",
    re.IGNORECASE,
)
"""Words of an edge that watches what a model decides or the data it reads."""


def _health_only(label) -> bool:
    return bool(label) and bool(HEALTH.search(label)) and not QUALITY.search(label)


def _says_quality(label) -> bool:
    return bool(label) and bool(QUALITY.search(label))


def _edge_label(design, a, b):
    graph = design.graph
    labels = [graph.edges[e].get("label") for e in ((a, b), (b, a)) if graph.has_edge(*e)]
    return " ".join(label for label in labels if label) or None


def check(design, scenario, options: Options):
    monitors = design.of_type("monitoring")
    if not monitors:
        return [
            RULE.failed(
                "There is no monitoring, so errors, latency and drift go unseen.",
                hint="Add monitoring fed by the serving models and the feature data.",
            )
        ]
    links = {(m, n): _edge_label(design, m, n) for m in monitors for n in design.neighbours(m)}
    watched = {n for (_, n), label in links.items() if not _health_only(label)}
    health = sorted({n for (_, n), label in links.items() if _health_only(label)} - watched)
    said = {n for (_, n), label in links.items() if _says_quality(label)}
    models = {
        n
        for n in design.serving
        if design.role(n) != "entry"
        and (design.type(n) in options.model_types or (n in said and design.role(n) == "online"))
    }
    # where a model writes its predictions: a store it fills, or a log labelled as scores
    outputs = {}
    for m in models:
        for s in design.writes(m) | set(design.graph.successors(m)):
            label = design.graph.edges[m, s].get("label")
            role = design.role(s)
            results_store = role == "online_store" and design.kind(m, s) in ("write", "data")
            labelled = role in ("nearline", "offline") and _says_quality(label)
            if results_store or labelled or s in said and role != "online":
                outputs.setdefault(s, m)
    serving = sorted(n for n in watched if n in models)
    via_outputs = sorted(n for n in watched if n in outputs and n not in models)
    data = sorted(n for n in watched if design.type(n) in options.data_types)
    figures = {
        "monitors": monitors,
        "serving_watched": serving,
        "outputs_watched": {n: outputs[n] for n in via_outputs},
        "data_watched": data,
        "health_only": health,
    }
    gaps = []
    if options.serving and not serving and not via_outputs:
        others = sorted(n for n in set(watched) | set(health) if n in design.serving)
        seen = f" (it sees only {names(others)}'s health)" if others else ""
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
    only_health = (
        f" Health only: {names(health)} (latency, errors, lag, job success)." if health else ""
    )
    return [
        RULE.failed(
            f"{names(monitors)} watches " + " and ".join(gaps) + "." + only_health,
            nodes=monitors,
            figures=figures,
            hint="Watch what the models decide (score distribution, calibration, CTR against "
            "the control) and the data they read (feature and label drift), not only "
            "service health.",
        )
    ]
