"""monitoring.coverage: monitoring watches the serving path and the data.

Watching means an edge, either way, between a monitoring node and what it watches.

Passing: ranker -> monitoring and feature_store -> monitoring (drift). Failing: monitoring
tied only to the gateway, so feature drift goes unseen.
"""

from pydantic import Field

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names

RULE = Rule("monitoring.coverage", "Monitoring coverage", "monitoring")


class Options(BaseOptions):
    serving: bool = Field(True, description="Require a request-path node to be watched.")
    data: bool = Field(True, description="Require a data node to be watched (drift).")
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
                hint="Add monitoring fed by the serving path and the feature data.",
            )
        ]
    watched = set().union(*(design.neighbours(m) for m in monitors))
    serving = sorted(n for n in watched if design.on_request_path(n))
    data = sorted(n for n in watched if design.type(n) in options.data_types)
    figures = {"monitors": monitors, "serving_watched": serving, "data_watched": data}
    gaps = []
    if options.serving and not serving:
        gaps.append("no request-path node (errors, latency, prediction distribution)")
    if options.data and not data:
        gaps.append("no data node (feature and label drift)")
    if not gaps:
        return [
            RULE.passed(
                f"Monitoring watches serving ({names(serving) or 'n/a'}) and data "
                f"({names(data) or 'n/a'}).",
                figures=figures,
            )
        ]
    return [
        RULE.failed(
            f"{names(monitors)} watches " + " and ".join(gaps) + ".",
            nodes=monitors,
            figures=figures,
            hint="Connect monitoring to the model serving nodes and to the "
            "feature store or event stream.",
        )
    ]
