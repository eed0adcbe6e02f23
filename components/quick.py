"""A few lines of text to a design, and back: the quick editor's syntax.

::

    # declare a component: id, colon, type, then optional params and a quoted label
    retrieval: candidate_generation out_k=1000 "Two-tower + ANN"
    # chain edges; an id that is a type id needs no declaration (ranker, feature_store...)
    client: client_app
    client -> gateway(api_gateway) -> retrieval -> ranker
    feature_store -> ranker : online features

``id(type)`` declares a component inline. A ``: label`` at the end of an edge line labels
every edge on it. Errors name the line.
"""

from __future__ import annotations

import re
import shlex

from components.catalog import Catalog, load_catalog
from components.design import ID_PATTERN, Design
from components.loading import InputError, Problem, problems_from_validation

_DECLARATION = re.compile(r"^(?P<id>[A-Za-z0-9_-]+)\s*:\s*(?P<rest>.+)$")
_INLINE = re.compile(r"^(?P<id>[A-Za-z0-9_-]+)(?:\((?P<type>[a-z0-9_]+)\))?$")
_NUMBER_PARAMS = {"latency_ms", "ms_per_1k_items"}
_COUNT_PARAMS = {"out_k", "in_k"}


def parse_quick(
    text: str,
    source: str = "<quick text>",
    catalog: Catalog | None = None,
    title: str | None = None,
    scenario: str | None = None,
) -> Design:
    """Parse the quick syntax into a validated Design; InputError names each bad line."""
    catalog = catalog or load_catalog()
    components: dict[str, dict] = {}
    declared_on: dict[str, int] = {}
    edges: list[dict] = []
    problems: list[Problem] = []

    def declare(component_id, type_id, line_no, params=None, label=None):
        if not re.match(ID_PATTERN, component_id):
            problems.append(
                Problem(
                    source,
                    "",
                    f"bad id {component_id!r}: use lowercase letters, digits, _ and -",
                    line_no,
                )
            )
            return
        if type_id not in catalog:
            problems.append(
                Problem(source, f"line {line_no}", f"unknown component type {type_id!r}", line_no)
            )
            return
        existing = components.get(component_id)
        if existing and existing["type"] != type_id:
            problems.append(
                Problem(
                    source,
                    "",
                    f"{component_id!r} is already a "
                    f"{existing['type']} (line {declared_on[component_id]})",
                    line_no,
                )
            )
            return
        entry = existing or {"id": component_id, "type": type_id}
        if params:
            entry["params"] = {**entry.get("params", {}), **params}
        if label:
            entry["label"] = label
        components[component_id] = entry
        declared_on.setdefault(component_id, line_no)

    edge_lines: list[tuple[int, str]] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if "#" in raw and '"' not in raw else raw.strip()
        if not line or line.startswith("#"):
            continue
        if "->" in line:
            edge_lines.append((line_no, line))
            continue
        match = _DECLARATION.match(line)
        if not match:
            problems.append(Problem(source, "", "expected `id: type ...` or `a -> b`", line_no))
            continue
        try:
            words = shlex.split(match.group("rest"))
        except ValueError as error:
            problems.append(Problem(source, "", f"cannot read: {error}", line_no))
            continue
        type_id, params, label = words[0], {}, None
        for word in words[1:]:
            if "=" in word:
                key, _, value = word.partition("=")
                parsed = _param(key, value)
                if isinstance(parsed, str):
                    problems.append(Problem(source, "", parsed, line_no))
                else:
                    params[key] = parsed
            elif label is None:
                label = word
            else:
                label += " " + word
        declare(match.group("id"), type_id, line_no, params, label)

    for line_no, line in edge_lines:
        body, _, label = line.partition(" : ")
        hops = [hop.strip() for hop in body.split("->")]
        if len(hops) < 2 or any(not hop for hop in hops):
            problems.append(
                Problem(source, "", "an edge needs a component on each side of ->", line_no)
            )
            continue
        ids = []
        for hop in hops:
            match = _INLINE.match(hop)
            if not match:
                problems.append(
                    Problem(source, "", f"cannot read {hop!r}: use id or id(type)", line_no)
                )
                break
            hop_id, hop_type = match.group("id"), match.group("type")
            if hop_type:
                declare(hop_id, hop_type, line_no)
            elif hop_id not in components:
                if hop_id in catalog:
                    declare(hop_id, hop_id, line_no)
                else:
                    problems.append(
                        Problem(
                            source,
                            "",
                            f"{hop_id!r} is not "
                            "declared; write `" + hop_id + ": TYPE` or "
                            f"{hop_id}(TYPE)",
                            line_no,
                        )
                    )
                    break
            ids.append(hop_id)
        else:
            for a, b in zip(ids, ids[1:], strict=False):
                edge = {"from": a, "to": b}
                if label.strip():
                    edge["label"] = label.strip()
                edges.append(edge)
    if problems:
        raise InputError(problems)
    data = {"version": 1, "components": list(components.values()), "edges": edges}
    if title:
        data["title"] = title
    if scenario:
        data["scenario"] = scenario
    from pydantic import ValidationError

    from components.loading import LoadedYaml

    try:
        return Design.model_validate(data, context={"catalog": catalog})
    except ValidationError as error:
        raise InputError(
            problems_from_validation(error, LoadedYaml(data, source), Design)
        ) from None


def _param(key: str, value: str):
    if key not in _NUMBER_PARAMS | _COUNT_PARAMS:
        allowed = ", ".join(sorted(_NUMBER_PARAMS | _COUNT_PARAMS))
        return f"unknown parameter {key!r} (allowed: {allowed})"
    try:
        number = float(value.replace("_", "").replace(",", ""))
    except ValueError:
        return f"{key} must be a number, not {value!r}"
    if key in _COUNT_PARAMS:
        return int(number) if number.is_integer() else f"{key} must be a whole number"
    return number


def to_quick(design: Design, catalog: Catalog | None = None) -> str:
    """The design in quick syntax (declarations, then one line per edge)."""
    catalog = catalog or load_catalog()
    lines = []
    for component in design.components:
        words = [f"{component.id}: {component.type}"]
        for key, value in component.params.model_dump(exclude_none=True).items():
            words.append(f"{key}={value:g}" if isinstance(value, float) else f"{key}={value}")
        if component.label:
            words.append('"' + component.label.replace('"', "'") + '"')
        lines.append(" ".join(words))
    for edge in design.edges:
        suffix = f" : {edge.label}" if edge.label else ""
        lines.append(f"{edge.source} -> {edge.target}{suffix}")
    return "\n".join(lines) + "\n"
