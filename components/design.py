"""The design file (``version: 1``): a graph of typed components, loaded, checked and saved.

Example::

    version: 1
    scenario: realtime-playlist-recs
    components:
      - {id: client, type: client_app}
      - {id: ranker, type: ranker, params: {out_k: 100}}
    edges:
      - {from: client, to: ranker}
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated, Literal

import networkx as nx
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from components.catalog import Catalog, load_catalog
from components.loading import InputError, LoadedYaml, Problem, parse_yaml, read_text, validate

MAX_COMPONENTS = 5_000
MAX_EDGES = 20_000
MAX_NOTES = 500
ID_PATTERN = r"^[a-z0-9_-]+$"


def _not_bool(value):
    # YAML turns `yes`/`true` into booleans, which pydantic would quietly read as 1
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


def _exact_int(value):
    # true and 1.0 compare equal to 1; a format version must be written as 1
    if type(value) is not int:
        raise ValueError(f"must be 1, not {value!r}")
    return value


def _number_not_text(value):
    # "100" in quotes is text in YAML; reading it as a number would hide a typo like "10O"
    if isinstance(value, str):
        raise ValueError("must be a number, not text (remove the quotes)")
    return value


Count = Annotated[
    int,
    BeforeValidator(_number_not_text),
    BeforeValidator(_not_bool),
    Field(gt=0, le=10_000_000_000),
]
Millis = Annotated[
    float,
    BeforeValidator(_number_not_text),
    BeforeValidator(_not_bool),
    Field(ge=0, le=3_600_000),
]


def allowed_params(kind) -> tuple[str, ...]:
    """The params that change anything for a component type (ComponentType.params)."""
    return kind.params


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=True)


class Params(Model):
    """Per-component overrides of catalog defaults. Only these keys are allowed."""

    latency_ms: Millis | None = Field(None, description="Fixed cost of one call, in ms.")
    ms_per_1k_items: Millis | None = Field(None, description="Extra ms per 1,000 items taken in.")
    out_k: Count | None = Field(None, description="Items this funnel stage outputs.")
    in_k: Count | None = Field(
        None,
        description="Items this stage takes in, for a first stage that does not scan the "
        "whole catalog (a trending list, a seed's neighbours); for a batch job, the items "
        "it scores per key (candidates per user).",
    )
    ms_per_1k_keys: Millis | None = Field(
        None, description="Online stores: extra ms of one read per 1,000 keys fetched."
    )
    workers: Count | None = Field(None, description="Batch jobs: parallel workers.")
    replicas: Count | None = Field(None, description="Online nodes: serving replicas deployed.")


Coordinate = Annotated[
    float,
    BeforeValidator(_number_not_text),
    BeforeValidator(_not_bool),
    Field(ge=-1_000_000, le=1_000_000),
]


class Position(Model):
    """A place on the canvas, in canvas pixels (the rubric never reads it)."""

    x: Coordinate = Field(description="Left edge, in canvas pixels.")
    y: Coordinate = Field(description="Top edge, in canvas pixels.")


class Note(Model):
    """A free sticky note on the canvas."""

    text: str = Field("", description="What the note says.", max_length=2_000)
    pos: Position | None = Field(None, description="Where it sits; placed automatically if absent.")


class Component(Model):
    """One box in the diagram."""

    id: str = Field(
        description="Unique within the design: lowercase letters, digits, _ and -.",
        pattern=ID_PATTERN,
        max_length=64,
    )
    type: str = Field(description="A catalog type id, e.g. ranker or feature_store.")
    label: str | None = Field(
        None, description="Display label; defaults to the type's label.", max_length=200
    )
    params: Params = Field(default_factory=Params, description="Overrides of catalog defaults.")
    pos: Position | None = Field(
        None, description="Place on the canvas; laid out automatically when absent."
    )

    @model_validator(mode="after")
    def _params_that_apply(self, info):
        catalog: Catalog = (info.context or {}).get("catalog") or load_catalog()
        if self.type not in catalog:
            return self
        kind = catalog.get(self.type)
        allowed = allowed_params(kind)
        unused = [
            k
            for k in self.params.model_fields_set
            if getattr(self.params, k) is not None and k not in allowed
        ]
        if unused:
            what = f"{kind.id} ({kind.role.value}{', funnel stage' if kind.funnel_stage else ''})"
            takes = f"it takes {', '.join(allowed)}" if allowed else "it takes no params"
            raise ValueError(
                "\n".join(f"params.{k}: not used by {what}; {takes}" for k in sorted(unused))
            )
        return self

    @field_validator("type")
    @classmethod
    def _type_in_catalog(cls, value: str, info) -> str:
        catalog: Catalog = (info.context or {}).get("catalog") or load_catalog()
        if value not in catalog:
            close = difflib.get_close_matches(value, catalog.ids, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown component type {value!r}{hint}")
        return value


class Edge(Model):
    """Data flow: a request or data goes from ``from`` to ``to``."""

    source: str = Field(alias="from", description="Id of the component data comes from.")
    target: str = Field(alias="to", description="Id of the component data goes to.")
    label: str | None = Field(
        None, description="What flows, e.g. 'online features'.", max_length=200
    )
    kind: Literal["data", "call", "write", "deploy"] | None = Field(
        None,
        description="What the arrow means: data (flows from -> to), call (a request from "
        "`from` and its answer), write (`from` writes a store, queue or log), deploy (a "
        "registry ships a model). Inferred when absent (components/reading.py).",
    )


EDGE_KINDS = ("data", "call", "write", "deploy")
"""Edge kinds a design may state (design.md, model v3)."""


class Design(Model):
    """A whole design: components and the data flow between them."""

    version: Annotated[Literal[1], BeforeValidator(_exact_int)] = Field(
        1, description="File format version; always 1."
    )
    scenario: str | None = Field(None, description="Id of the scenario this design answers.")
    title: str | None = Field(None, description="Free title.", max_length=200)
    components: list[Component] = Field(
        default_factory=list, max_length=MAX_COMPONENTS, description="The boxes."
    )
    edges: list[Edge] = Field(
        default_factory=list, max_length=MAX_EDGES, description="The arrows (data flow)."
    )
    notes: list[Note] = Field(
        default_factory=list, max_length=MAX_NOTES, description="Free sticky notes on the canvas."
    )

    @model_validator(mode="after")
    def _ids_unique_and_edges_known(self):
        # Each line names the dotted path it blames first, so loaders can give its line.
        problems = []
        first_seen: dict[str, int] = {}
        first_edge: dict[tuple[str, str], int] = {}
        for index, component in enumerate(self.components):
            if component.id in first_seen:
                problems.append(
                    f"components.{index}.id: duplicate id {component.id!r} "
                    f"(also components.{first_seen[component.id]}.id)"
                )
            first_seen.setdefault(component.id, index)
        for index, edge in enumerate(self.edges):
            for end, key in ((edge.source, "from"), (edge.target, "to")):
                if end not in first_seen:
                    problems.append(f"edges.{index}.{key}: no component has id {end!r}")
            if edge.source == edge.target:
                problems.append(f"edges.{index}: an edge from {edge.source!r} to itself")
            pair = (edge.source, edge.target)
            if pair in first_edge:
                problems.append(
                    f"edges.{index}: {edge.source} -> {edge.target} is already "
                    f"edges.{first_edge[pair]}"
                )
            first_edge.setdefault(pair, index)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    # ---- loading and saving -------------------------------------------------------------

    @classmethod
    def from_loaded(cls, loaded: LoadedYaml, catalog: Catalog | None = None) -> Design:
        if isinstance(loaded.data, dict) and "version" not in loaded.data:
            raise InputError(
                [
                    Problem(
                        loaded.source,
                        "version",
                        "missing: a design file starts with `version: 1`",
                        1,
                    )
                ]
            )
        if not isinstance(loaded.data, dict):
            raise InputError(
                [
                    Problem(
                        loaded.source,
                        "",
                        "a design must be a YAML mapping with version, components and edges",
                        1,
                    )
                ]
            )
        return validate(cls, loaded, context={"catalog": catalog or load_catalog()})

    @classmethod
    def from_string(cls, text: str, source: str = "<design>", catalog: Catalog | None = None):
        return cls.from_loaded(parse_yaml(text, source), catalog)

    @classmethod
    def from_path(cls, path: str | Path, catalog: Catalog | None = None) -> Design:
        return cls.from_string(read_text(path), str(path), catalog)

    def to_dict(self) -> dict:
        data = self.model_dump(by_alias=True, exclude_none=True, exclude_defaults=False)
        for component in data["components"]:
            if not component.get("params"):
                component.pop("params", None)
        if not data.get("notes"):
            data.pop("notes", None)
        return {k: v for k, v in data.items() if v is not None}

    def to_yaml(self) -> str:
        return dump_yaml(self.to_dict())

    # ---- convenience --------------------------------------------------------------------

    def component(self, component_id: str) -> Component:
        for component in self.components:
            if component.id == component_id:
                return component
        raise KeyError(component_id)

    def to_graph(self, catalog: Catalog | None = None) -> nx.DiGraph:
        return design_graph(self, catalog)


class _FlowMap(dict):
    """A mapping written on one line (edges, params) to keep saved designs readable."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _FlowMap,
    lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True),
)


