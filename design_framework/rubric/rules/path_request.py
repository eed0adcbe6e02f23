"""path.request: a request from the client reaches a stage that produces the answer.

The path follows online nodes (and stores drawn inline between them); an answer comes from a
node of ``answer_types``, or from one of those stores read by a node on the path (a
precomputed playlist). In a nearline scenario an event path also answers: an event stream
feeding, through stream processors, a model that scores each event as it arrives; in a batch
scenario a campaign (a sender acting on what the batch job wrote) reaches people too.

Passing: client -> gateway -> ranker. Failing: client -> gateway, and the ranker is fed
only by the training pipeline, so no request ever reaches it.
"""

import networkx as nx
from pydantic import Field

from components.analysis import RequestPathCycle, campaign_readers, request_order
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names, path_text

RULE = Rule("path.request", "Request path", "serving")


class Options(BaseOptions):
    answer_types: list[TypeId] = Field(
        default_factory=lambda: [
            "ranker",
            "re_ranker",
            "filter",
            "model_server",
            "bandit_policy",
            "precomputed_store",
        ],
        description="Types that can produce the response.",
    )


def check(design, scenario, options: Options):
    entries = design.with_role("entry")
    if not entries:
        return [
            RULE.failed(
                "There is no client_app, so requests have nowhere to start.",
                hint="Add a client_app and connect it to the serving path.",
            )
        ]
    try:
        request_order(design.request)
    except RequestPathCycle as cycle:
        return [
            RULE.failed(
                f"The request path loops: {cycle}. A request would never return.",
                nodes=cycle.cycle,
                figures={"cycle": cycle.cycle},
                hint="Draw data flow one way (client to answer); leave responses out.",
            )
        ]
    answers = [n for n in design.request if design.type(n) in options.answer_types]

    def readers(store):
        return [n for n in design.request_readers(store) if n in design.request]

    # a store of results answers: a precomputed store, or any store a scorer off the request
    # path fills with its results (scores a stream job writes into a cache)
    filled = {
        s
        for m in design.serving
        if m not in design.request
        for s in design.writes(m) | set(design.graph.successors(m))
        if design.role(s) == "online_store" and design.type(s) not in ("feature_store", "ann_index")
    }
    for store in sorted(set(design.of_type(*options.answer_types)) | filled):
        if design.role(store) == "online_store" and store not in answers:
            answers += [store] if readers(store) else []
    scorers = [n for n in design.event_path if design.type(n) in options.answer_types]
    if not answers and design.mode == "nearline" and scorers:
        streams = [n for n in design.of_type("event_stream") if n in design.event_path]
        graph = design.graph.subgraph(design.event_path)
        path = min(
            (
                nx.shortest_path(graph, s, t)
                for s in streams
                for t in scorers
                if nx.has_path(graph, s, t)
            ),
            key=len,
        )
        return [RULE.passed(f"Events reach a scorer: {path_text(path)}.", figures={"path": path})]
    senders = campaign_readers(design.graph)
    if not answers and design.mode == "batch" and senders:
        return [
            RULE.passed(
                f"Batch results reach people through {names(senders)} (a campaign), not a request.",
                figures={"campaign": senders},
            )
        ]
    if not answers:
        reached = sorted(set(design.request) - set(entries))
        return [
            RULE.failed(
                f"No request from {names(entries)} reaches a stage that answers it "
                f"({', '.join(options.answer_types)}). Reached: {names(reached) or 'nothing'}.",
                nodes=entries,
                figures={"reached": reached},
                hint="Connect the client through the gateway or service to the model that "
                "produces the answer, using online components only.",
            )
        ]
    graph = design.request.copy()
    for store in answers:
        if store not in graph:
            graph.add_edges_from((reader, store) for reader in readers(store))
    answer_set = set(answers)
    paths = [
        path
        for entry in entries
        for target, path in nx.single_source_shortest_path(graph, entry).items()
        if target in answer_set
    ]
    best = max(paths, key=len)  # to the last answering stage: the whole way a request goes
    return [
        RULE.passed(
            f"Requests reach an answer: {path_text(best)}.", nodes=[], figures={"path": best}
        )
    ]
