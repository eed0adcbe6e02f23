"""batch.pipeline: in a batch scenario, batch scoring writes a store that the product
reads: a request path at request time, or a campaign (a sender no request reaches, such as
a push dispatcher reading the send schedule).

Passing: batch_scoring -> precomputed_store <- api_gateway (reads it), batch_scoring ->
data_lake -> batch_etl (bulk load) -> precomputed_store, or batch_scoring -> schedule
(precomputed_store) -> dispatcher. Failing: batch scoring writes only to the data lake, so
the app has nothing to read in milliseconds.
"""

import networkx as nx

from components.analysis import reachable_from
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, names

RULE = Rule("batch.pipeline", "Batch results served", "serving")


class Options(BaseOptions):
    pass


def _senders(design, store) -> list[str]:
    """Jobs that read a store to act on it (a campaign export, a CRM sender)."""
    return sorted(
        s
        for s in design.graph.successors(store)
        if design.type(s) == "batch_etl" and design.kind(store, s) == "data"
    )


def check(design, scenario, options: Options):
    scorers = design.of_type("batch_scoring")
    if not scorers:
        if scenario is None:
            return [RULE.skipped("No batch scoring in this design.")]
        return [
            RULE.failed(
                "There is no batch_scoring job to compute the results ahead of time.",
                hint="Add batch_scoring writing a precomputed_store.",
            )
        ]
    window = scenario.requirements.batch_window_h if scenario else None
    # Results may reach the store directly or through offline hops (scores land in the lake,
    # then a bulk loader fills the serving store); never through serving itself.
    # read on a serving path, or by a sender that acts on it (a CRM export drawn as a job)
    served = [
        s
        for s in design.with_role("online_store")
        if design.request_readers(s) or _senders(design, s)
    ]
    batch_side = design.graph.subgraph([*design.with_role("offline"), *served])
    for scorer in scorers:
        reached = [s for s in served if s in reachable_from(batch_side, [scorer])]
        if reached:
            store = reached[0]
            path = nx.shortest_path(batch_side, scorer, store)
            readers = design.request_readers(store) or _senders(design, store)
            return [
                RULE.passed(
                    f"{' -> '.join(path)}, read by {names(readers)}.",
                    figures={
                        "scorer": scorer,
                        "store": store,
                        "path": path,
                        "readers": readers,
                        "batch_window_h": window,
                    },
                )
            ]
    written = sorted({s for sc in scorers for s in design.graph.successors(sc)})
    return [
        RULE.failed(
            f"{names(scorers)} writes {names(written) or 'nothing'}, and no "
            "request reads its results from an online store.",
            nodes=scorers,
            figures={"writes": written, "batch_window_h": window},
            hint="Write batch results to a precomputed_store and read it from the "
            "gateway or service.",
        )
    ]
