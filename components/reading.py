"""One reading of any drawing (design.md, "model v3"): the canonical graph every rule judges.

Candidates draw one system in many ways: a service with an arrow out to a helper and one
back, a service with an arrow to each funnel stage, a cache in front of the store it
fronts, a model running inside the stream job, logs drawn from the ranker into the lake.
Before any rule runs, :func:`read_graph` turns the drawn graph into one canonical graph,
so equivalent drawings get the same verdicts, and leaves a :class:`Reading` for each thing
it read another way than drawn (findings quote them: "exp <-> home read as a call and its
answer").

The reading, in order:

1. **Edge kinds.** Every edge gets a kind: ``data`` (data or a request goes from -> to),
   ``call`` (``from`` sends a request to ``to`` and gets its answer: ``from`` reads ``to``),
   ``write`` (``from`` writes a store, a queue or a log; it reads nothing there) or
   ``deploy`` (a registry ships a model). A kind stated in the design wins; otherwise:
   registry to anything is a deploy, and so is training to a serving box (a deploy that
   skips the registry); an online node's edge into a lake, warehouse, event
   stream, labeling step or stream job is a write (logging), and into another offline
   system a call, unless its label says otherwise (:data:`WRITE_WORDS`, :data:`READ_WORDS`);
   an online node's edge into a feature store or an ANN index is a read in call direction;
   into a precomputed store or cache it is a write when the node scores events (its
   results) or the store is a queue (nothing else fills it, only people or offline jobs
   read it), else a read.
2. **Answers.** A pair a -> b, b -> a between online nodes is a call from the node nearer
   the entry (:func:`entry_distance`), and the other arrow is its answer; so is an arrow
   back to a node nearer the entry that already reaches its tail (service -> retrieval ->
   ranker -> service). Answers carry no new data: they leave the canonical graph. A pair
   between an online node and an offline system is a synchronous call (the rules judge
   it); edges into the client are responses.
3. **Scorers inside other boxes.** A stream job, batch job or service that the registry
   deploys to runs a model: the reading adds that model as a box of its own
   (``<host>.model``, a ``model_server``, or a ``batch_scoring`` job inside a batch job),
   fed by its host, deployed by the registry, writing what its host writes and watched
   by what watches its host. Findings name the host box.
4. **Orchestrators.** A gateway or service that calls several stages calls them in stage
   order (:data:`STAGE_ORDER`: the A/B assignment, query understanding, retrieval,
   pre-rank, rank, re-rank, filter), each stage taking what the previous returned;
   stages of the same kind are parallel channels.
5. **Reads through caches.** A node that reads a cache in front of a feature store, an
   ANN index or a precomputed store reads through to that store (a miss pays both): a
   retrieval stage behind a cache of its index is not an exact scan.
"""

from __future__ import annotations

import math
import re
from collections import deque
from dataclasses import dataclass

import networkx as nx

ENTRY, ONLINE, ONLINE_STORE, NEARLINE = "entry", "online", "online_store", "nearline"
OFFLINE, OBSERVABILITY = "offline", "observability"

MODEL_SUFFIX = ".model"
"""Suffix of a model read inside another box; a drawn id cannot contain a dot."""

LOG_SINKS = ("data_lake", "data_warehouse", "event_stream", "labeling", "stream_processor")
"""Where an online node's arrow is a write (a log, an event, an item for review)."""

READ_STORES = ("feature_store", "ann_index")
"""Stores an online node only ever reads while serving: an arrow into one is a lookup."""

THROUGH_STORES = ("feature_store", "ann_index", "precomputed_store")
"""Stores a cache may front: a read of the cache is a read through to them."""

CONTENT_READERS = ("batch_scoring", "training_pipeline", "candidate_generation", "ranker")
"""Boxes that read content embeddings; an arrow from one into content features is a read."""

JOBS = ("batch_scoring", "batch_etl", "training_pipeline", "content_features")
"""Offline boxes that run: drawn both ways with an online model server, they call it."""

