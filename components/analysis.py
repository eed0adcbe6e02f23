"""Arithmetic on a design graph: serving paths, funnel sizes, node costs, the critical path.

Functions take the graph from :func:`components.design.design_graph` first and return plain
values. The model (design.md, "How the rubric reads a design (model v2)"):

* Request path (realtime): starts at an entry and follows edges between online nodes. An
  online store *between* two online nodes (a read-through cache in front of the ranker) is a
  hop on the path; a store joined to a node from the side is a read by that node. Edges into
  an entry are responses and are ignored.
* Event path (nearline): starts at an event stream and follows nearline nodes and the online
  nodes they feed (a model scoring events as they arrive); stores end it (writing a store is
  not scoring).
* Batch path: a batch job fills a store that a request path, an event path or a campaign (an
  online sender no request reaches, reading what the batch job wrote) reads.
* Funnel: a stage's ``in_k`` is the sum of the ``out_k`` of the stages feeding it (other
  nodes pass items through); a first stage takes the catalog size unless ``in_k`` says
  otherwise. A stage with no ``out_k`` passes its input through.
* Cost of a node: ``latency_ms + ms_per_1k_items * in_k / 1000``, plus each store it reads
  from the side, ``latency_ms + ms_per_1k_keys * keys / 1000``, where keys is the number of
  items it fetches for (its ``in_k``; a retrieval stage fetches its ``out_k``). A stage whose
  type lists ``scan_replaced_by`` (candidate generation) pays its per-item scan only when it
  reads none of those stores: reading an ANN index replaces the brute-force scan.
* Worst case: the longest path, parallel branches counting once (the slowest of them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

DEFAULT_CATALOG_SIZE = 100_000_000
"""Items in the catalog when no scenario says otherwise (100M+ tracks)."""

ENTRY, ONLINE, ONLINE_STORE, NEARLINE = "entry", "online", "online_store", "nearline"
OFFLINE, OBSERVABILITY = "offline", "observability"


class RequestPathCycle(ValueError):
    """The request path loops back on itself, so no worst-case latency exists."""

    def __init__(self, cycle: list[str]):
        self.cycle = cycle
        super().__init__("request path has a cycle: " + " -> ".join([*cycle, cycle[0]]))


@dataclass(frozen=True)
class StoreRead:
    """One read of an online store by a node: what it costs and for how many keys."""

    store: str
    keys: int
    ms: float


@dataclass(frozen=True)
class NodeCost:
    """What one node adds to a request (or an event), and why."""

    node: str
    base_ms: float
    items_ms: float
    in_k: int
    reads: tuple[StoreRead, ...] = ()
    scan_replaced: bool = False

    @property
    def store_ms(self) -> float:
        return sum(read.ms for read in self.reads)

    @property
    def compute_ms(self) -> float:
        """Time the node itself works (what a serving core spends), without store waits."""
        return self.base_ms + self.items_ms

    @property
    def total_ms(self) -> float:
        return self.base_ms + self.items_ms + self.store_ms


@dataclass(frozen=True)
class LatencyReport:
    """The slowest path and what each node on it costs."""

    path: list[str]
    total_ms: float
    costs: dict[str, NodeCost] = field(default_factory=dict)


def nodes_with_role(graph: nx.DiGraph, *roles: str) -> list[str]:
    by_role = _cached(graph, "by_role", lambda: _group(graph, "role"))
    if len(roles) == 1:
        return list(by_role.get(roles[0], ()))
    return [n for n in graph if graph.nodes[n]["role"] in roles]


def nodes_of_type(graph: nx.DiGraph, *types: str) -> list[str]:
    by_type = _cached(graph, "by_type", lambda: _group(graph, "type"))
    if len(types) == 1:
        return list(by_type.get(types[0], ()))
    return [n for n, kind in graph.nodes(data="type") if kind in types]


def _group(graph: nx.DiGraph, attr: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for node, value in graph.nodes(data=attr):
        groups.setdefault(value, []).append(node)
    return groups


def _cached(graph: nx.DiGraph, key: str, compute):
    """Derived views are cached in the graph's attribute dict: a check asks for them from
    several rules, and graphs from design_graph are not mutated after they are built."""
    if nx.is_frozen(graph):  # a subgraph view shares its parent's attribute dict
        return compute()
    cache = graph.graph.setdefault("_derived", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _induced(graph: nx.DiGraph, nodes) -> nx.DiGraph:
    """A new graph of ``nodes`` and the edges between them, with a cache of its own (faster
    than copying a subgraph view, whose copy would also share the parent's cache dict)."""
    keep = set(nodes)
    sub = nx.DiGraph()
    sub.add_nodes_from((n, graph.nodes[n]) for n in graph if n in keep)
    sub.add_edges_from((u, v) for u, v in graph.edges if u in keep and v in keep)
    return sub


def reachable_from(graph: nx.DiGraph, sources, reverse: bool = False) -> set[str]:
    """Every node reachable from any of ``sources`` (included), in one traversal.

    networkx's ``descendants`` is single-source; calling it (or ``has_path``) per pair made
    rules quadratic on large designs. With ``reverse``, follows edges backwards (ancestors).
    """
    step = graph.predecessors if reverse else graph.successors
    seen = {s for s in sources if s in graph}
    frontier = list(seen)
    while frontier:
        node = frontier.pop()
        for nxt in step(node):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def neighbours(graph: nx.DiGraph, node: str) -> set[str]:
    """Nodes joined to ``node`` by an edge either way (computed once per node)."""
    cache = _cached(graph, "neighbours", dict)
    if node not in cache:
        cache[node] = set(graph.predecessors(node)) | set(graph.successors(node))
    return cache[node]


# ---- the request path ------------------------------------------------------------------------


def inline_stores(graph: nx.DiGraph) -> set[str]:
    """Online stores drawn between two different online nodes: hops on the request path."""
    return _cached(graph, "inline_stores", lambda: _inline_stores(graph))


def _inline_stores(graph: nx.DiGraph) -> set[str]:
    inline = set()
    for store in nodes_with_role(graph, ONLINE_STORE):
        before = {p for p in graph.predecessors(store) if graph.nodes[p]["role"] in (ENTRY, ONLINE)}
        after = {s for s in graph.successors(store) if graph.nodes[s]["role"] == ONLINE}
        # a node joined both ways (ranker <-> feature store) reads it; that is no hop
        if before - after and after - before:
            inline.add(store)
    return inline


def request_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """Entry and online nodes and inline stores, with the edges between them, minus
    responses into an entry."""
    return _cached(graph, "request", lambda: _request_graph(graph))


def _request_graph(graph: nx.DiGraph) -> nx.DiGraph:
    inline = inline_stores(graph)
    keep = set(nodes_with_role(graph, ENTRY, ONLINE)) | inline
    sub = nx.DiGraph()
    sub.add_nodes_from((n, graph.nodes[n]) for n in keep)
    for u, v in graph.edges:
        if u not in keep or v not in keep or graph.nodes[v]["role"] == ENTRY:
            continue
        if u in inline and v in graph.successors(u) and v in graph.predecessors(u):
            continue  # the both-ways partner of an inline store reads it from the side
        if v in inline and u in graph.successors(v):
            continue
        sub.add_edge(u, v)
    return sub


def reachable_request_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """The part of the request graph a request from some entry can reach."""

    def compute():
        sub = request_graph(graph)
        reached = reachable_from(sub, nodes_with_role(sub, ENTRY))
        return _induced(sub, reached)

    return _cached(graph, "reachable_request", compute)


def request_order(sub: nx.DiGraph) -> list[str]:
    """Topological order of a request graph; RequestPathCycle if it loops."""
    return _cached(sub, "order", lambda: _request_order(sub))


def _request_order(sub: nx.DiGraph) -> list[str]:
    try:
        return list(nx.topological_sort(sub))
    except nx.NetworkXUnfeasible:
        cycle = [u for u, _ in nx.find_cycle(sub)]
        raise RequestPathCycle(cycle) from None


# ---- the event path --------------------------------------------------------------------------


def event_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """What events reach: from each event stream through nearline nodes and the online nodes
    they feed (scorers), without entries, stores or offline systems."""
    return _cached(graph, "event", lambda: _event_graph(graph))


def _event_graph(graph: nx.DiGraph) -> nx.DiGraph:
    allowed = graph.subgraph(nodes_with_role(graph, NEARLINE, ONLINE))
    reached = reachable_from(allowed, nodes_of_type(graph, "event_stream"))
    return _induced(allowed, reached)


def event_scorers(graph: nx.DiGraph) -> list[str]:
    """Online nodes that score events as they arrive (the event path's serving models)."""
    sub = event_graph(graph)
    return sorted(n for n in sub if sub.nodes[n]["role"] == ONLINE)


def event_path_nodes(graph: nx.DiGraph) -> set[str]:
    """Nodes on an event path that ends in a scorer: the streams and processors feeding a
    scorer, the scorers, and the online nodes they call in turn."""

    def compute():
        sub = event_graph(graph)
        scorers = event_scorers(graph)
        if not scorers:
            return set()
        online = sub.subgraph(n for n in sub if sub.nodes[n]["role"] == ONLINE)
        return reachable_from(sub, scorers, reverse=True) | reachable_from(online, scorers)

    return _cached(graph, "event_nodes", compute)


# ---- serving nodes ---------------------------------------------------------------------------


def batch_written_stores(graph: nx.DiGraph) -> set[str]:
    """Online stores a batch job fills, directly or through offline hops."""

    def compute():
        offline_side = graph.subgraph(
            [*nodes_with_role(graph, OFFLINE), *nodes_with_role(graph, ONLINE_STORE)]
        )
        reached = reachable_from(offline_side, nodes_of_type(graph, "batch_scoring"))
        return {n for n in reached if graph.nodes[n]["role"] == ONLINE_STORE}

    return _cached(graph, "batch_written", compute)


def campaign_readers(graph: nx.DiGraph) -> list[str]:
    """Online nodes no request reaches that act on what a batch job wrote (a sender that
    reads the send schedule): the serving side of a campaign."""

    def compute():
        reached = request_serving_nodes(graph) | event_path_nodes(graph)
        written = batch_written_stores(graph)
        return sorted(
            n
            for n in nodes_with_role(graph, ONLINE)
            if n not in reached and neighbours(graph, n) & written
        )

    return _cached(graph, "campaign", compute)


def campaign_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """The campaign senders and the online nodes no request reaches that feed them (a
    holdout assignment in front of the sender), with the edges between them."""

    def compute():
        readers = campaign_readers(graph)
        reached = request_serving_nodes(graph) | event_path_nodes(graph)
        online = graph.subgraph(n for n in nodes_with_role(graph, ONLINE) if n not in reached)
        return _induced(online, reachable_from(online, readers, reverse=True))

    return _cached(graph, "campaign_graph", compute)


def store_readers(graph: nx.DiGraph, store: str) -> list[str]:
    """Nodes on a request or event path (or a campaign) that read a store, from the side or
    as a hop."""
    serving = _cached(
        graph,
        "readers",
        lambda: (
            request_serving_nodes(graph) | event_path_nodes(graph) | set(campaign_readers(graph))
        ),
    )
    # a cache in front of the store is read through to it (components/reading.py); an
    # arrow into the store is a read only where it is no write (a hop, a lookup)
    near = set(graph.successors(store)) | {
        p for p in graph.predecessors(store) if graph.edges[p, store].get("kind") != "write"
    }
    return sorted(n for n in near if n in serving and n != store)


def request_serving_nodes(graph: nx.DiGraph) -> set[str]:
    """Nodes a request reaches, without the entry."""

    def compute():
        sub = reachable_request_graph(graph)
        return {n for n, role in sub.nodes(data="role") if role != ENTRY}

    return _cached(graph, "request_serving", compute)


def served_stores(graph: nx.DiGraph) -> list[str]:
    """Online stores read on a request or event path (or drawn inline on one)."""
    return _cached(
        graph,
        "served_stores",
        lambda: sorted(s for s in nodes_with_role(graph, ONLINE_STORE) if store_readers(graph, s)),
    )


def batch_serving_nodes(graph: nx.DiGraph) -> list[str]:
    """Batch jobs whose results reach a store that a request or event path reads (through
    offline hops: scores land in the lake, a loader fills the serving store)."""

    def compute():
        served = served_stores(graph)
        offline_side = graph.subgraph([*nodes_with_role(graph, OFFLINE), *served])
        return sorted(
            job
            for job in nodes_of_type(graph, "batch_scoring")
            if reachable_from(offline_side, [job]) & set(served)
        )

    return _cached(graph, "batch_serving", compute)


def serving_nodes(graph: nx.DiGraph) -> set[str]:
    """The models and services on any serving path: request, event and batch."""
    return _cached(
        graph,
        "serving",
        lambda: (
            request_serving_nodes(graph)
            | event_path_nodes(graph)
            | set(campaign_readers(graph))
            | set(batch_serving_nodes(graph))
        ),
    )


# ---- funnel and costs ------------------------------------------------------------------------


def side_stores(graph: nx.DiGraph, node: str, path_graph: nx.DiGraph | None = None) -> list[str]:
    """Online stores a node reads from the side (joined by an edge either way that is not a
    hop of the path graph)."""
    path_graph = path_graph if path_graph is not None else request_graph(graph)
    hops = set()
    if node in path_graph:
        hops = set(path_graph.predecessors(node)) | set(path_graph.successors(node))
    return sorted(
        n
        for n in neighbours(graph, node)
        if graph.nodes[n]["role"] == ONLINE_STORE and n not in hops
    )


def stores_read(graph: nx.DiGraph, node: str) -> list[str]:
    """Online stores a node reads from the side on the request path."""
    return side_stores(graph, node)


def funnel_flow(graph: nx.DiGraph, catalog_size: int = DEFAULT_CATALOG_SIZE) -> dict:
    """``{node: (in_k, out_k)}`` for the entry, online nodes and inline stores a request
    reaches."""
    return _cached(graph, f"flow:{catalog_size}", lambda: _funnel_flow(graph, catalog_size))


def _funnel_flow(graph: nx.DiGraph, catalog_size: int) -> dict:
    # Only what a request reaches: a loop among boxes no request touches is not a loop
    # on the request path.
    sub = reachable_request_graph(graph)
    flow: dict[str, tuple[int, int]] = {}
    for node in request_order(sub):
        attrs = graph.nodes[node]
        upstream = sum(flow[p][1] for p in sub.predecessors(node))
        if attrs.get("in_k") is not None and upstream == 0:
            # in_k is for a first stage working on its own short list (a trending list);
            # a stage fed by other stages takes what they send, whatever in_k says.
            in_k = attrs["in_k"]
        elif attrs["funnel"] and upstream == 0:
            in_k = catalog_size
        else:
            in_k = upstream
        out_k = attrs["out_k"] if attrs["funnel"] and attrs["out_k"] is not None else in_k
        if attrs["role"] == ENTRY:
            in_k = out_k = 0
        flow[node] = (in_k, out_k)
    return flow


def keys_fetched(graph: nx.DiGraph, node: str, in_k: int, out_k: int | None = None) -> int:
    """How many keys a node reads from a store: a row per item it takes in; a retrieval
    stage (one whose scan an index replaces) fetches rows for the candidates it returns."""
    attrs = graph.nodes[node]
    if attrs.get("scan_replaced_by"):
        return max(out_k if out_k is not None else (attrs["out_k"] or in_k), 1)
    return max(in_k, 1)


def store_read(graph: nx.DiGraph, store: str, keys: int) -> StoreRead:
    attrs = graph.nodes[store]
    per_key = float(attrs.get("ms_per_1k_keys") or 0)
    return StoreRead(store, keys, float(attrs["latency_ms"] or 0) + per_key * keys / 1000)


def node_cost(
    graph: nx.DiGraph,
    node: str,
    in_k: int,
    out_k: int | None = None,
    path_graph: nx.DiGraph | None = None,
) -> NodeCost:
    attrs = graph.nodes[node]
    if attrs["role"] == ENTRY:
        return NodeCost(node, 0.0, 0.0, 0)
    if attrs["role"] == ONLINE_STORE:  # a hop on the path: one read for what passes through
        read = store_read(graph, node, max(in_k, 1))
        return NodeCost(node, read.ms, 0.0, in_k)
    if attrs["role"] == NEARLINE:  # a stream's delay or a processor's window, stores included
        return NodeCost(node, float(attrs["latency_ms"] or 0), 0.0, in_k)
    stores = side_stores(graph, node, path_graph)
    hops = (
        set(path_graph.successors(node)) if path_graph is not None and node in path_graph else set()
    )
    index_types = set(attrs.get("scan_replaced_by") or ())
    indexed = any(graph.nodes[s]["type"] in index_types for s in [*stores, *hops])
    keys = keys_fetched(graph, node, in_k, out_k)
    items_ms = 0.0 if indexed else float(attrs["ms_per_1k_items"] or 0) * in_k / 1000
    return NodeCost(
        node=node,
        base_ms=float(attrs["latency_ms"] or 0),
        items_ms=items_ms,
        in_k=in_k,
        reads=tuple(store_read(graph, s, keys) for s in stores),
        scan_replaced=indexed,
    )


def node_costs(graph: nx.DiGraph, catalog_size: int = DEFAULT_CATALOG_SIZE) -> dict:
    """Cost of every node a request reaches."""

    def compute():
        flow = funnel_flow(graph, catalog_size)
        sub = reachable_request_graph(graph)
        return {
            node: node_cost(graph, node, in_k, out_k, sub) for node, (in_k, out_k) in flow.items()
        }

    return _cached(graph, f"costs:{catalog_size}", compute)


def _longest(sub: nx.DiGraph, costs: dict[str, NodeCost], key: str) -> LatencyReport:
    if sub.number_of_edges() == 0:
        return LatencyReport([], 0.0, costs)
    # Weight an edge by what its head costs; the epsilon makes a free node still count as
    # a hop, so among equal totals the path reaching back to the start wins. The weights
    # live on the derived graph under a key of their own (no copy per call).
    for _, v, data in sub.edges(data=True):
        data[key] = costs[v].total_ms + 1e-6
    path = nx.dag_longest_path(sub, weight=key)
    total = sum(costs[n].total_ms for n in path)
    return LatencyReport(path, round(total, 3), costs)


def critical_path(graph: nx.DiGraph, catalog_size: int = DEFAULT_CATALOG_SIZE) -> LatencyReport:
    """The slowest path from an entry (empty if no entry reaches any node)."""
    sub = reachable_request_graph(graph)
    request_order(sub)  # raises RequestPathCycle before any longest-path search
    costs = node_costs(graph, catalog_size)
    return _longest(sub, {n: c for n, c in costs.items() if n in sub}, f"cost:{catalog_size}")


def event_costs(graph: nx.DiGraph) -> dict[str, NodeCost]:
    """Cost of every node on an event path: one event at a time (one key per read)."""
    sub = event_graph(graph)
    return {n: node_cost(graph, n, 1, 1, sub) for n in event_path_nodes(graph)}


def event_critical_path(graph: nx.DiGraph) -> LatencyReport:
    """The slowest way from an event to its score (empty without a scorer)."""
    nodes = event_path_nodes(graph)
    sub = _induced(event_graph(graph), nodes)
    request_order(sub)
    costs = event_costs(graph)
    if sub.number_of_edges() == 0:
        return LatencyReport([], 0.0, costs)
    # the event reaches the stream at its start, so the first node's cost counts too
    report = _longest(sub, costs, "cost:event")
    return report


def funnel_levels(graph: nx.DiGraph) -> dict[str, int]:
    """Depth of each funnel stage on the request path: parallel channels share a level."""
    sub = reachable_request_graph(graph)
    levels: dict[str, int] = {}
    reach: dict[str, int] = {}  # deepest funnel level at or before each node
    for node in request_order(sub):
        before = max((reach[p] for p in sub.predecessors(node)), default=0)
        if sub.nodes[node]["funnel"]:
            levels[node] = before + 1
        reach[node] = levels.get(node, before)
    return levels


def final_stages(graph: nx.DiGraph) -> list[str]:
    """Funnel stages on the request path with no funnel stage after them (they make the slate)."""
    sub = reachable_request_graph(graph)
    funnel_after: dict[str, bool] = {}
    for node in reversed(request_order(sub)):
        funnel_after[node] = any(
            sub.nodes[s]["funnel"] or funnel_after[s] for s in sub.successors(node)
        )
    return [n for n in sub if sub.nodes[n]["funnel"] and not funnel_after[n]]


# ---- capacity --------------------------------------------------------------------------------

CORES_PER_REPLICA = 8
"""Cores of one serving replica, for the replicas a peak needs."""

TARGET_UTILISATION = 0.6
"""Share of a core a replica is planned to use at peak (head room for spikes and failover)."""


def replicas_needed(peak_qps: float, compute_ms: float) -> tuple[float, int]:
    """Cores busy at peak and the replicas that carry them (at the target utilisation)."""
    cores = peak_qps * compute_ms / 1000
    return cores, max(1, math.ceil(cores / (CORES_PER_REPLICA * TARGET_UTILISATION)))
