"""Edits the graph builder makes, as pure functions: a design in, a new design out.

Each raises ``EditError`` with a message a user can act on; the design passed in is never
changed, so a refused edit leaves the user's work as it was.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from components.catalog import load_catalog
from components.design import ID_PATTERN, Design


class EditError(ValueError):
    pass


def _ids(design: Design) -> set[str]:
    return {c.id for c in design.components}


def suggest_id(design: Design, type_id: str) -> str:
    """``ranker``, then ``ranker_2``, ``ranker_3``... whichever is free."""
    taken = _ids(design)
    if type_id not in taken:
        return type_id
    n = 2
    while f"{type_id}_{n}" in taken:
        n += 1
    return f"{type_id}_{n}"


def _rebuild(data: dict) -> Design:
    try:
        return Design.model_validate(data)
    except ValidationError as error:
        reasons = []
        for item in error.errors(include_url=False):
            where = ".".join(str(p) for p in item["loc"][-2:] if not isinstance(p, int))
            reasons.append(f"{where}: {item['msg']}".removeprefix(": "))
        raise EditError("; ".join(reasons)) from None


def _check_id(design: Design, component_id: str) -> None:
    if not re.match(ID_PATTERN, component_id or ""):
        raise EditError(
            f"{component_id!r} is not a valid id: use lowercase letters, digits, _ and -"
        )
    if component_id in _ids(design):
        raise EditError(f"there is already a component called {component_id!r}")


def add_component(
    design: Design,
    type_id: str,
    component_id: str | None = None,
    label: str | None = None,
    params: dict | None = None,
) -> Design:
    if type_id not in load_catalog():
        raise EditError(f"unknown component type {type_id!r}")
    component_id = component_id or suggest_id(design, type_id)
    _check_id(design, component_id)
    data = design.to_dict()
    entry = {"id": component_id, "type": type_id}
    if label:
        entry["label"] = label
    if params := {k: v for k, v in (params or {}).items() if v is not None}:
        entry["params"] = params
    data["components"].append(entry)
    return _rebuild(data)


def update_component(design: Design, component_id: str, label: str | None, params: dict) -> Design:
    """Set the label (None or empty: the type's label) and params (None values: defaults)."""
    data = design.to_dict()
    entry = next((c for c in data["components"] if c["id"] == component_id), None)
    if entry is None:
        raise EditError(f"no component called {component_id!r}")
    entry.pop("label", None)
    if label and label.strip():
        entry["label"] = label.strip()
    entry["params"] = {k: v for k, v in params.items() if v is not None}
    if not entry["params"]:
        del entry["params"]
    return _rebuild(data)


def rename_component(design: Design, old: str, new: str) -> Design:
    if old == new:
        return design
    if old not in _ids(design):
        raise EditError(f"no component called {old!r}")
    _check_id(design, new)
    data = design.to_dict()
    for component in data["components"]:
        if component["id"] == old:
            component["id"] = new
    for edge in data["edges"]:
        edge["from"] = new if edge["from"] == old else edge["from"]
        edge["to"] = new if edge["to"] == old else edge["to"]
    return _rebuild(data)


def remove_component(design: Design, component_id: str) -> Design:
    data = design.to_dict()
    data["components"] = [c for c in data["components"] if c["id"] != component_id]
    data["edges"] = [e for e in data["edges"] if component_id not in (e["from"], e["to"])]
    return _rebuild(data)


def connect(design: Design, source: str, target: str, label: str | None = None) -> Design:
    ids = _ids(design)
    for end in (source, target):
        if end not in ids:
            raise EditError(f"no component called {end!r}")
    if source == target:
        raise EditError("an edge needs two different components")
    if any(e.source == source and e.target == target for e in design.edges):
        raise EditError(f"{source} -> {target} is already connected")
    data = design.to_dict()
    edge = {"from": source, "to": target}
    if label and label.strip():
        edge["label"] = label.strip()
    data["edges"].append(edge)
    return _rebuild(data)


def disconnect(design: Design, source: str, target: str) -> Design:
    data = design.to_dict()
    data["edges"] = [e for e in data["edges"] if (e["from"], e["to"]) != (source, target)]
    return _rebuild(data)
