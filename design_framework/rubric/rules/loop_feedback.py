"""loop.feedback: what users do with the results flows back into training.

Passing: client -> event_stream -> data_lake -> training_pipeline. Failing: training reads
only a static content table, so the model never learns from plays and skips.
"""

import networkx as nx
from pydantic import Field

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, names, path_text

RULE = Rule("loop.feedback", "Feedback loop", "data")


class Options(BaseOptions):
    log_types: list[str] = Field(
        default_factory=lambda: ["event_stream", "data_lake", "data_warehouse"],
        description="Types that carry logged interactions.")


def check(design, scenario, options: Options):
    trainers = design.of_type("training_pipeline")
    if not trainers:
        return [RULE.failed("There is no training_pipeline, so interactions never reach a "
                            "model.", hint="Add a training pipeline fed by the logged events.")]
    sources = design.with_role("entry", "online")
    logs = design.of_type(*options.log_types)
    for trainer in trainers:
        for log in logs:
            if not nx.has_path(design.graph, log, trainer):
                continue
            for source in sources:
                if nx.has_path(design.graph, source, log):
                    loop = (nx.shortest_path(design.graph, source, log)
                            + nx.shortest_path(design.graph, log, trainer)[1:])
                    return [RULE.passed(f"Interactions flow back to training: "
                                        f"{path_text(loop)}.", figures={"loop": loop})]
    return [RULE.failed(f"Nothing carries plays, skips and impressions from the product back "
                        f"to {names(trainers)}.", nodes=trainers,
                        figures={"log_nodes": logs},
                        hint="Log interactions from the client (and impressions from serving) "
                             "to an event stream and lake that training reads.")]
