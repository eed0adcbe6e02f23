"""A few lines of text to a design, and back: the quick editor's syntax.

::

    # declare a component: id, colon, type, then optional params and a quoted label
    retrieval: candidate_generation out_k=1000 "Two-tower + ANN"
    # chain edges; an id that is a type id needs no declaration (ranker, feature_store...)
    client: client_app
    client -> gateway(api_gateway) -> retrieval -> ranker
    feature_store -> ranker : online features

``id(type)`` declares a component inline. A ``: label`` at the end of an edge line labels
every edge on it, and ``[call]`` (or ``[data]``, ``[write]``, ``[deploy]``) before it states
what its arrows mean: ``service -> ab_testing [call] : variant?``. Where no kind is stated
the rubric infers it (components/reading.py). Labels holding ``#``, quotes or line breaks go in double quotes with JSON
escapes (``"top #1 \\"hits\\""``); ``#`` outside quotes starts a comment. Errors name the line.
"""

from __future__ import annotations

import json
import math
import re

from pydantic import ValidationError

from components.catalog import Catalog, load_catalog
from components.design import EDGE_KINDS, ID_PATTERN, Design
from components.loading import InputError, LoadedYaml, Problem, problems_from_validation

_DECLARATION = re.compile(r"^(?P<id>[A-Za-z0-9_-]+)\s*:\s*(?P<rest>.+)$")
_INLINE = re.compile(r"^(?P<id>[A-Za-z0-9_-]+)(?:\((?P<type>[a-z0-9_]+)\))?$")
_NUMBER_PARAMS = {"latency_ms", "ms_per_1k_items", "ms_per_1k_keys"}
_COUNT_PARAMS = {"out_k", "in_k", "workers", "replicas"}


_EDGE_KIND = re.compile(r"\s*\[\s*([A-Za-z_]+)\s*\]\s*$")
"""``a -> b [call]``: the kind of every edge on the line (design.md, model v3)."""

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|#.*|\S+')


def _tokens(text: str) -> list[str]:
    """Words of a declaration: quoted strings stay whole, ``#`` outside quotes ends the line."""
    tokens = []
    for token in _TOKEN.findall(text):
        if token.startswith("#"):
            break
        if token.startswith('"'):
            if len(token) < 2 or not token.endswith('"'):
                raise ValueError(f"unbalanced quote in {token!r}")
            try:
                token = json.loads(token)
            except json.JSONDecodeError:
                raise ValueError(f"cannot read the quoted text {token}") from None
            tokens.append(("quoted", token))
        elif '"' in token:
            raise ValueError(f"unbalanced quote in {token!r}")
        else:
            tokens.append(("word", token))
    return tokens


