"""features.train_serve_parity: training reads the same feature definitions that serving
reads, through the same feature store, so the model sees the same numbers in both places.

Passing: feature_store -> ranker and feature_store -> training_pipeline. Failing: serving
reads feature_store while training rebuilds features from the data lake with its own code.
"""

from components.analysis import reachable_from
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, names

RULE = Rule("features.train_serve_parity", "Training/serving parity", "data")


class Options(BaseOptions):
    pass


def check(design, scenario, options: Options):
    trainers = design.of_type("training_pipeline")
    served = [s for s in design.of_type("feature_store") if design.request_readers(s)]
    if not trainers:
        return [
            RULE.failed(
                "There is no training_pipeline, so nothing shows which features "
                "the model is trained on.",
                hint="Add a training pipeline that reads the feature store.",
            )
        ]
    if not served:
        return [
            RULE.failed(
                "No feature store is read on the request path, so training and "
                "serving cannot share feature definitions.",
                nodes=trainers,
                hint="Serve features from a feature store and train from it too.",
            )
        ]
    # Feature data must reach training through data systems; a detour through serving
    # (ranker -> impressions -> lake -> training) is logging, not a shared definition.
    offline_side = design.graph.subgraph(
        n for n in design.graph if design.role(n) not in ("entry", "online", "observability")
    )
    fed = reachable_from(offline_side, served)
    unmatched = [t for t in trainers if t not in fed]
    figures = {"serving_stores": served, "training": trainers, "unmatched": unmatched}
    if not unmatched:
        return [
            RULE.passed(
                f"Training ({names(trainers)}) reads the features serving reads ({names(served)}).",
                figures=figures,
            )
        ]
    return [
        RULE.failed(
            f"{names(unmatched)} does not read {names(served)}, which serving "
            "reads: two definitions of each feature drift apart (training/serving "
            "skew).",
            nodes=unmatched + served,
            figures=figures,
            hint="Connect the feature store to training (point-in-time training "
            "sets from the same definitions).",
        )
    ]
