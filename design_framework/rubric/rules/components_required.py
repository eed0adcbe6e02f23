"""components.required: the scenario's required component types are in the design and used.

Options: ``types`` lists type ids; a nested list is an any-of group. ``edges`` lists
type-level links that must exist (``{from: feature_store, to: ranker}``), directly or through
a cache drawn between them.

A component counts only when it is used: an online node a request or event reaches, a store
a serving node reads, any other component joined to the design by an edge. An ANN index
nothing reads is a drawing, not a part of the system.

A generic ``model_server`` that scores what retrieval returns (it sits on the request path
after a candidate-generation stage) stands in for a required ``ranker``: many candidates draw
their ranker as "a model box", and the arithmetic treats it the same way. The verdict names
the stand-in, and type links to ``ranker`` accept it too.

Passing: types ``[ranker, [candidate_generation, ann_index]]`` and the design has a ranker on
the request path and an ann_index that retrieval reads. Failing: the same options and the
design has no ranker, or an ann_index that no serving node reads.
"""

import networkx as nx
from pydantic import Field

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names

RULE = Rule("components.required", "Required components", "framing")


class TypeEdge(BaseOptions):
    source: TypeId = Field(alias="from", description="Type id data comes from.")
    target: TypeId = Field(alias="to", description="Type id data goes to.")


class Options(BaseOptions):
    types: list[TypeId | list[TypeId]] = Field(
        default_factory=list, description="Required type ids; a list is any-of."
    )
    edges: list[TypeEdge] = Field(default_factory=list, description="Required type-level links.")


def _group_text(group) -> str:
    return group if isinstance(group, str) else " or ".join(group)


STAND_INS = {"ranker": ("model_server", ("candidate_generation", "pre_ranker"))}
"""Required type -> (type that may stand in, stage types one of which must come before it)."""


def stand_ins(design) -> dict[str, list[str]]:
    """Nodes standing in for a required type (see the module docstring)."""
    found = {}
    for required, (kind, before) in STAND_INS.items():
        nodes = [
            n
            for n in design.of_type(kind)
            if n in design.request
            and any(design.type(a) in before for a in nx.ancestors(design.request, n))
        ]
        if nodes:
            found[required] = nodes
    return found


def _linked(design, source: str, target: str, standing: dict[str, list[str]]) -> bool:
    """A link of types exists in the reading: something of the source type flows into a
    node of the target type (or its stand-in), directly (a cache in front of a store is read
    through to it by the reading), or into the service before it on the request path that
    reads it and passes it on (the service hydrates features, then calls the ranker)."""
    targets = set(design.of_type(target)) | set(standing.get(target, ()))
    for node in targets:
        readers = [node]
        if node in design.request:
            readers += [
                a
                for a in nx.ancestors(design.request, node)
                if design.type(a) in ("recommendation_service", "api_gateway")
            ]
        # what flows into the reader, in the reading's direction (reads drawn in call
        # direction already turned; a write such as bandit -> event_stream flows too)
        if any(design.type(p) == source for r in readers for p in design.graph.predecessors(r)):
            return True
    return False


def used(design, node: str) -> bool:
    """Whether a component does anything in the design (see the module docstring)."""
    role = design.role(node)
    if role == "online":
        return design.on_serving_path(node)
    if role == "online_store":
        # read on a serving path, or read by a job that acts on it (a campaign export)
        return bool(design.request_readers(node)) or any(
            design.role(s) in ("offline", "online") and design.type(s) != "training_pipeline"
            for s in design.graph.successors(node)
        )
    return bool(design.neighbours(node))


def check(design, scenario, options: Options):
    if not options.types and not options.edges:
        return [RULE.skipped("No required components are configured.")]
    present = {design.type(n) for n in design.graph if used(design, n)}
    drawn = {design.type(n) for n in design.graph}
    standing = {t: nodes for t, nodes in stand_ins(design).items() if t not in present}
    present |= set(standing)
    missing, unused = [], []
    for group in options.types:
        kinds = {group} if isinstance(group, str) else set(group)
        if kinds & present:
            continue
        if kinds & drawn:
            unused += sorted(n for n in design.graph if design.type(n) in kinds)
        missing.append(_group_text(group))
    missing_links = [
        f"{e.source} -> {e.target}"
        for e in options.edges
        if not _linked(design, e.source, e.target, standing)
    ]
    figures = {
        "required": [_group_text(g) for g in options.types],
        "missing": missing,
        "unused": unused,
        "missing_links": missing_links,
    }
    if standing:
        figures["stand_ins"] = standing
    taken = "".join(
        f" {names(nodes)} ({'model servers' if len(nodes) > 1 else 'a model server'} scoring "
        f"what retrieval returns) is taken as the {required}."
        for required, nodes in standing.items()
    )
    if not missing and not missing_links:
        return [
            RULE.passed("Every required component and link is present." + taken, figures=figures)
        ]
    parts = []
    absent = [m for m in missing if not any(design.type(n) in m.split(" or ") for n in unused)]
    if absent:
        parts.append("The design is missing " + "; ".join(absent) + ".")
    if unused:
        parts.append(
            f"{names(unused)} is drawn but not used: no request or event reaches it, or no "
            "serving node reads it."
        )
    if missing_links:
        parts.append("Missing links: " + "; ".join(missing_links) + ".")
    return [
        RULE.failed(
            " ".join(parts),
            nodes=unused,
            figures=figures,
            hint="Add them from the palette and connect them where they work: this scenario "
            "cannot be answered without them.",
        )
    ]
