"""Arithmetic on a design graph: funnel sizes, node costs, the critical request path.

Functions take the graph from :func:`components.design.design_graph` first and return plain
values. The models (see design.md, "Latency model"):

* The request graph holds entry and online nodes and the edges between them, except edges
  into an entry (responses). A request path starts at an entry.
* Funnel: a stage's ``in_k`` is the sum of the items its upstream stages output (non-funnel
  online nodes pass items through); a first stage takes the catalog size. A stage with no
  ``out_k`` passes its input through.
* Cost of an online node: ``latency_ms + ms_per_1k_items * in_k / 1000`` plus the slowest
  online store it reads (an online store joined to it by an edge in either direction).
* Worst-case latency: the longest path from an entry, parallel branches counting once
  (the slowest of them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

DEFAULT_CATALOG_SIZE = 100_000_000
"""Items in the catalog when no scenario says otherwise (100M+ tracks)."""

ENTRY, ONLINE, ONLINE_STORE = "entry", "online", "online_store"


class RequestPathCycle(ValueError):
    """The request path loops back on itself, so no worst-case latency exists."""

    def __init__(self, cycle: list[str]):
        self.cycle = cycle
        super().__init__("request path has a cycle: " + " -> ".join([*cycle, cycle[0]]))


@dataclass(frozen=True)
class NodeCost:
    """What one online node adds to a request, and why."""

    node: str
    base_ms: float
    items_ms: float
    in_k: int
    store: str | None
    store_ms: float

    @property
    def total_ms(self) -> float:
        return self.base_ms + self.items_ms + self.store_ms


@dataclass(frozen=True)
class LatencyReport:
    """The slowest request path and what each node on it costs."""

    path: list[str]
    total_ms: float
    costs: dict[str, NodeCost] = field(default_factory=dict)


def nodes_with_role(graph: nx.DiGraph, *roles: str) -> list[str]:
    return [n for n, role in graph.nodes(data="role") if role in roles]


def nodes_of_type(graph: nx.DiGraph, *types: str) -> list[str]:
    return [n for n, kind in graph.nodes(data="type") if kind in types]


def _cached(graph: nx.DiGraph, key: str, compute):
    """Derived views are cached in the graph's attribute dict: a check asks for them from
    several rules, and graphs from design_graph are not mutated after they are built."""
    cache = graph.graph.setdefault("_derived", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def reachable_from(graph: nx.DiGraph, sources, reverse: bool = False) -> set[str]:
    """Every node reachable from any of ``sources`` (included), in one traversal.

    networkx's ``descendants`` is single-source; calling it (or ``has_path``) per pair made
    rules quadratic on large designs. With ``reverse``, follows edges backwards (ancestors).
    """
    step = graph.predecessors if reverse else graph.successors
    seen = set(sources)
    frontier = list(seen)
    while frontier:
        node = frontier.pop()
        for nxt in step(node):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def request_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """Entry and online nodes with the edges between them, minus responses into an entry."""
    return _cached(graph, "request", lambda: _request_graph(graph))


def _request_graph(graph: nx.DiGraph) -> nx.DiGraph:
    keep = set(nodes_with_role(graph, ENTRY, ONLINE))
    sub = nx.DiGraph()
    sub.add_nodes_from((n, graph.nodes[n]) for n in keep)
    sub.add_edges_from(
        (u, v)
        for u, v in graph.edges
        if u in keep and v in keep and graph.nodes[v]["role"] != ENTRY
    )
    return sub


def reachable_request_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """The part of the request graph a request from some entry can reach."""

    def compute():
        sub = request_graph(graph)
        reached = reachable_from(sub, nodes_with_role(sub, ENTRY))
        return sub.subgraph(reached).copy()

    return _cached(graph, "reachable_request", compute)


def request_order(sub: nx.DiGraph) -> list[str]:
    """Topological order of a request graph; RequestPathCycle if it loops."""
    try:
        return list(nx.topological_sort(sub))
    except nx.NetworkXUnfeasible:
        cycle = [u for u, _ in nx.find_cycle(sub)]
        raise RequestPathCycle(cycle) from None


def stores_read(graph: nx.DiGraph, node: str) -> list[str]:
    """Online stores an online node reads (joined by an edge either way)."""
    neighbours = set(graph.predecessors(node)) | set(graph.successors(node))
    return sorted(n for n in neighbours if graph.nodes[n]["role"] == ONLINE_STORE)


def funnel_flow(graph: nx.DiGraph, catalog_size: int = DEFAULT_CATALOG_SIZE) -> dict:
    """``{node: (in_k, out_k)}`` for the entry and online nodes a request reaches."""
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


def node_cost(graph: nx.DiGraph, node: str, in_k: int) -> NodeCost:
    attrs = graph.nodes[node]
    if attrs["role"] == ENTRY:
        return NodeCost(node, 0.0, 0.0, 0, None, 0.0)
    stores = stores_read(graph, node)
    slowest = max(stores, key=lambda s: graph.nodes[s]["latency_ms"], default=None)
    return NodeCost(
        node=node,
        base_ms=float(attrs["latency_ms"] or 0),
        items_ms=float(attrs["ms_per_1k_items"] or 0) * in_k / 1000,
        in_k=in_k,
        store=slowest,
        store_ms=float(graph.nodes[slowest]["latency_ms"]) if slowest else 0.0,
    )


def node_costs(graph: nx.DiGraph, catalog_size: int = DEFAULT_CATALOG_SIZE) -> dict:
    flow = funnel_flow(graph, catalog_size)
    return {node: node_cost(graph, node, in_k) for node, (in_k, _) in flow.items()}


def critical_path(graph: nx.DiGraph, catalog_size: int = DEFAULT_CATALOG_SIZE) -> LatencyReport:
    """The slowest path from an entry through online nodes (empty if no entry reaches any)."""
    sub = reachable_request_graph(graph).copy()  # edge weights below are this call's own
    request_order(sub)  # raises RequestPathCycle before any longest-path search
    costs = {n: c for n, c in node_costs(graph, catalog_size).items() if n in sub}
    if sub.number_of_edges() == 0:
        return LatencyReport([], 0.0, costs)
    # Weight an edge by what its head costs; the epsilon makes a free node still count as
    # a hop, so among equal totals the path reaching back to the entry wins.
    for u, v in sub.edges:
        sub.edges[u, v]["cost"] = costs[v].total_ms + 1e-6
    path = nx.dag_longest_path(sub, weight="cost")
    total = sum(costs[n].total_ms for n in path)
    return LatencyReport(path, round(total, 3), costs)


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
