"""What every rule shares: findings, the analysed design it reads, options."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

import networkx as nx
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from components import analysis, reading
from components.catalog import Catalog, load_catalog
from components.design import Design, design_graph
from components.reading import Reading, read_graph


class Status(StrEnum):
    passed = "pass"
    failed = "fail"
    warning = "warn"
    skipped = "skip"


STATUS_ORDER = {Status.failed: 0, Status.warning: 1, Status.passed: 2, Status.skipped: 3}
"""Worst first: how findings are listed."""


class Finding(BaseModel):
    """One verdict of one rule, with the nodes and numbers behind it."""

    model_config = ConfigDict(use_enum_values=True)

    rule: str = Field(description="Rule id, e.g. latency.budget.")
    status: Status = Field(description="pass, fail, warn or skip.")
    step: str = Field(description="Framework step the rule belongs to.")
    message: str = Field(description="What the candidate should know, in plain words.")
    nodes: list[str] = Field(default_factory=list, description="Node ids at fault (or the path).")
    figures: dict[str, Any] = Field(default_factory=dict, description="Numbers behind the verdict.")
    hint: str | None = Field(None, description="What to change, when something is wrong.")
    title: str = Field("", description="Rule title.")


def known_type(type_id: str) -> str:
    catalog = load_catalog()
    if type_id not in catalog:
        close = difflib.get_close_matches(type_id, catalog.ids, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown component type {type_id!r}{hint}")
    return type_id


TypeId = Annotated[str, AfterValidator(known_type)]
"""A catalog type id in a rule option: a typo is an error, not a rule quietly switched off."""


class Options(BaseModel):
    """Base of every rule's options: unknown options are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


@dataclass
class Analysed:
    """A design plus the graph and figures rules read, computed once per check."""

    design: Design
    catalog: Catalog = field(default_factory=load_catalog)
    catalog_size: int = analysis.DEFAULT_CATALOG_SIZE
    mode: str | None = None
    """The scenario's mode (realtime, nearline, batch); None without a scenario."""

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The canonical reading of the drawn design (components/reading.py)."""
        return read_graph(design_graph(self.design, self.catalog), self.catalog)

    @property
    def readings(self) -> list[Reading]:
        """What the reading took another way than drawn."""
        return self.graph.graph["readings"]

    def reads(self, node: str) -> set[str]:
        """Nodes ``node`` reads (arrows into it, calls it makes; not its writes)."""
        return reading.reads(self.graph, node)

    def writes(self, node: str) -> set[str]:
        return reading.writes(self.graph, node)

    def kind(self, u: str, v: str) -> str:
        return self.graph.edges[u, v]["kind"]

    @cached_property
    def request(self) -> nx.DiGraph:
        """Entry + online nodes reachable from an entry."""
        return analysis.reachable_request_graph(self.graph)

    def of_type(self, *types: str) -> list[str]:
        return analysis.nodes_of_type(self.graph, *types)

    def with_role(self, *roles: str) -> list[str]:
        return analysis.nodes_with_role(self.graph, *roles)

    @cached_property
    def _roles(self) -> dict[str, str]:
        return dict(self.graph.nodes(data="role"))

    @cached_property
    def _types(self) -> dict[str, str]:
        return dict(self.graph.nodes(data="type"))

    def role(self, node: str) -> str:
        return self._roles[node]

    def type(self, node: str) -> str:
        return self._types[node]

    def neighbours(self, node: str) -> set[str]:
        return analysis.neighbours(self.graph, node)

    def on_request_path(self, node: str) -> bool:
        return node in self.request

    @cached_property
    def serving(self) -> set[str]:
        """Models and services on any serving path: request, event and batch. In a batch
        scenario every batch job is a serving model, served or not (batch.pipeline judges
        whether its results reach the product)."""
        batch_jobs = set(self.of_type("batch_scoring")) if self.mode == "batch" else set()
        return analysis.serving_nodes(self.graph) | batch_jobs

    @cached_property
    def event_path(self) -> set[str]:
        """Streams, processors and scorers on an event path that ends in a scorer."""
        return analysis.event_path_nodes(self.graph)

    @cached_property
    def batch_serving(self) -> list[str]:
        """Batch jobs whose results a serving path reads."""
        return analysis.batch_serving_nodes(self.graph)

    def on_serving_path(self, node: str) -> bool:
        return node in self.serving

    def request_readers(self, store: str) -> list[str]:
        """Nodes on a request or event path that read an online store."""
        return analysis.store_readers(self.graph, store)


@dataclass(frozen=True)
class Rule:
    """A rule's identity; its module also holds ``Options`` and ``check``."""

    id: str
    title: str
    step: str

    def finding(self, status: Status, message: str, **extra) -> Finding:
        return Finding(
            rule=self.id, title=self.title, step=self.step, status=status, message=message, **extra
        )

    def passed(self, message: str, **extra) -> Finding:
        return self.finding(Status.passed, message, **extra)

    def failed(self, message: str, **extra) -> Finding:
        return self.finding(Status.failed, message, **extra)

    def skipped(self, message: str, **extra) -> Finding:
        return self.finding(Status.skipped, message, **extra)

    def warned(self, message: str, **extra) -> Finding:
        return self.finding(Status.warning, message, **extra)


def path_text(nodes) -> str:
    return " -> ".join(nodes)


def names(nodes) -> str:
    return ", ".join(sorted(nodes))