def _edge_label(text: str) -> str | None:
    """The label after ``:`` on an edge line: quoted (any text), or plain up to a comment."""
    text = text.strip()
    if text.startswith('"'):
        tokens = _tokens(text)
        if len(tokens) != 1 or tokens[0][0] != "quoted":
            raise ValueError("put the whole edge label in one pair of quotes")
        return tokens[0][1]
    text = text.split("#", 1)[0].strip()
    return text or None


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
    edge_on: list[int] = []
    problems: list[Problem] = []

    def problem(line_no: int, message: str) -> None:
        problems.append(Problem(source, "", message, line_no))

    def declare(component_id, type_id, line_no, params=None, label=None):
        if not re.match(ID_PATTERN, component_id):
            problem(line_no, f"bad id {component_id!r}: use lowercase letters, digits, _ and -")
            return
        if type_id not in catalog:
            problem(line_no, f"unknown component type {type_id!r}")
            return
        existing = components.get(component_id)
        if existing and existing["type"] != type_id:
            problem(
                line_no,
                f"{component_id!r} is already a {existing['type']} "
                f"(line {declared_on[component_id]})",
            )
            return
        entry = existing or {"id": component_id, "type": type_id}
        if params:
            entry["params"] = {**entry.get("params", {}), **params}
        if label is not None:
            entry["label"] = label
        components[component_id] = entry
        declared_on.setdefault(component_id, line_no)

    edge_lines: list[tuple[int, str]] = []
    # split on newlines only: splitlines() would also break at \x85 or \u2028 inside labels
    for line_no, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _DECLARATION.match(line)
        if match is None:
            if "->" in line:
                edge_lines.append((line_no, line))
            else:
                problem(line_no, "expected `id: type ...` or `a -> b`")
            continue
        try:
            words = _tokens(match.group("rest"))
        except ValueError as error:
            problem(line_no, str(error))
            continue
        if not words or words[0][0] != "word":
            problem(line_no, "a declaration needs a type after the colon")
            continue
        type_id, params, label = words[0][1], {}, None
        for kind, word in words[1:]:
            if kind == "word" and "=" in word:
                key, _, value = word.partition("=")
                parsed = _param(key, value)
                if isinstance(parsed, str):
                    problem(line_no, parsed)
                else:
                    params[key] = parsed
            else:
                label = word if label is None else f"{label} {word}"
        declare(match.group("id"), type_id, line_no, params, label)

    for line_no, line in edge_lines:
        body, separator, label_text = line.partition(" : ")
        body = body.split("#", 1)[0]
        edge_kind = None
        stated = _EDGE_KIND.search(body)
        if stated:
            edge_kind, body = stated.group(1), body[: stated.start()]
            if edge_kind not in EDGE_KINDS:
                problem(
                    line_no,
                    f"unknown edge kind {edge_kind!r} (kinds: {', '.join(EDGE_KINDS)})",
                )
                continue
        try:
            label = _edge_label(label_text) if separator else None
        except ValueError as error:
            problem(line_no, str(error))
            continue
        hops = [hop.strip() for hop in body.split("->")]
        if len(hops) < 2 or any(not hop for hop in hops):
            problem(line_no, "an edge needs a component on each side of ->")
            continue
        ids = []
        for hop in hops:
            match = _INLINE.match(hop)
            if not match:
                problem(line_no, f"cannot read {hop!r}: use id or id(type)")
                break
            hop_id, hop_type = match.group("id"), match.group("type")
            if hop_type:
                declare(hop_id, hop_type, line_no)
            elif hop_id not in components:
                if hop_id in catalog:
                    declare(hop_id, hop_id, line_no)
                else:
                    problem(
                        line_no,
                        f"{hop_id!r} is not declared; write `{hop_id}: TYPE` or {hop_id}(TYPE)",
                    )
                    break
            ids.append(hop_id)
        else:
            for a, b in zip(ids, ids[1:], strict=False):
                edge = {"from": a, "to": b}
                if label is not None:
                    edge["label"] = label
                if edge_kind is not None:
                    edge["kind"] = edge_kind
                edges.append(edge)
                edge_on.append(line_no)
    if problems:
        raise InputError(problems)
    data = {"version": 1, "components": list(components.values()), "edges": edges}
    if title:
        data["title"] = title
    if scenario:
        data["scenario"] = scenario
    # Each component and edge remembers the line it came from, so a problem the design's
    # own checks find (a self-loop, a label too long) names that line.
    lines = {("components", i): declared_on[c["id"]] for i, c in enumerate(data["components"])}
    lines |= {("edges", i): line_no for i, line_no in enumerate(edge_on)}
    try:
        return Design.model_validate(data, context={"catalog": catalog})
    except ValidationError as error:
        raise InputError(
            problems_from_validation(error, LoadedYaml(data, source, lines), Design)
        ) from None


def _param(key: str, value: str):
    if key not in _NUMBER_PARAMS | _COUNT_PARAMS:
        allowed = ", ".join(sorted(_NUMBER_PARAMS | _COUNT_PARAMS))
        return f"unknown parameter {key!r} (allowed: {allowed})"
    try:
        number = float(value.replace("_", "").replace(",", ""))
    except ValueError:
        return f"{key} must be a number, not {value[:40]!r}"
    if not math.isfinite(number):
        return f"{key} must be a finite number, not {value[:40]!r}"
    if key in _COUNT_PARAMS:
        return int(number) if number.is_integer() else f"{key} must be a whole number"
    return number


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _plain_label_ok(label: str) -> bool:
    return bool(label) and label == label.strip() and not any(c in label for c in '"#\n\r')


def to_quick(design: Design, catalog: Catalog | None = None) -> str:
    """The design in quick syntax (declarations, then one line per edge); parse_quick reads
    it back to the same design."""
    lines = []
    for component in design.components:
        words = [f"{component.id}: {component.type}"]
        for key, value in component.params.model_dump(exclude_none=True).items():
            words.append(f"{key}={_number(value)}")
        if component.label is not None:
            words.append(json.dumps(component.label, ensure_ascii=False))
        lines.append(" ".join(words))
    for edge in design.edges:
        suffix = ""
        if edge.label is not None:
            shown = (
                edge.label
                if _plain_label_ok(edge.label)
                else json.dumps(edge.label, ensure_ascii=False)
            )
            suffix = f" : {shown}"
        kind = f" [{edge.kind}]" if edge.kind else ""
        lines.append(f"{edge.source} -> {edge.target}{kind}{suffix}")
    return "\n".join(lines) + "\n"