MAX_JOINED = 64
"""Most arrows the reading adds between two groups of parallel stages (8 channels into 8)."""

ORCHESTRATORS = ("api_gateway", "recommendation_service")
"""Online types that call stages rather than score items."""

STAGE_ORDER = {
    "ab_testing": 0,
    "query_understanding": 1,
    "candidate_generation": 2,
    "pre_ranker": 3,
    "ranker": 4,
    "model_server": 4,
    "re_ranker": 5,
    "bandit_policy": 5,
    "filter": 6,
}
"""The order an orchestrator calls stages in: the assignment first, the filter last."""

HOSTS = {
    "stream_processor": "model_server",
    "batch_etl": "batch_scoring",
    "recommendation_service": "model_server",
    "api_gateway": "model_server",
}
"""Boxes a registry may deploy a model into, and the model type that runs there."""

WRITE_WORDS = re.compile(
    r"\b(log|logs|logged|logging|write|writes|written|save|saves|store|stores|persist|"
    r"put|puts|upsert|update|updates|publish|publishes|emit|emits|push|pushes|sink|"
    r"append|enqueue|queue|queued|flag|flags|flagged|record|records|export|dump|"
    r"impressions?|exposures?|served|shown)\b",
    re.IGNORECASE,
)
"""Label words that make an arrow a write."""

SCORE_WORDS = re.compile(
    r"\b(scores?|scored|predictions?|predicted|probabilit(y|ies)|risk|flags?|flagged|"
    r"fraud|recommendations?|recs|tags?|tagged|labels? predicted|classifications?)\b",
    re.IGNORECASE,
)
"""Label words of a job's output that a model computes."""

MODEL_WORDS = re.compile(r"\b(models?|weights|checkpoints?|artifacts?)\b", re.IGNORECASE)
"""Label words of an arrow that ships a model."""

READ_WORDS = re.compile(
    r"\b(read|reads|lookup|look up|looks up|fetch|fetches|get|gets|query|queries|"
    r"select|request|requests|call|calls|join|joins|scan|scans|hydrate|hydrates)\b",
    re.IGNORECASE,
)
"""Label words that make an arrow a read (a query per request)."""


@dataclass(frozen=True)
class Reading:
    """One thing the reading took another way than drawn, and the boxes it concerns."""

    text: str
    nodes: tuple[str, ...]


def host_of(graph: nx.DiGraph, node: str) -> str:
    """The drawn box a node stands for (a model read inside a box stands for that box)."""
    return graph.nodes[node].get("host") or node


def reads(graph: nx.DiGraph, node: str) -> set[str]:
    """Nodes ``node`` reads: an arrow into it that is not a deploy or a write, or a call it
    makes."""
    kind = graph.edges
    return {p for p in graph.predecessors(node) if kind[p, node].get("kind") in ("data", None)} | {
        s for s in graph.successors(node) if kind[node, s].get("kind") == "call"
    }


def writes(graph: nx.DiGraph, node: str) -> set[str]:
    """Nodes ``node`` writes to (logs, queues, results)."""
    return {s for s in graph.successors(node) if graph.edges[node, s].get("kind") == "write"}


def entry_distance(graph: nx.DiGraph) -> dict[str, float]:
    """Hops from the nearest entry through online nodes and stores, or, for nodes no request
    reaches, from the nearest event stream through nearline and online nodes; inf if
    neither reaches the node."""
    roles = dict(graph.nodes(data="role"))
    distance: dict[str, float] = {}
    for sources, walkable in (
        ([n for n, r in roles.items() if r == ENTRY], (ONLINE, ONLINE_STORE)),
        ([n for n, t in graph.nodes(data="type") if t == "event_stream"], (NEARLINE, ONLINE)),
    ):
        seen = {s: 0 for s in sources if s not in distance}
        queue = deque(seen)
        while queue:
            node = queue.popleft()
            for nxt in graph.successors(node):
                if roles[nxt] in walkable and nxt not in seen and nxt not in distance:
                    seen[nxt] = seen[node] + 1
                    queue.append(nxt)
        for node, hops in seen.items():
            distance.setdefault(node, hops)
    return {n: distance.get(n, math.inf) for n in graph}


