"""batch.pipeline: in a batch scenario, batch scoring writes a store that the product
reads at request time.

Passing: batch_scoring -> precomputed_store <- api_gateway (reads it). Failing: batch
scoring writes to the data lake, so the app has nothing to read in milliseconds.
"""

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, names

RULE = Rule("batch.pipeline", "Batch results served", "serving")


class Options(BaseOptions):
    pass


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
    for scorer in scorers:
        stores = [s for s in design.graph.successors(scorer) if design.role(s) == "online_store"]
        for store in stores:
            readers = design.request_readers(store)
            if readers:
                return [
                    RULE.passed(
                        f"{scorer} writes {store}, read at request time by {names(readers)}.",
                        figures={
                            "scorer": scorer,
                            "store": store,
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
