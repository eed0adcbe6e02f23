"""cold_start.content_path: content features reach retrieval or ranking, so a new item
with no plays can still be recommended.

Passing: content_features -> ann_index -> candidate_generation. Failing: no content
features at all, or content embeddings computed but never connected to serving.
"""

import networkx as nx
from pydantic import Field

from components.analysis import reachable_from
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names

RULE = Rule("cold_start.content_path", "Cold-start content path", "model")


class Options(BaseOptions):
    target_types: list[TypeId] = Field(
        default_factory=lambda: [
            "candidate_generation",
            "pre_ranker",
            "ranker",
            "model_server",
            "bandit_policy",
        ],
        description="Stages content features must reach (directly or through stores).",
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
    targets = [n for n in design.of_type(*options.target_types) if design.on_request_path(n)]
    # Content must reach serving as data (stores, features), not only as training input:
    # a model trained on audio still knows nothing of a track uploaded after training.
    data_paths = design.graph.subgraph(
        n for n in design.graph if design.type(n) not in ("training_pipeline", "model_registry")
    )
    reached = sorted(reachable_from(data_paths, extractors) & set(targets))
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
                figures={"path": path},
            )
        ]
    return [
        RULE.failed(
            f"{names(extractors)} never reaches a stage on the request path.",
            nodes=extractors,
            figures={"targets": targets},
            hint="Write content embeddings into the ANN index or feature store "
            "that retrieval and ranking read.",
        )
    ]