def _caller_first(graph, distance, u, v) -> tuple[str, str]:
    """(caller, callee) of a pair drawn both ways between two online nodes."""

    def rank(node):
        kind = graph.nodes[node]["type"]
        return (
            distance[node],
            0 if kind in ORCHESTRATORS else 1,
            STAGE_ORDER.get(kind, 9),
        )

    types = (graph.nodes[u]["type"], graph.nodes[v]["type"])
    if "filter" in types and all(graph.nodes[n]["funnel"] for n in (u, v)) and types[0] != types[1]:
        # a filter sits right after retrieval when it is joined to a retrieval stage,
        # otherwise last: it goes before every other stage it is drawn with, or after
        flt, other = (u, v) if types[0] == "filter" else (v, u)
        after_retrieval = any(
            graph.nodes[n]["type"] == "candidate_generation"
            for n in (*graph.predecessors(flt), *graph.successors(flt))
        )
        if graph.nodes[other]["type"] == "candidate_generation" or not after_retrieval:
            return other, flt
        return flt, other
    staged = [n for n in (u, v) if graph.nodes[n]["funnel"] and graph.nodes[n]["type"] != "filter"]
    if len(staged) == 2:
        # between two funnel stages the items go in stage order, however either is reached
        # (a filter sits anywhere: after retrieval or last)
        order = STAGE_ORDER[graph.nodes[u]["type"]], STAGE_ORDER[graph.nodes[v]["type"]]
        if order[0] != order[1]:
            return (u, v) if order[0] < order[1] else (v, u)
    if distance[u] == distance[v]:
        # reached as early: a stage calls a model server (to embed a query, to score), a
        # service calls a stage; only then stage order, never the ids
        helpers = ("model_server", "bandit_policy")
        if types[0] in helpers and graph.nodes[v]["funnel"]:
            return v, u
        if types[1] in helpers and graph.nodes[u]["funnel"]:
            return u, v
    return (u, v) if rank(u) <= rank(v) else (v, u)


def _inferred_kind(graph, u, v, event_scorers) -> str:
    label = graph.edges[u, v].get("label") or ""
    a, b = graph.nodes[u], graph.nodes[v]
    if a["type"] == "model_registry":
        return "deploy"
    if b["type"] == "model_registry" and (a["role"] == ONLINE or a["type"] in HOSTS):
        return "deploy"  # the model pulled from the registry: turned round below
    if a["type"] == "training_pipeline" and (
        b["role"] == ONLINE
        or b["type"] == "stream_processor"
        or (b["type"] in HOSTS and MODEL_WORDS.search(label))
    ):
        return "deploy"  # a model pushed straight to serving: deploy.registry's finding
    if b["type"] == "content_features" and a["type"] in CONTENT_READERS:
        return "call"  # reading the embeddings, drawn in call direction
    if a["role"] != ONLINE:
        return "data"
    said_write, said_read = bool(WRITE_WORDS.search(label)), bool(READ_WORDS.search(label))
    if b["role"] in (OFFLINE, NEARLINE):
        # a log, an event, an assignment or a list handed to a job: serving writes into the
        # offline side; only a label that says it reads (a query per request) makes a call
        if said_read and not said_write:
            return "call"
        return "write"
    if (
        b["type"] == "ab_testing"
        and a["type"] in ORCHESTRATORS
        and not any(graph.nodes[s]["role"] == ONLINE for s in graph.successors(v) if s != u)
    ):
        return "call"  # asking the assignment service for the variant
    if b["role"] == ONLINE_STORE:
        if said_write and not said_read:
            return "write"
        if said_read or b["type"] in READ_STORES:
            return "call"
        others_fill = any(p != u for p in graph.predecessors(v))
        read_by_people = any(
            graph.nodes[s]["role"] in (OFFLINE, OBSERVABILITY) for s in graph.successors(v)
        )
        if u in event_scorers or (not others_fill and read_by_people):
            return "write"
        return "call"
    return "data"


