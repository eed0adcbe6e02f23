"""Redraw a design in equivalent ways: the generator behind the invariance test (design.md,
model v3: "each redrawing must get the same verdicts").

Each redrawing takes a design and returns the same system drawn as candidates also draw it,
or None where it does not apply (no orchestrator to draw as a star, no inline A/B layer to
move beside the path):

- ``rename``: every id and display label replaced (edge labels keep their words);
- ``rename_reversed``: ids renamed so that they sort the other way round;
- ``shuffle``: components and edges in another order;
- ``regroup``: the offline boxes first, then the rest, as a board drawn in two groups;
- ``star`` / ``star_answers``: an orchestrator's chain of stages drawn as one arrow from the
  orchestrator to each stage, without and with an answer arrow back from each;
- ``answers``: every arrow between two online nodes drawn with its answer back;
- ``call_direction``: stores a request-path node reads drawn as node -> store;
- ``cache_before_store`` / ``cache_call_direction``: a cache put in front of a store a
  request-path node reads, in data and in call direction;
- ``logging``: impressions logged from every request-path model to the event stream and a
  request log from the service to the lake;
- ``ab_beside``: an inline A/B layer drawn beside the path, called by the node before it;
- ``explicit_kinds``: every arrow stating the kind the reading infers for it;
- combinations of the above.
"""

from __future__ import annotations

import random

from components.catalog import load_catalog
from components.design import Design, design_graph
from components.reading import ORCHESTRATORS, STAGE_ORDER, read_graph

STAGES = {t for t in STAGE_ORDER if t not in ("ab_testing", "query_understanding")}
MODELS = ("candidate_generation", "pre_ranker", "ranker", "re_ranker", "model_server")
READ_STORES = ("feature_store", "ann_index", "precomputed_store")


def _data(design: Design) -> dict:
    return design.to_dict()


def _graph(data: dict):
    return design_graph(Design.model_validate(data))


def _request_nodes(graph) -> set[str]:
    online = graph.subgraph(
        n for n, r in graph.nodes(data="role") if r in ("entry", "online", "online_store")
    )
    reached = set()
    for entry in (n for n, r in graph.nodes(data="role") if r == "entry"):
        frontier = [entry]
        while frontier:
            node = frontier.pop()
            for nxt in online.successors(node):
                if nxt not in reached and graph.nodes[nxt]["role"] != "entry":
                    reached.add(nxt)
                    frontier.append(nxt)
    return reached


def _edge(data, u, v, label=None, kind=None) -> None:
    if any(e["from"] == u and e["to"] == v for e in data["edges"]):
        return
    edge = {"from": u, "to": v}
    if label:
        edge["label"] = label
    if kind:
        edge["kind"] = kind
    data["edges"].append(edge)


def _drop(data, pairs) -> None:
    pairs = set(pairs)
    data["edges"] = [e for e in data["edges"] if (e["from"], e["to"]) not in pairs]


def rename(design: Design) -> dict | None:
    data = _data(design)
    new = {c["id"]: f"box-{i:02d}" for i, c in enumerate(data["components"])}
    for i, component in enumerate(data["components"]):
        component["id"] = new[component["id"]]
        component["label"] = f"Box {i}"
    for edge in data["edges"]:
        edge["from"], edge["to"] = new[edge["from"]], new[edge["to"]]
    return data


def rename_reversed(design: Design) -> dict | None:
    """Ids renamed so that they sort in the reverse order: a reading that walked boxes in
    id order would read them differently."""
    data = _data(design)
    ids = sorted(c["id"] for c in data["components"])
    new = {old: f"n{len(ids) - i:03d}" for i, old in enumerate(ids)}
    for component in data["components"]:
        component["id"] = new[component["id"]]
    for edge in data["edges"]:
        edge["from"], edge["to"] = new[edge["from"]], new[edge["to"]]
    return data


def shuffle(design: Design, seed: int = 7) -> dict | None:
    data = _data(design)
    rng = random.Random(seed)
    rng.shuffle(data["components"])
    rng.shuffle(data["edges"])
    return data


