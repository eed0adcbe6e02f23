"""cold_start.content_path: content features reach the stage that must find a new item, so
an item with no plays can still be recommended.

When the design retrieves (candidate generation on a serving path), content must reach a
retrieval channel through an index it searches (an ANN index or precomputed lists): a ranker
that knows a new track's audio never sees it if every channel is collaborative filtering,
since a track with no plays is never retrieved, and a channel that reads content features
from the feature store only fetches rows for items it already found. A design with no retrieval (a classifier, a batch job) needs content to
reach a model of ``target_types`` on a serving path. Content must arrive as data (stores,
features), not only as training input: a model trained on audio still knows nothing of a
track uploaded after training.

Passing: content_features -> ann_index -> candidate_generation. Failing: no content features
at all; content embeddings computed but never connected to serving; or content_features ->
feature_store -> ranker while the only retrieval is a CF channel.
"""

import networkx as nx
from pydantic import Field

from components.analysis import reachable_from
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names

RULE = Rule("cold_start.content_path", "Cold-start content path", "model")


class Options(BaseOptions):
    retrieval_types: list[TypeId] = Field(
        default_factory=lambda: ["candidate_generation"],
        description="Stages that find items; when the design has one, content must reach one.",
    )
    target_types: list[TypeId] = Field(
        default_factory=lambda: [
            "candidate_generation",
            "pre_ranker",
            "ranker",
            "model_server",
            "bandit_policy",
            "batch_scoring",
        ],
        description="Stages content features must reach when the design has no retrieval.",
    )


def check(design, scenario, options: Options):
    extractors = design.of_type("content_features")
    if not extractors:
        if scenario is None:
            return [RULE.skipped("No scenario asks for a cold-start path.")]
        return [
            RULE.failed(
                "There are no content features, so a new item with no interactions "
                "has nothing to be recommended on.",
                hint="Add content_features (audio, text, artwork embeddings) "
                "feeding retrieval or the ranker.",
            )
        ]
    retrieval = [n for n in design.of_type(*options.retrieval_types) if design.on_serving_path(n)]
    targets = retrieval or [
        n for n in design.of_type(*options.target_types) if design.on_serving_path(n)
    ]
    # Content must reach serving as data (stores, features), not only as training input.
    # A retrieval channel finds items only through an index it searches (ANN index,
    # precomputed lists); a feature-store read fetches rows for keys it already has.
    index_types = {t for n in retrieval for t in design.graph.nodes[n]["scan_replaced_by"]}
    data_paths = design.graph.subgraph(
        n
        for n in design.graph
        if design.type(n) not in ("training_pipeline", "model_registry")
        and (design.role(n) != "online" or n in targets)
    ).copy()
    indexed = {
        n for n in retrieval if any(design.type(s) in index_types for s in design.neighbours(n))
    }
    # a channel with no index scans the vectors it reads (slowly: latency.budget says so)
    data_paths.remove_edges_from(
        [
            (u, v)
            for u, v in data_paths.edges
            if v in indexed
            and design.role(u) == "online_store"
            and design.type(u) not in index_types
        ]
    )
    reached = sorted(reachable_from(data_paths, extractors) & set(targets))
    figures = {"targets": targets, "retrieval": retrieval}
    if reached:
        paths = [
            path
            for e in extractors
            for target, path in nx.single_source_shortest_path(data_paths, e).items()
            if target in reached
        ]
        path = min(paths, key=len)  # the most direct way content reaches serving
        return [
            RULE.passed(
                f"Content features reach {names(reached)}: {' -> '.join(path)}.",
                figures={**figures, "path": path},
            )
        ]
    via_training = sorted(
        reachable_from(
            design.graph.subgraph(
                n for n in design.graph if design.role(n) != "online" or n in targets
            ),
            extractors,
        )
        & set(targets)
    )
    if via_training:
        return [
            RULE.failed(
                f"Content reaches {names(via_training)} only through training: a track "
                "uploaded after the last training run gets no embedding until the next one.",
                nodes=sorted(set(extractors) | set(via_training)),
                figures={**figures, "only_through_training": via_training},
                hint="Embed new items as they arrive with the registered model (registry -> "
                "batch_scoring or a stream job -> the index), not only when training runs.",
            )
        ]
    if retrieval:
        stores = {
            n for n in reachable_from(data_paths, extractors) if design.role(n) == "online_store"
        }
        others = sorted({r for s in stores for r in design.request_readers(s)} - set(retrieval))
        also = f" (content reaches only {names(others)})" if others else ""
        return [
            RULE.failed(
                f"No retrieval channel ({names(retrieval)}) gets content features{also}, so "
                "an item with no plays is never retrieved and never reaches the ranker.",
                nodes=extractors + retrieval,
                figures=figures,
                hint="Add a content retrieval channel: content embeddings into an ANN index "
                "that a candidate_generation stage reads.",
            )
        ]
    return [
        RULE.failed(
            f"{names(extractors)} never reaches a stage on a serving path.",
            nodes=extractors,
            figures=figures,
            hint="Write content embeddings into the ANN index or feature store "
            "that retrieval and ranking read.",
        )
    ]