def _event_scorers(graph: nx.DiGraph) -> set[str]:
    """Online nodes an event stream feeds (through nearline nodes) and no request reaches."""
    roles = dict(graph.nodes(data="role"))
    streams = [n for n, t in graph.nodes(data="type") if t == "event_stream"]
    nearline = {n for n, r in roles.items() if r == NEARLINE}
    fed = set()
    for node in set().union(
        *(nx.descendants(graph.subgraph(nearline), s) for s in streams), streams
    ):
        fed |= {s for s in graph.successors(node) if roles[s] == ONLINE}
    requested = set()
    online = graph.subgraph(n for n, r in roles.items() if r in (ENTRY, ONLINE))
    for entry in (n for n, r in roles.items() if r == ENTRY):
        requested |= nx.descendants(online, entry)
    return fed - requested


def _answers(graph, readings) -> None:
    """Step 2: drop answers (the second arrow of a call drawn both ways, arrows back)."""
    roles = dict(graph.nodes(data="role"))
    distance = entry_distance(graph)
    for u, v in list(graph.edges):
        if roles[v] == ENTRY and roles[u] != ENTRY:
            graph.remove_edge(u, v)  # a response to the client
            continue
    pairs = sorted(
        {tuple(sorted((u, v))) for u, v in graph.edges if graph.has_edge(v, u)},
    )
    for u, v in pairs:
        if {roles[u], roles[v]} <= {ONLINE}:
            caller, callee = _caller_first(graph, distance, u, v)
        elif {roles[u], roles[v]} in ({ONLINE, OFFLINE}, {ONLINE, NEARLINE}):
            # a stream job or batch job calls a model server; a service queries a lake
            online, other = (u, v) if roles[u] == ONLINE else (v, u)
            if graph.nodes[other]["type"] in ("event_stream", *LOG_SINKS[:2], "labeling"):
                continue  # the model logs into the stream and reads from it: both arrows hold
            job = roles[other] == NEARLINE or graph.nodes[other]["type"] in JOBS
            caller, callee = (other, online) if job else (online, other)
        else:
            continue
        if graph.edges[callee, caller].get("kind") not in (None, "data"):
            continue
        label = graph.edges[callee, caller].get("label")
        graph.remove_edge(callee, caller)
        if graph.edges[caller, callee].get("kind") is None:
            graph.edges[caller, callee]["kind"] = "call"
            if label and not graph.edges[caller, callee].get("label"):
                graph.edges[caller, callee]["label"] = label
        readings.append(
            Reading(
                f"{caller} <-> {callee} read as a call from {caller} and its answer",
                (caller, callee),
            )
        )
    # an arrow back to a node nearer the entry that reaches its tail is an answer too
    online = graph.subgraph(n for n, r in roles.items() if r == ONLINE)
    component = {
        n: i for i, members in enumerate(nx.strongly_connected_components(online)) for n in members
    }
    # an edge closes a loop exactly when both its ends are in one strongly connected part
    back = [
        (u, v)
        for u, v in online.edges
        if distance[v] < distance[u]
        and graph.edges[u, v].get("kind") is None
        and component[u] == component[v]
    ]
    for u, v in sorted(back):
        graph.remove_edge(u, v)
        readings.append(Reading(f"{u} -> {v} read as the answer to {v}'s call", (u, v)))


