"""freshness.streaming: when features must be seconds or minutes fresh, a streaming path
(event stream -> stream processor -> online store) feeds what serving reads, or hands the
features straight to a model scoring the events (event stream -> stream processor ->
model_server, an event path).

A stream job counts when it computes what serving reads: it writes the store, or it hands
a scorer features it computed (a model deployed into the job, or a scorer with no other
feature source). A job that only routes events to a scorer whose features come from a store
that batch jobs fill makes nothing fresh.

Passing: freshness 60 s; event_stream -> stream_processor -> feature_store -> ranker.
Failing: the same freshness with only a nightly batch_etl writing the feature store, or
event_stream -> router (stream_processor) -> scorer with the scorer's features written by
an hourly batch_etl.
"""

import networkx as nx
from pydantic import Field

from components.analysis import reachable_from
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule

RULE = Rule("freshness.streaming", "Fresh features by streaming", "data")


class Options(BaseOptions):
    max_seconds: int = Field(900, gt=0, description="Freshness at or under this needs streaming.")


def check(design, scenario, options: Options):
    freshness = scenario.requirements.feature_freshness_s if scenario else None
    if freshness is None:
        return [RULE.skipped("No feature freshness requirement applies.")]
    figures = {"freshness_s": freshness, "streaming_threshold_s": options.max_seconds}
    if freshness > options.max_seconds:
        return [
            RULE.skipped(
                f"Features may be {freshness:,} s old; batch updates suffice.", figures=figures
            )
        ]
    stores = [s for s in design.with_role("online_store") if design.request_readers(s)]
    # only streaming hops count: a path through batch jobs or training is not fresh
    nearline = design.graph.subgraph(design.with_role("nearline"))
    processors = reachable_from(nearline, design.of_type("event_stream")) & set(
        design.of_type("stream_processor")
    )
    scorers = [n for n in design.event_path if design.role(n) == "online"]
    streaming = design.graph.subgraph([*nearline, *stores, *scorers])
    stream_fed = reachable_from(streaming, processors)
    fed = sorted(stream_fed & set(stores))
    # A scorer the stream job hands events to has fresh features when the job computes them
    # (a model inside the job, or a scorer with no other feature source); a job that only
    # routes events to a scorer reading batch features from a store makes nothing fresh.
    routed = [
        n
        for n in scorers
        if n in stream_fed
        and not design.graph.nodes[n].get("host")
        and any(design.type(r) == "feature_store" and r not in fed for r in design.reads(n))
    ]
    fed += sorted(n for n in scorers if n in stream_fed and n not in routed)
    if fed:
        store = fed[0]
        processor = next(p for p in sorted(processors) if nx.has_path(streaming, p, store))
        stream = next(
            e
            for e in design.of_type("event_stream")
            if e in nearline and nx.has_path(nearline, e, processor)
        )
        path = (
            nx.shortest_path(nearline, stream, processor)
            + nx.shortest_path(streaming, processor, store)[1:]
        )
        end = (
            f"read by {', '.join(design.request_readers(store))}"
            if design.role(store) == "online_store"
            else "which scores each event as it arrives"
        )
        return [
            RULE.passed(
                f"Fresh features stream in: {' -> '.join(path)}, {end}.",
                figures={**figures, "path": path},
            )
        ]
    routing = (
        f" The stream job only passes events on to {', '.join(routed)}, whose features come "
        "from a store no stream job writes."
        if routed
        else ""
    )
    return [
        RULE.failed(
            f"Features must be under {freshness:,} s old, but no event stream -> "
            f"stream processor path writes a store that serving reads.{routing}",
            nodes=[s for s in stores if design.role(s) == "online_store"],
            figures=figures,
            hint="Add event_stream -> stream_processor -> feature_store so session "
            "features (last skips, current context) arrive in seconds.",
        )
    ]
