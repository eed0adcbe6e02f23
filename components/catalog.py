"""The catalog of component types: data in catalog.yaml, validated here."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    PositiveInt,
    PrivateAttr,
    model_validator,
)

from components.loading import parse_yaml, read_text, validate

CATALOG_PATH = Path(__file__).with_name("catalog.yaml")


class Role(StrEnum):
    """What the checks may assume about a component."""

    entry = "entry"
    online = "online"
    online_store = "online_store"
    nearline = "nearline"
    offline = "offline"
    observability = "observability"


PARAMS_BY_ROLE = {
    "online": ("latency_ms", "ms_per_1k_items", "replicas"),
    "online_store": ("latency_ms", "ms_per_1k_keys"),
    "nearline": ("latency_ms",),
}
"""Which params change anything, by role: online nodes their costs and replicas, stores their
read costs, nearline nodes their delay; funnel stages also out_k and in_k, batch jobs
in_k (items per key), their per-item cost and workers; the rest none."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Style(Strict):
    """Graphviz node attributes; a type's style is merged over its category's."""

    shape: str | None = Field(None, description="Graphviz node shape, e.g. box or cylinder.")
    fillcolor: str | None = Field(None, description="Fill colour as #RRGGBB.")
    fontcolor: str | None = Field(None, description="Label colour as #RRGGBB.")
    color: str | None = Field(None, description="Border colour as #RRGGBB.")
    style: str | None = Field(None, description="Graphviz style list, e.g. 'rounded,filled'.")

    def merged(self, override: Style | None) -> Style:
        if override is None:
            return self
        return Style(**{**self.model_dump(), **override.model_dump(exclude_none=True)})


class Category(Strict):
    """A visual and conceptual group of types (serving, stores, streaming...)."""

    id: str = Field(description="Stable snake_case id.", pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(description="Name shown in the palette.")
    style: Style = Field(description="Default render style of the category's types.")


class ComponentType(Strict):
    """One kind of box a candidate can draw."""

    id: str = Field(description="Stable snake_case id (a contract).", pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(description="Human name.")
    category: str = Field(description="Category id; decides the default style.")
    role: Role = Field(
        description="entry, online, online_store, nearline, offline or observability."
    )
    description: str = Field(description="One sentence shown as help in the palette.")
    technologies: list[str] = Field(default_factory=list, description="Typical technologies.")
    latency_ms: NonNegativeFloat | None = Field(
        None, description="Cost of one call (online) or one read (online store), in ms."
    )
    ms_per_1k_items: NonNegativeFloat = Field(
        0, description="Extra ms per 1,000 items the stage takes in."
    )
    ms_per_1k_keys: NonNegativeFloat = Field(
        0, description="Online stores: extra ms of one read per 1,000 keys fetched."
    )
    workers: PositiveInt | None = Field(
        None, description="Batch jobs: default number of parallel workers (takes in_k, workers)."
    )
    plausible: dict[str, tuple[NonNegativeFloat, NonNegativeFloat]] = Field(
        default_factory=dict,
        description="[low, high] per parameter a design may override; outside it, "
        "params.plausible reports the value.",
    )
    scan_replaced_by: list[str] = Field(
        default_factory=list,
        description="Store types whose read replaces this stage's per-item scan (retrieval "
        "that reads an ANN index or precomputed lists does not score the whole catalog).",
    )
    funnel_stage: bool = Field(False, description="Whether the stage narrows a list of items.")
    out_k: PositiveInt | None = Field(
        None, description="Default number of items a funnel stage outputs."
    )
    style: Style | None = Field(None, description="Overrides of the category style.")

    @model_validator(mode="after")
    def _online_types_have_latency(self):
        if self.role in (Role.online, Role.online_store) and self.latency_ms is None:
            raise ValueError(f"online type {self.id!r} needs latency_ms")
        if self.out_k is not None and not self.funnel_stage:
            raise ValueError(f"type {self.id!r} has out_k but is not a funnel_stage")
        for param, (low, high) in self.plausible.items():
            if low > high:
                raise ValueError(f"type {self.id!r}: plausible {param} range [{low}, {high}]")
            if param not in self.params:
                raise ValueError(
                    f"type {self.id!r}: plausible range for {param}, a param it does not take"
                )
        return self

    @property
    def params(self) -> tuple[str, ...]:
        """The design params that change anything for this type, by role (see design.md)."""
        if self.workers is not None:
            return ("in_k", "ms_per_1k_items", "workers")
        if self.funnel_stage:
            return ("latency_ms", "ms_per_1k_items", "out_k", "in_k", "replicas")
        return PARAMS_BY_ROLE.get(self.role.value, ())

    def default(self, param: str):
        """The catalog's value of a param (None where the type has none)."""
        return getattr(self, param, None) if param != "in_k" else None


class Catalog(Strict):
    """All categories and types."""

    categories: list[Category] = Field(description="Categories in palette order.")
    types: list[ComponentType] = Field(description="Component types in palette order.")
    _by_id: dict[str, ComponentType] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _ids_unique_and_categories_known(self):
        category_ids = [c.id for c in self.categories]
        type_ids = [t.id for t in self.types]
        for ids, what in ((category_ids, "category"), (type_ids, "type")):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            if duplicates:
                raise ValueError(f"duplicate {what} ids: {', '.join(duplicates)}")
        for t in self.types:
            if t.category not in category_ids:
                raise ValueError(f"type {t.id!r} names unknown category {t.category!r}")
        return self

    def get(self, type_id: str) -> ComponentType:
        try:
            return self._by_id[type_id]
        except KeyError:
            raise KeyError(f"unknown component type {type_id!r}") from None

    def __contains__(self, type_id: object) -> bool:
        return type_id in self._by_id

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.types]

    def model_post_init(self, context) -> None:
        self._by_id = {t.id: t for t in self.types}

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)

    def style_of(self, type_id: str) -> Style:
        component_type = self.get(type_id)
        return self.category(component_type.category).style.merged(component_type.style)

    def funnel_types(self) -> set[str]:
        return {t.id for t in self.types if t.funnel_stage}


@lru_cache(maxsize=1)
def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    """The shipped catalog (cached: it is read on every check)."""
    return validate(Catalog, parse_yaml(read_text(path), str(path), shipped=path == CATALOG_PATH))
