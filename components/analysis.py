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


def request_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """Entry and online nodes with the edges between them, minus responses into an entry."""
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
    sub = request_graph(graph)
    entries = nodes_with_role(sub, ENTRY)
    reached = set(entries).union(*(nx.descendants(sub, e) for e in entries)) if entries else set()
    return sub.subgraph(reached).copy()


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
    """``{node: (in_k, out_k)}`` for every entry and online node, in request order."""
    sub = request_graph(graph)
    flow: dict[str, tuple[int, int]] = {}
    for node in request_order(sub):
        attrs = graph.nodes[node]
        upstream = sum(flow[p][1] for p in sub.predecessors(node))
        if attrs.get("in_k") is not None:
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
    sub = reachable_request_graph(graph)
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
    stages = [n for n in sub if sub.nodes[n]["funnel"]]
    return [n for n in stages if not any(sub.nodes[d]["funnel"] for d in nx.descendants(sub, n))]