def _kinds(graph, readings) -> None:
    """Step 1 for the arrows the design leaves open."""
    scorers = _event_scorers(graph)
    for u, v, data in graph.edges(data=True):
        if data.get("kind") is None:
            data["kind"] = _inferred_kind(graph, u, v, scorers)
            role = graph.nodes[v]["role"]
            if data["kind"] == "write" and role in (OFFLINE, ONLINE_STORE):
                readings.append(Reading(f"{u} -> {v} read as {u} writing to {v}", (u, v)))
    # a model pulled from the registry (ranker -> registry) is the registry deploying it
    pulls = [
        (u, v)
        for u, v, kind in graph.edges(data="kind")
        if kind == "deploy" and graph.nodes[v]["type"] == "model_registry"
    ]
    for u, v in pulls:
        data = graph.edges[u, v]
        graph.remove_edge(u, v)
        if not graph.has_edge(v, u):
            graph.add_edge(v, u, **{**data, "drawn": "pull"})
        readings.append(Reading(f"{u} -> {v} read as {v} deploying to {u}", (u, v)))


def _data_direction(graph, readings) -> None:
    """Reads drawn in call direction (ranker -> feature_store, service -> warehouse, a cache
    -> the store it fronts) turned to the way the data flows, so every rule reads one
    direction: the store's (or offline system's) data flows into the node that reads it."""
    roles = dict(graph.nodes(data="role"))
    types = dict(graph.nodes(data="type"))
    # what each store hands on to online nodes as drawn, before any arrow is turned
    hands_on = {
        n: {
            s
            for s in graph.successors(n)
            if roles[s] == ONLINE and graph.edges[n, s]["kind"] == "data"
        }
        for n in graph
        if roles[n] == ONLINE_STORE
    }
    for u, v, data in list(graph.edges(data=True)):
        if roles[v] == ONLINE_STORE and roles[u] == ONLINE_STORE:
            if types[u] == "cache" and types[v] in THROUGH_STORES:
                flip = True  # a cache calling the store it fronts is filled from it
            else:
                continue
        elif data["kind"] != "call" or roles[v] not in (ONLINE_STORE, OFFLINE):
            continue
        elif roles[v] == ONLINE_STORE and types[v] not in READ_STORES and hands_on[v] - {u}:
            continue  # a store between two online nodes: a hop the request passes through
        else:
            flip = True
        if flip:
            graph.remove_edge(u, v)
            if not graph.has_edge(v, u):
                graph.add_edge(v, u, **{**data, "kind": "data", "drawn": "call"})
            if roles[v] == OFFLINE:
                readings.append(Reading(f"{u} -> {v} read as {u} querying {v}", (u, v)))


def _embedded_models(graph, readings, catalog) -> None:
    """Step 3: a model deployed into a stream job, batch job or service."""
    deployed = {
        v
        for u, v, kind in graph.edges(data="kind")
        if kind == "deploy" and graph.nodes[v]["type"] in HOSTS
    }
    # A stream or batch job whose output the drawing names as scores runs a model too, even
    # with no registry arrow: the missing deploy is one finding (deploy.registry), not a
    # cascade of rules that find no model.
    scoring = {
        u
        for u, v, label in graph.edges(data="label")
        if graph.nodes[u]["type"] in ("stream_processor", "batch_etl")
        and label
        and SCORE_WORDS.search(label)
    }
    hosts = sorted(deployed | scoring)
    for host in hosts:
        attrs = graph.nodes[host]
        model_type = catalog.get(HOSTS[attrs["type"]])
        model = host + MODEL_SUFFIX
        graph.add_node(
            model,
            type=model_type.id,
            role=model_type.role.value,
            category=model_type.category,
            label=f"model in {attrs['label']}",
            funnel=model_type.funnel_stage,
            latency_ms=model_type.latency_ms or 0,
            ms_per_1k_items=model_type.ms_per_1k_items,
            out_k=model_type.out_k,
            in_k=attrs.get("in_k") if model_type.id == "batch_scoring" else None,
            ms_per_1k_keys=model_type.ms_per_1k_keys,
            workers=attrs.get("workers") or model_type.workers,
            replicas=attrs.get("replicas"),
            scan_replaced_by=tuple(model_type.scan_replaced_by),
            implausible={},
            host=host,
        )
        online_host = attrs["role"] == ONLINE
        for u in list(graph.predecessors(host)):
            data = graph.edges[u, host]
            if data["kind"] == "deploy":
                graph.remove_edge(u, host)
                graph.add_edge(u, model, **data)
            elif graph.nodes[u]["role"] in (OBSERVABILITY, ONLINE_STORE):
                graph.add_edge(u, model, **data)  # watched as its host is; reads its features
        for v in list(graph.successors(host)):
            data = dict(graph.edges[host, v])
            role = graph.nodes[v]["role"]
            if role == OBSERVABILITY:
                graph.add_edge(model, v, **data)
            elif not online_host and role in (ONLINE_STORE, NEARLINE, OFFLINE, ONLINE):
                kind = "write" if role in (ONLINE_STORE, NEARLINE, OFFLINE) else data["kind"]
                graph.add_edge(model, v, **{**data, "kind": kind})
        graph.add_edge(host, model, label=None, kind="call" if online_host else "data")
        why = (
            f"the registry deploys to {host}"
            if host in deployed
            else f"{host} writes scores no model box computes"
        )
        readings.append(
            Reading(f"{why}: read as a model ({model_type.id}) running inside {host}", (host,))
        )


