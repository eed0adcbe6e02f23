"""features.train_serve_parity: training sees the same feature values that serving sees.

Two designs give parity. Shared definitions: training reads the feature store (or, for a
batch job, the feature pipeline) that serving reads. Serve-time logging ("log and wait"): a
serving model logs the features it used to a stream or lake that training reads, the
strongest parity there is; the log is recognised by its label (features, context, inputs),
or, whatever it is called, by being joined with the listeners' outcomes at a labeling or
ETL step that training reads. A log labelled only as impressions or scores is what was
shown, not what the model saw. Serving nodes are those
of any path: a request path, an event path (a scorer fed by a stream processor), or a batch
job whose results are served.

A serving model that reads no feature store but computes its features from raw data (the
lake, the warehouse, a batch table) has a second definition of every feature.

Passing: feature_store -> ranker and feature_store -> training_pipeline; or ranker ->
event_stream labelled "features used" -> data_lake -> training_pipeline. Failing: serving
reads feature_store while training rebuilds features from the data lake with its own code,
or the ranker builds its features from data_lake at request time.
"""

import re

from components.analysis import reachable_from
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, names

RULE = Rule("features.train_serve_parity", "Training/serving parity", "data")

FEATURE_SOURCES = ("feature_store", "batch_etl", "stream_processor")
"""Where a batch job or an event scorer gets its features from (one definition each)."""


FEATURE_CARRIERS = (
    "feature_store",
    "batch_etl",
    "stream_processor",
    "event_stream",
    "data_lake",
    "data_warehouse",
    "training_pipeline",
)
"""Types through which feature values travel on their way to training."""


RAW_DATA = ("data_lake", "data_warehouse", "batch_etl")
SCORING_MODELS = ("pre_ranker", "ranker", "re_ranker", "model_server", "bandit_policy")
"""Models that score items with learned features (retrieval sources and query parsing are
judged by serving.no_offline_reads alone)."""
"""Offline data a serving model computing its own features from would read."""


class Options(BaseOptions):
    pass


def _serving_sources(design) -> list[str]:
    stores = [s for s in design.of_type("feature_store") if design.request_readers(s)]
    fed_jobs = [
        p
        for job in design.batch_serving
        for p in design.graph.predecessors(job)
        if design.type(p) in FEATURE_SOURCES
    ]
    scorers_fed = [
        p
        for n in design.event_path
        if design.role(n) == "online"
        for p in design.graph.predecessors(n)
        if design.type(p) == "stream_processor"
    ]
    return sorted(set(stores) | set(fed_jobs) | set(scorers_fed))


FEATURE_WORDS = re.compile(
    r"\b(features?|context|inputs?|snapshots?|vectors?|embeddings?|signals?|what the model saw)\b",
    re.IGNORECASE,
)
"""Label words of a log that carries what the model saw."""

OUTCOME_ONLY = re.compile(
    r"\b(impressions?|shown|slates?|exposures?|results?|scores?|predictions?|rankings?|"
    r"positions?|served list|responses?|decisions?|flags?)\b",
    re.IGNORECASE,
)
"""Label words of a log of what was decided or shown: outcomes to join, not features."""

JOIN_STEPS = ("labeling", "batch_etl")
"""Where logged requests are joined with outcomes into training examples."""


def _logged_features(design) -> list[tuple[str, str]]:
    """Edges out of serving models that carry the features they used: labelled so, or
    unlabelled logs joined with the listeners' outcomes at a labeling or ETL step that
    training reads (log and wait), whatever the edge is called."""
    carriers = design.graph.subgraph(
        n for n in design.graph if design.type(n) in FEATURE_CARRIERS + JOIN_STEPS
    )
    outcomes = reachable_from(
        design.graph.subgraph(n for n in design.graph if design.role(n) != "online"),
        design.with_role("entry"),
    )
    trainers = set(design.of_type("training_pipeline"))
    logs = []
    for u, v, label in design.graph.edges(data="label"):
        if u not in design.serving or design.role(u) != "online":
            continue
        if design.role(v) not in ("nearline", "offline") or design.type(v) == "model_registry":
            continue
        if design.type(u) not in SCORING_MODELS:
            continue
        if label and FEATURE_WORDS.search(label):
            logs.append((u, v))
            continue
        if label and OUTCOME_ONLY.search(label):
            continue
        joins = [
            j
            for j in reachable_from(carriers, [v])
            if design.type(j) in JOIN_STEPS
            and j in outcomes
            and reachable_from(carriers, [j]) & trainers
        ]
        if joins:
            logs.append((u, v))
    return logs