def dump_yaml(data: dict) -> str:
    """Write a design dict (or a document embedding one) as readable block YAML."""
    return yaml.dump(
        _flow_small_maps(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def _flow_small_maps(value, key=None):
    if isinstance(value, dict):
        converted = {k: _flow_small_maps(v, k) for k, v in value.items()}
        if key == "pos":  # whole pixels read better than 40.0
            converted = {k: int(v) if float(v).is_integer() else v for k, v in converted.items()}
        return _FlowMap(converted) if key in ("params", "pos") else converted
    if isinstance(value, list):
        items = [_flow_small_maps(v) for v in value]
        if key == "edges":
            return [_FlowMap(item) if isinstance(item, dict) else item for item in items]
        return items
    return value


COST_PARAMS = ("latency_ms", "ms_per_1k_items", "ms_per_1k_keys")
"""Params whose smaller value makes a design look faster."""


def _costed_params(params: Params, kind) -> tuple[Params, dict]:
    """The params the arithmetic uses: a cost typed below its type's plausible range is
    costed at the catalog default, so a budget cannot be met by typing a small number
    (params.plausible reports it). Returns the params and ``{param: typed value}``."""
    implausible = {}
    for param in COST_PARAMS:
        value = getattr(params, param)
        low = kind.plausible.get(param, (0, 0))[0]
        if value is not None and value < low:
            implausible[param] = value
    if not implausible:
        return params, {}
    return params.model_copy(update=dict.fromkeys(implausible)), implausible


def design_graph(design: Design, catalog: Catalog | None = None) -> nx.DiGraph:
    """The design as a DiGraph whose node attributes hold the effective figures.

    Node attributes: ``type``, ``role``, ``category``, ``label``, ``funnel`` (bool),
    ``latency_ms``, ``ms_per_1k_items``, ``out_k`` (None: passes its input through),
    ``in_k`` (None: computed from upstream stages), ``ms_per_1k_keys`` (stores), ``workers``
    (batch jobs), ``replicas`` (None: not declared), ``implausible`` (costs typed below the
    plausible range, ``{param: typed}``: the arithmetic uses the catalog default instead).
    Edge attributes: ``label``, ``kind`` (as drawn; None where the design leaves it to
    the reading, :mod:`components.reading`).
    """
    catalog = catalog or load_catalog()
    graph = nx.DiGraph(title=design.title, scenario=design.scenario)
    for component in design.components:
        kind = catalog.get(component.type)
        params, implausible = _costed_params(component.params, kind)
        graph.add_node(
            component.id,
            type=kind.id,
            role=kind.role.value,
            category=kind.category,
            label=component.label or kind.label,
            funnel=kind.funnel_stage,
            latency_ms=params.latency_ms if params.latency_ms is not None else kind.latency_ms or 0,
            ms_per_1k_items=(
                params.ms_per_1k_items
                if params.ms_per_1k_items is not None
                else kind.ms_per_1k_items
            ),
            out_k=params.out_k if params.out_k is not None else kind.out_k,
            in_k=params.in_k,
            ms_per_1k_keys=(
                params.ms_per_1k_keys if params.ms_per_1k_keys is not None else kind.ms_per_1k_keys
            ),
            workers=params.workers if params.workers is not None else kind.workers,
            replicas=params.replicas,
            scan_replaced_by=tuple(kind.scan_replaced_by),
            implausible=implausible,
        )
    for edge in design.edges:
        graph.add_edge(edge.source, edge.target, label=edge.label, kind=edge.kind)
    return graph