def _orchestrators(graph, readings) -> None:
    """Step 4: a service calling several stages calls them in stage order.

    The stages a service calls that lead nowhere further (a star's spokes) are chained in
    stage order; where some calls already lead into a drawn chain of stages, the spokes
    ranked before every stage of that chain (the A/B assignment) go before it, and those
    ranked after all of it (a re-ranker drawn beside) after its last stages.
    """
    roles = dict(graph.nodes(data="role"))
    types = dict(graph.nodes(data="type"))

    def rank(node):
        return STAGE_ORDER[types[node]]

    # Every caller is read on one snapshot of the drawing, and the rewirings applied after:
    # the reading of one service never depends on another's (nor on which id sorts first).
    online = graph.subgraph(n for n, r in roles.items() if r == ONLINE).copy()
    reach: dict[str, set[str]] = {}

    def descendants(node):
        if node not in reach:
            reach[node] = nx.descendants(online, node)
        return reach[node]

    removals: set[tuple[str, str]] = set()
    additions: set[tuple[str, str]] = set()
    for caller in sorted(n for n in graph if roles[n] == ONLINE and types[n] in ORCHESTRATORS):
        callees = [
            s
            for s in online.successors(caller)
            if types[s] in STAGE_ORDER
            and graph.edges[caller, s]["kind"] in ("data", "call")
            and graph.nodes[s].get("host") != caller  # its own in-process model is no stage
        ]
        below = {c: descendants(c) for c in callees}
        callees = sorted(c for c in callees if not any(c in below[o] for o in callees if o != c))
        spokes = [c for c in callees if not any(types[d] in STAGE_ORDER for d in below[c])]
        chains = [c for c in callees if c not in spokes]
        # segments in call order, each as (where it is entered, what it hands on from)
        if chains:
            # the drawn chain's span in stage order, judged by its funnel stages (a model
            # server is a query encoder before retrieval or a scorer after it, by position)
            stages = {n for c in chains for n in {c, *below[c]} if graph.nodes[n]["funnel"]} or set(
                chains
            )
            low, high = min(map(rank, stages)), max(map(rank, stages))
            ends = sorted(n for n in stages if not any(s in stages for s in online.successors(n)))
            beside = [s for s in spokes if low <= rank(s) <= high]  # parallel channels
            segments = [
                *((g, g) for g in _by_rank([s for s in spokes if rank(s) < low], rank)),
                (chains + beside, ends + beside),
                *((g, g) for g in _by_rank([s for s in spokes if rank(s) > high], rank)),
            ]
        else:
            segments = [(g, g) for g in _by_rank(spokes, rank)]
        if len(segments) < 2:
            continue
        if any(
            len(handed) * len(entered) > MAX_JOINED
            for (_, handed), (entered, _) in zip(segments, segments[1:], strict=False)
        ):
            # dozens of parallel stages of one kind are no design a candidate draws; joining
            # every one to every next one would cost the check minutes (left as drawn)
            readings.append(
                Reading(f"{caller} calls too many parallel stages to read as a chain", (caller,))
            )
            continue
        for entered, _ in segments[1:]:
            removals.update((caller, node) for node in entered if graph.has_edge(caller, node))
        for (_, handed), (entered, _) in zip(segments, segments[1:], strict=False):
            additions.update((u, v) for u in handed for v in entered if u != v)
        groups = [entered for entered, _ in segments]
        order = " -> ".join(" + ".join(g) for g in groups)
        readings.append(
            Reading(
                f"{caller} calls {', '.join(callees)}: read as the stages in order, {order}",
                (caller, *callees),
            )
        )

    graph.remove_edges_from(removals - additions)
    graph.add_edges_from(
        (u, v, {"label": None, "kind": "call"})
        for u, v in sorted(additions)
        if not graph.has_edge(u, v)
    )


