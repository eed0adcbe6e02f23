"""loop.feedback: what users do with the results flows back into training.

Events may pass through the gateway's event API on the way (client -> api_gateway ->
event_stream); a detour through the models is not the listener's own signal. Outcomes must
reach training as logs or labels (streams, lake, warehouse, batch jobs, labeling): plays that
only become online features (stream processor -> feature store) give the model nothing to
learn from.

Where the outcome is a person's verdict (reviewers, editors, annotators judging what the
model flagged or tagged), the loop runs through labeling: a labeling step that what the
serving models decided reaches (a review queue, the tags store, a sample of results) and
that feeds training is a feedback loop.

Passing: client -> event_stream -> data_lake -> training_pipeline, or client -> api_gateway ->
event_stream -> ..., or tagger -> review_queue -> labeling (editors) -> training_pipeline.
Failing: training reads only a static content table, so the model never learns from plays
and skips.
"""

import networkx as nx
from pydantic import Field

from components.analysis import reachable_from
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names, path_text

RULE = Rule("loop.feedback", "Feedback loop", "data")


LOG_CARRIERS = (
    "event_stream",
    "data_lake",
    "data_warehouse",
    "batch_etl",
    "labeling",
    "training_pipeline",
)
"""Types that carry logged outcomes (and the labels made from them) to training."""


class Options(BaseOptions):
    log_types: list[TypeId] = Field(
        default_factory=lambda: ["event_stream", "data_lake", "data_warehouse"],
        description="Types that carry logged interactions.",
    )
    collector_types: list[TypeId] = Field(
        default_factory=lambda: ["api_gateway"],
        description="Online types that may relay client events (an event collection API).",
    )


def check(design, scenario, options: Options):
    trainers = design.of_type("training_pipeline")
    if not trainers:
        return [
            RULE.failed(
                "There is no training_pipeline, so interactions never reach a model.",
                hint="Add a training pipeline fed by the logged events.",
            )
        ]
    # What users do must come from the client itself; impressions logged by serving show
    # what was shown, not what the listener did with it.
    sources = design.with_role("entry")
    off_request = design.graph.subgraph(
        n
        for n in design.graph
        if design.role(n) != "online" or design.type(n) in options.collector_types
    )
    logged = reachable_from(off_request, sources) & set(design.of_type(*options.log_types))
    # Where the outcome is a person's verdict (reviewers, editors, annotators), the loop runs
    # through labeling: what the models decided reaches people, whose verdicts train them.
    # Only a queue, store or stream between the model and the people: a path through the
    # lake is logging, judged as such above.
    decided = design.graph.subgraph(
        n
        for n in design.graph
        if design.role(n) in ("online_store", "nearline") or design.type(n) == "labeling"
    )
    reviewed = [
        n
        for n in design.of_type("labeling")
        if any(
            n in reachable_from(decided, design.writes(m) | set(design.graph.successors(m)))
            for m in design.serving
        )
    ]
    logged |= set(reviewed)
    sources = [*sources, *reviewed]
    # Outcomes reach training as logs or labels; a path that only turns plays into online
    # features (stream processor -> feature store) never gives the model an outcome to learn.
    log_side = design.graph.subgraph(n for n in design.graph if design.type(n) in LOG_CARRIERS)
    trained = reachable_from(log_side, logged) & set(trainers)
    if trained:
        trainer = sorted(trained)[0]
        log = next(n for n in sorted(logged) if n in log_side and nx.has_path(log_side, n, trainer))
        source = next(
            (n for n in sources if n in off_request and nx.has_path(off_request, n, log)), log
        )
        loop = (
            nx.shortest_path(off_request, source, log)
            + nx.shortest_path(log_side, log, trainer)[1:]
        )
        return [
            RULE.passed(
                f"Interactions flow back to training: {path_text(loop)}.", figures={"loop": loop}
            )
        ]
    logs = design.of_type(*options.log_types)
    return [
        RULE.failed(
            f"Nothing carries what listeners do (plays, skips, saves) from the client "
            f"back to {names(trainers)}.",
            nodes=trainers,
            figures={"log_nodes": logs},
            hint="Log interactions from the client (and impressions from serving) "
            "to an event stream and lake that training reads.",
        )
    ]
