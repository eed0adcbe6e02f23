"""experiment.ab_layer: an A/B assignment layer routes traffic to the model variants before
the first model stage, so every model can be judged online before it takes all traffic.

The assignment point is the layer itself when it sits on a request or event path, or the
node that calls it from the side (the service asks the assignment service for the user's
variant, then calls that variant's models); nothing that can answer a request (a cache drawn
inline) may come before it. Every serving model of ``model_types`` must come
after an assignment point: a layer placed after the ranker can test only what follows it. In
a batch scenario the batch job is the model: an assignment that feeds the batch job (one
result per variant, exposure logged when the result is read) is an A/B layer too, and so is
a holdout in front of a campaign sender (who gets the offer, who is held out).

Passing: client -> gateway -> ab_testing -> service -> retrieval -> ranker. Failing: an
ab_testing box drawn beside the diagram with no request passing through it, or gateway ->
retrieval -> ranker -> ab_testing -> re_ranker (retrieval and ranking cannot be tested).
"""

import networkx as nx
from pydantic import Field

from components.analysis import batch_written_stores, campaign_graph, event_graph, reachable_from
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names

RULE = Rule("experiment.ab_layer", "A/B layer", "evaluation")


class Options(BaseOptions):
    model_types: list[TypeId] = Field(
        default_factory=lambda: [
            "candidate_generation",
            "pre_ranker",
            "ranker",
            "re_ranker",
            "model_server",
            "bandit_policy",
        ],
        description="Types whose variants the experiment routes between.",
    )


def _assignment_points(design, layer, path) -> list[str]:
    if layer not in path:
        return []
    if any(design.role(s) == "online" for s in path.successors(layer)):
        return [layer]
    return list(path.predecessors(layer)) or [layer]  # called from the side


def _side_called(design, layer, path) -> list[str]:
    """Path nodes that call a layer drawn off the path (service -> ab_testing)."""
    return sorted(n for n in design.neighbours(layer) if n in path and design.role(n) == "online")


def check(design, scenario, options: Options):
    layers = design.of_type("ab_testing")
    if not layers:
        return [
            RULE.failed(
                "There is no A/B assignment layer, so a new model cannot be "
                "compared online with the current one.",
                hint="Put an ab_testing node on the request path before the models.",
            )
        ]
    paths = [design.request, event_graph(design.graph), campaign_graph(design.graph)]
    models = sorted(
        n
        for n in design.of_type(*options.model_types)
        if design.role(n) == "online" and design.on_serving_path(n)
    )
    if design.mode == "batch":
        # the variants are the batch job's results: what is tested is the service that
        # serves them, not another product the same gateway or app shell also calls
        written = batch_written_stores(design.graph)
        serving_results = [m for m in models if design.reads(m) & written]
        models = serving_results or models
    if design.mode == "realtime" and any(m in design.request for m in models):
        # Where requests are served, the experiment routes requests; a model in a stream job
        # that keeps features fresh for them is no variant a request chooses.
        models = [m for m in models if m in design.request]
    if design.mode == "batch":
        jobs = design.batch_serving or design.of_type("batch_scoring")
        offline = design.graph.subgraph(
            n for n in design.graph if design.role(n) in ("online", "offline")
        )
        fed = [j for j in jobs if reachable_from(offline, layers) & {j}]
        if fed:
            return [
                RULE.passed(
                    f"{names(layers)} assigns variants to {names(fed)}: one result per variant.",
                    figures={"layers": layers, "models": fed},
                )
            ]
    points = set()
    for layer in layers:
        for path in paths:
            if layer in path:
                points |= set(_assignment_points(design, layer, path))
            else:
                points |= set(_side_called(design, layer, path))
    if not points:
        return [
            RULE.failed(
                f"{names(layers)} is not on a serving path: no request passes through it.",
                nodes=layers,
                hint="Connect it between the gateway and the models.",
            )
        ]
    covered = set()
    for path in paths:
        for point in (p for p in points if p in path):
            # a model that calls the layer from the side is assigned after it has run, unless
            # it asks for the variant first (a call and its answer)
            asks = any(
                design.graph.has_edge(point, la) and design.kind(point, la) == "call"
                for la in layers
            )
            covered |= reachable_from(path, [point]) - (
                {point} - set(layers) if not asks else set()
            )
    covered -= set(layers)
    # scorers off the request path whose results a request reads after the assignment (one
    # result per variant, written by a stream or batch job) are routed by it too
    for m in models:
        if m not in covered and m not in design.request:
            filled = design.writes(m) | set(design.graph.successors(m))
            if any(r in covered for s in filled for r in design.request_readers(s)):
                covered.add(m)
    tested = [m for m in models if m in covered]
    untested = [m for m in models if m not in covered]
    figures = {
        "layers": layers,
        "assignment": sorted(points),
        "models": tested,
        "untested": untested,
    }
    caches = sorted(
        n
        for p in points
        if p in design.request
        for n in nx.ancestors(design.request, p)
        if design.role(n) == "online_store"
    )
    if tested and not untested and caches:
        return [
            RULE.failed(
                f"{names(caches)} answers requests before the assignment ({names(sorted(points))}): "
                "a cache hit serves a page from any variant and logs no exposure.",
                nodes=caches,
                figures={**figures, "answered_before_assignment": caches},
                hint="Assign first and cache per variant (the variant in the cache key), or "
                "put the cache after the assignment.",
            )
        ]
    if tested and not untested:
        return [
            RULE.passed(
                f"{names(sorted(points))} assigns each request to a variant before "
                f"{names(tested)}.",
                figures=figures,
            )
        ]
    if not tested:
        return [
            RULE.failed(
                f"{names(sorted(points))} routes requests, but no model comes after it.",
                nodes=layers,
                figures=figures,
                hint="Place the assignment before the models it compares.",
            )
        ]
    before = sorted(
        m
        for m in untested
        if m in design.request
        and any(p in design.request and nx.has_path(design.request, m, p) for p in points)
    )
    return [
        RULE.failed(
            f"{names(untested)} come before the assignment (or beside it), so their variants "
            f"cannot be tested; only {names(tested)} can.",
            nodes=sorted(set(layers) | set(untested)),
            figures={**figures, "before_assignment": before},
            hint="Move the A/B assignment before the first model stage (right after the gateway).",
        )
    ]