def _by_rank(nodes, rank) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for node in sorted(nodes):
        groups.setdefault(rank(node), []).append(node)
    return [groups[r] for r in sorted(groups)]


def _through_caches(graph, readings) -> None:
    """Step 5: a read of a cache in front of a store is a read of that store."""
    types = dict(graph.nodes(data="type"))
    caches = {n for n, t in types.items() if t == "cache"}
    for cache in sorted(caches):
        # the stores behind it, through any caches in front of caches
        behind, seen, frontier = set(), {cache}, [cache]
        while frontier:
            node = frontier.pop()
            for n in graph.predecessors(node):
                if types[n] in THROUGH_STORES:
                    behind.add(n)
            for n in (*graph.predecessors(node), *graph.successors(node)):
                if n in caches and n not in seen:  # a cache in front of a cache, either way
                    seen.add(n)
                    frontier.append(n)
        behind = sorted(behind)
        if not behind:
            continue
        readers = sorted(r for r in graph.successors(cache) if graph.nodes[r]["role"] == ONLINE)
        for reader in readers:
            for store in behind:
                if not graph.has_edge(store, reader) and not graph.has_edge(reader, store):
                    graph.add_edge(store, reader, label=None, kind="data")
            readings.append(
                Reading(
                    f"{reader} reads {', '.join(behind)} through {cache}", (reader, cache, *behind)
                )
            )


def read_graph(graph: nx.DiGraph, catalog) -> nx.DiGraph:
    """The canonical graph of a drawn graph (from :func:`components.design.design_graph`):
    a new graph whose every edge has a kind, with answers dropped, models inside other boxes
    drawn as boxes of their own, orchestrators' calls in stage order and reads through
    caches. ``graph.graph["readings"]`` lists what was read, as :class:`Reading`, and
    ``graph.graph["drawn_kinds"]`` the kind of every drawn arrow that is no answer."""
    canonical = nx.DiGraph()
    canonical.graph.update(graph.graph)
    canonical.add_nodes_from(graph.nodes(data=True))
    canonical.add_edges_from((u, v, dict(d)) for u, v, d in graph.edges(data=True))
    canonical.graph.pop("_derived", None)
    readings: list[Reading] = []
    _answers(canonical, readings)
    _kinds(canonical, readings)
    canonical.graph["drawn_kinds"] = {(u, v): k for u, v, k in canonical.edges(data="kind")}
    _data_direction(canonical, readings)
    _embedded_models(canonical, readings, catalog)
    _orchestrators(canonical, readings)
    _through_caches(canonical, readings)
    canonical.graph["readings"] = readings
    return canonical