def regroup(design: Design) -> dict | None:
    data = _data(design)
    graph = _graph(data)
    back = [c for c in data["components"] if graph.nodes[c["id"]]["role"] == "offline"]
    front = [c for c in data["components"] if graph.nodes[c["id"]]["role"] != "offline"]
    data["components"] = back + front
    data["edges"].sort(key=lambda e: graph.nodes[e["from"]]["role"] != "offline")
    return data


def _star_chain(graph, orchestrator) -> list[str] | None:
    """The stages an orchestrator's chain reaches, if they run in stage order and only the
    orchestrator and each other feed them."""
    stages = {n for n in graph if graph.nodes[n]["type"] in STAGES}
    first = [s for s in graph.successors(orchestrator) if s in stages]
    chain, frontier = set(first), list(first)
    while frontier:
        for nxt in graph.successors(frontier.pop()):
            if nxt in stages and nxt not in chain:
                chain.add(nxt)
                frontier.append(nxt)
    if len({STAGE_ORDER[graph.nodes[s]["type"]] for s in chain}) < 2:
        return None

    def rank(node):
        return STAGE_ORDER[graph.nodes[node]["type"]]

    for u, v in graph.edges:
        if u in chain and v in chain and rank(u) >= rank(v):
            return None  # a chain out of stage order is not what a star is read as
        fed_from_outside = v in chain and u not in chain and u != orchestrator
        if fed_from_outside and graph.nodes[u]["role"] in ("online", "entry"):
            return None
    ranks = sorted({STAGE_ORDER[graph.nodes[s]["type"]] for s in chain})
    for u in chain:  # each stage feeds every stage of the next rank, as a star would be read
        rank = STAGE_ORDER[graph.nodes[u]["type"]]
        after = [r for r in ranks if r > rank]
        if after:
            nxt = {s for s in chain if STAGE_ORDER[graph.nodes[s]["type"]] == after[0]}
            if not nxt <= set(graph.successors(u)):
                return None
    return sorted(chain)


def _star(design: Design, answers: bool) -> dict | None:
    data = _data(design)
    graph = _graph(data)
    requested = _request_nodes(graph)
    for orchestrator in sorted(n for n in requested if graph.nodes[n]["type"] in ORCHESTRATORS):
        chain = _star_chain(graph, orchestrator)
        if not chain:
            continue
        _drop(data, [(u, v) for u, v in graph.edges if u in chain and v in chain])
        for stage in chain:
            _edge(data, orchestrator, stage, "calls")
            if answers:
                _edge(data, stage, orchestrator)
        return data
    return None


def _variant(redraw, name: str, **options):
    """A named redrawing: ``redraw`` with ``options`` (the name shows in test failures)."""

    def variant(design: Design) -> dict | None:
        return redraw(design, **options)

    variant.__name__ = name
    return variant


star = _variant(_star, "star", answers=False)
star_answers = _variant(_star, "star_answers", answers=True)


def answers(design: Design) -> dict | None:
    data = _data(design)
    graph = _graph(data)
    requested = _request_nodes(graph)
    pairs = [
        (u, v)
        for u, v in graph.edges
        if u in requested
        and v in requested
        and graph.nodes[u]["role"] == graph.nodes[v]["role"] == "online"
    ]
    for u, v in pairs:
        _edge(data, v, u)
    return data if pairs else None


def _side_reads(graph) -> list[tuple[str, str]]:
    """(store, reader): stores a request-path node reads from the side, drawn store -> node."""
    requested = _request_nodes(graph)
    return [
        (s, r)
        for s, r in graph.edges
        if graph.nodes[s]["type"] in READ_STORES
        and r in requested
        and graph.nodes[r]["role"] == "online"
        and not graph.has_edge(r, s)
        and not any(graph.nodes[p]["role"] in ("online", "entry") for p in graph.predecessors(s))
    ]


def call_direction(design: Design) -> dict | None:
    data = _data(design)
    flips = _side_reads(_graph(data))
    if not flips:
        return None
    for edge in data["edges"]:
        if (edge["from"], edge["to"]) in flips:
            edge["from"], edge["to"] = edge["to"], edge["from"]
    return data