def check(design, scenario, options: Options):
    trainers = design.of_type("training_pipeline")
    if not trainers:
        return [
            RULE.failed(
                "There is no training_pipeline, so nothing shows which features "
                "the model is trained on.",
                hint="Add a training pipeline that reads the feature store.",
            )
        ]
    sources = _serving_sources(design)
    logs = _logged_features(design)
    if not sources and not logs:
        return [
            RULE.failed(
                "No serving model reads a feature store (or a feature pipeline), and none "
                "logs the features it used, so training and serving cannot share features.",
                nodes=trainers,
                hint="Serve features from a feature store and train from it too, or log the "
                "features used at serving time and train on those logs.",
            )
        ]
    # Feature data must reach training through data systems that carry features; a detour
    # through serving (ranker -> impressions -> lake -> training) is logging of what was
    # shown, and one through a batch job's results or the labels is not the features.
    offline_side = design.graph.subgraph(
        n for n in design.graph if design.type(n) in FEATURE_CARRIERS
    )
    # logged features travel on to training as examples, joined with outcomes at labeling
    log_side = design.graph.subgraph(
        n for n in design.graph if design.type(n) in FEATURE_CARRIERS + JOIN_STEPS
    )
    fed = reachable_from(offline_side, sources) | reachable_from(log_side, [v for _, v in logs])
    unmatched = [t for t in trainers if t not in fed]
    raw = sorted(
        {
            f"{m} <- {n}"
            for m in design.serving
            if design.type(m) in SCORING_MODELS
            and not any(design.type(x) == "feature_store" for x in design.reads(m))
            for n in design.reads(m)
            if design.type(n) in RAW_DATA
        }
    )
    figures = {
        "serving_sources": sources,
        "logged_features": [list(e) for e in logs],
        "training": trainers,
        "unmatched": unmatched,
    }
    if raw and not logs:
        figures["raw_reads"] = raw
        return [
            RULE.failed(
                f"Serving computes features from raw data ({', '.join(raw)}) that training "
                "does not read through the same definitions: a second definition of each "
                "feature (training/serving skew).",
                nodes=sorted({part.split(" <- ")[0] for part in raw}),
                figures=figures,
                hint="Materialise those features into the feature store and read them there, "
                "in training and serving alike.",
            )
        ]
    # Features a stream job keeps in a cache or key-value store for the models (session
    # state in Redis) are a definition of their own: training must see them too (the store
    # or its stream reaching training), or the models must log what they read.
    logged_by = {u for u, _ in logs}
    stream_kept = sorted(
        s
        for s in design.with_role("online_store")
        if design.type(s) in ("cache", "precomputed_store")
        and any(design.type(p) == "stream_processor" for p in design.graph.predecessors(s))
        and any(
            r in design.serving and design.type(r) in SCORING_MODELS and r not in logged_by
            for r in design.graph.successors(s)
        )
    )
    carriers = design.graph.subgraph(
        n for n in design.graph if design.type(n) in FEATURE_CARRIERS or n in stream_kept
    )
    unseen = [s for s in stream_kept if not reachable_from(carriers, [s]) & set(trainers)]
    if unseen and not unmatched:
        figures["stream_features_unseen_by_training"] = unseen
        return [
            RULE.failed(
                f"Serving reads features a stream job keeps in {names(unseen)}, but training "
                f"({names(trainers)}) never sees them: it rebuilds them another way, a second "
                "definition of each (training/serving skew).",
                nodes=sorted(set(unseen) | set(trainers)),
                figures=figures,
                hint="Write the stream job's features to the feature store that training reads "
                "point-in-time, or log the features the models read and train on the logs.",
            )
        ]
    if not unmatched:
        how = []
        if any(t in reachable_from(offline_side, sources) for t in trainers) and sources:
            how.append(f"the features serving reads ({names(sources)})")
        if logs:
            how.append("the features logged at serving time (" + names(u for u, _ in logs) + ")")
        return [
            RULE.passed(
                f"Training ({names(trainers)}) learns from " + " and ".join(how) + ".",
                figures=figures,
            )
        ]
    return [
        RULE.failed(
            f"{names(unmatched)} does not read {names(sources) or 'the serving features'}, "
            "which serving reads: two definitions of each feature drift apart "
            "(training/serving skew).",
            nodes=unmatched + sources,
            figures=figures,
            hint="Connect the feature store to training (point-in-time training sets from the "
            "same definitions), or log the features used at serving time (label the edge "
            "'features used') and train on the logs.",
        )
    ]
