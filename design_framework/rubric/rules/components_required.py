"""components.required: the scenario's required component types are in the design.

Options: ``types`` lists type ids; a nested list is an any-of group. ``edges`` lists
type-level links that must exist (``{from: feature_store, to: ranker}``).

Passing: types ``[ranker, [candidate_generation, ann_index]]`` and the design has a ranker
and an ann_index. Failing: the same options and the design has no ranker.
"""

from pydantic import Field

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId

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


def check(design, scenario, options: Options):
    if not options.types and not options.edges:
        return [RULE.skipped("No required components are configured.")]
    present = {kind for _, kind in design.graph.nodes(data="type")}
    missing = [
        _group_text(g)
        for g in options.types
        if not ({g} if isinstance(g, str) else set(g)) & present
    ]
    missing_links = [
        f"{e.source} -> {e.target}"
        for e in options.edges
        if not any(
            design.type(u) == e.source and design.type(v) == e.target for u, v in design.graph.edges
        )
    ]
    figures = {
        "required": [_group_text(g) for g in options.types],
        "missing": missing,
        "missing_links": missing_links,
    }
    if not missing and not missing_links:
        return [RULE.passed("Every required component and link is present.", figures=figures)]
    parts = (["missing " + "; ".join(missing)] if missing else []) + (
        ["missing links " + "; ".join(missing_links)] if missing_links else []
    )
    return [
        RULE.failed(
            "The design is " + ", and ".join(parts) + ".",
            figures=figures,
            hint="Add them from the palette: this scenario cannot be answered without them.",
        )
    ]