def _cache(design: Design, call: bool) -> dict | None:
    data = _data(design)
    graph = _graph(data)
    reads = _side_reads(graph)
    if not reads:
        return None
    order = {"ann_index": 0, "precomputed_store": 1, "feature_store": 2}
    store, reader = min(reads, key=lambda e: (order[graph.nodes[e[0]]["type"]], e))
    cache = "near-cache"
    data["components"].append({"id": cache, "type": "cache"})
    label = graph.edges[store, reader].get("label")
    _drop(data, [(store, reader)])
    if call:
        _edge(data, reader, cache, label)
        _edge(data, cache, store)
    else:
        _edge(data, store, cache)
        _edge(data, cache, reader, label)
    return data


cache_before_store = _variant(_cache, "cache_before_store", call=False)
cache_call_direction = _variant(_cache, "cache_call_direction", call=True)


def logging(design: Design) -> dict | None:
    data = _data(design)
    graph = _graph(data)
    requested = _request_nodes(graph)
    streams = sorted(n for n in graph if graph.nodes[n]["type"] == "event_stream")
    lakes = sorted(n for n in graph if graph.nodes[n]["type"] == "data_lake")
    added = False
    if streams:
        for model in sorted(n for n in requested if graph.nodes[n]["type"] in MODELS):
            _edge(data, model, streams[0], "impressions")
            added = True
    if lakes:
        for service in sorted(n for n in requested if graph.nodes[n]["type"] in ORCHESTRATORS):
            _edge(data, service, lakes[0], "request log")
            added = True
    return data if added else None


def ab_beside(design: Design) -> dict | None:
    data = _data(design)
    graph = _graph(data)
    requested = _request_nodes(graph)
    for layer in sorted(n for n in requested if graph.nodes[n]["type"] == "ab_testing"):
        before = [p for p in graph.predecessors(layer) if graph.nodes[p]["role"] == "online"]
        after = [s for s in graph.successors(layer) if graph.nodes[s]["role"] == "online"]
        if len(before) != 1 or not after or graph.nodes[before[0]]["type"] not in ORCHESTRATORS:
            continue
        if before[0] in after:
            continue  # already drawn beside, as a call and its answer
        if any(graph.nodes[p]["role"] == "entry" for p in graph.predecessors(layer)):
            continue
        (caller,) = before
        _drop(data, [(caller, layer), *((layer, s) for s in after)])
        for s in after:
            _edge(data, caller, s)
        _edge(data, caller, layer, "variant?")
        _edge(data, layer, caller, "variant")
        return data
    return None


def explicit_kinds(design: Design) -> dict | None:
    data = _data(design)
    catalog = load_catalog()
    kinds = read_graph(design_graph(design, catalog), catalog).graph["drawn_kinds"]
    for edge in data["edges"]:
        kind = kinds.get((edge["from"], edge["to"]))  # answers stay unstated
        if kind:
            edge["kind"] = kind
    return data


def _then(*steps):
    def combined(design: Design) -> dict | None:
        applied = False
        for step in steps:
            data = step(design)
            if data is not None:
                design = Design.model_validate(data)
                applied = True
        return design.to_dict() if applied else None

    combined.__name__ = "+".join(s.__name__ for s in steps)
    return combined


REDRAWINGS = [
    rename,
    rename_reversed,
    shuffle,
    regroup,
    star,
    star_answers,
    answers,
    call_direction,
    cache_before_store,
    cache_call_direction,
    logging,
    ab_beside,
    explicit_kinds,
    _then(star_answers, rename, shuffle),
    _then(answers, call_direction),
    _then(ab_beside, star_answers, logging),
    _then(cache_before_store, logging, shuffle),
    _then(star_answers, rename_reversed),
]


def redrawings(design: Design) -> dict[str, Design]:
    """Every redrawing that applies to ``design``, by name."""
    out = {}
    for redraw in REDRAWINGS:
        data = redraw(design)
        if data is not None:
            out[redraw.__name__] = Design.model_validate(data)
    return out
