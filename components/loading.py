"""Safe YAML loading that remembers where every value came from.

Designs, scenarios and sessions are written by hand and uploaded by strangers, so every
loader here: caps the file size, refuses YAML whose aliases would expand past a limit
(the "billion laughs" bomb), rejects duplicate mapping keys that PyYAML would silently
overwrite, and maps each dotted path (``components.2.params.out_k``) to its line so that
validation errors can say exactly where the problem is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

MAX_FILE_BYTES = 1_000_000
"""Largest file accepted; a real design or scenario is a few kilobytes."""

MAX_SCENARIO_BYTES = 500_000
"""Largest scenario (file, authored text, or embedded in a session): one limit, checked when
the scenario is read, so a scenario that validates can always be practised."""

MAX_EXPANDED_NODES = 200_000
"""Largest number of YAML nodes after expanding aliases."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists; real files nest five or six levels."""

MAX_NUMBER_DIGITS = 30
"""Longest number literal; every real figure fits (10^30 is far past any catalog or time),
and Python refuses to convert integers over 4,300 digits at all."""

_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    source: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


def excerpt(text: str, line: int, context: int = 1, width: int = 160) -> str:
    """The lines around ``line`` (1-based) of ``text``, numbered, the line itself marked with
    ``>``: what an editor would show beside an error. Empty when the line is not in the text."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    first, last = max(1, line - context), min(len(lines), line + context)
    digits = len(str(last))
    return "\n".join(
        f"{'>' if n == line else ' '} {n:>{digits}} | {lines[n - 1][:width]}"
        for n in range(first, last + 1)
    )


class InputError(ValueError):
    """An input file could not be read; ``problems`` says what and where."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class LoadedYaml:
    """Parsed data plus the line of every dotted path in it."""

    data: Any
    source: str
    lines: dict[PathKey, int] = field(default_factory=dict)
    _by_dotted: dict[str, int] | None = field(default=None, repr=False)

    def line_of_dotted(self, path_text: str) -> int | None:
        """Line of a dotted path whose keys may themselves hold dots (``rules.latency.budget``)."""
        if self._by_dotted is None:
            self._by_dotted = {dotted(k): line for k, line in self.lines.items()}
        while path_text:
            if path_text in self._by_dotted:
                return self._by_dotted[path_text]
            path_text = path_text.rpartition(".")[0]
        return self.lines.get(())


def dotted(path: Iterable[str | int]) -> str:
    return ".".join(str(part) for part in path)


def read_text(path: str | Path) -> str:
    """Read a file with the size cap applied before anything is parsed."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError([Problem(str(path), "", f"cannot read file: {error.strerror}")]) from None
    if size > MAX_FILE_BYTES:
        raise InputError(
            [Problem(str(path), "", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")]
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError([Problem(str(path), "", f"not UTF-8 text ({error.reason})")]) from None
    except OSError as error:
        raise InputError([Problem(str(path), "", f"cannot read file: {error.strerror}")]) from None


SHIPPED_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The parser for files that ship with the app (the scenario pack, the catalog, the steps):
libyaml's, when PyYAML has it, parses the pack about seven times faster than PyYAML's
pure-Python parser, which a fresh server's first page waited a second for. libyaml
recurses in C and crashes the process on a document nested 100,000 levels deep, so
anything a user or a stranger wrote (designs, sessions, scenarios read or authored in the
app) goes through the pure-Python parser, which turns that into a clear error."""


def parse_yaml(text: str, source: str = "<string>", shipped: bool = False) -> LoadedYaml:
    """Parse one YAML document safely, with a line map; raise InputError if it is unsafe or
    broken. ``shipped`` is for the app's own files only (see ``SHIPPED_LOADER``)."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise InputError([Problem(source, "", f"text is over the {MAX_FILE_BYTES:,}-byte limit")])
    loader = None
    try:
        loader = (SHIPPED_LOADER if shipped else yaml.SafeLoader)(text)
        root = loader.get_single_node()
        if root is None:
            return LoadedYaml(None, source, {(): 1})
        lines: dict[PathKey, int] = {}
        _walk(root, (), lines, source, {}, [0])
        data = loader.construct_document(root)
    except InputError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        what = error.problem or str(error)
        raise InputError([Problem(source, "", f"invalid YAML: {what}", line)]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        character = error.character  # a code point from PyYAML's reader, text from libyaml's
        shown = f"#x{character:04x}" if isinstance(character, int) else repr(character)
        raise InputError(
            [Problem(source, "", f"invalid YAML: character {shown} is not allowed", line)]
        ) from None
    except yaml.YAMLError as error:
        raise InputError([Problem(source, "", f"invalid YAML: {error}")]) from None
    except RecursionError:
        raise InputError(
            [
                Problem(
                    source,
                    "",
                    f"invalid YAML: nested too deeply (the limit is {MAX_DEPTH} levels)",
                    _too_deep_line(text),
                )
            ]
        ) from None
    except (ValueError, OverflowError) as error:  # a literal PyYAML cannot convert
        raise InputError([Problem(source, "", f"invalid YAML: {error}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return LoadedYaml(data, source, lines)


def _too_deep_line(text: str) -> int | None:
    """The line where nesting passes MAX_DEPTH, found with PyYAML's event stream (a loop,
    not recursion, so it works where composing the document ran out of stack)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except (yaml.YAMLError, RecursionError):
        return None
    return None


def _walk(node, path: PathKey, lines, source, sizes: dict[int, int], budget: list[int]) -> int:
    """Record lines, reject duplicate keys, and count nodes as if aliases were expanded.

    Aliases share node objects, so sizes are memoised per node id: a bomb of nested
    aliases is measured in linear time and refused before anything is constructed.
    """
    lines.setdefault(path, node.start_mark.line + 1)
    if len(path) > MAX_DEPTH:
        raise InputError(
            [
                Problem(
                    source,
                    "",
                    f"invalid YAML: nested too deeply (the limit is {MAX_DEPTH} levels)",
                    node.start_mark.line + 1,
                )
            ]
        )
    if isinstance(node, yaml.ScalarNode) and node.tag in _NUMBER_TAGS:
        digits = sum(c.isdigit() for c in node.value)
        if digits > MAX_NUMBER_DIGITS:
            raise InputError(
                [
                    Problem(
                        source,
                        dotted(path),
                        f"a number with {digits:,} digits; numbers here have at most "
                        f"{MAX_NUMBER_DIGITS}",
                        node.start_mark.line + 1,
                    )
                ]
            )
    known = sizes.get(id(node))
    if known is not None:
        size = known
        budget[0] += size
    else:
        size = 1
        budget[0] += 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                line = key_node.start_mark.line + 1
                if key in seen and key != "<<":
                    raise InputError(
                        [
                            Problem(
                                source,
                                dotted((*path, key)),
                                f"duplicate key (first on line {seen[key]})",
                                line,
                            )
                        ]
                    )
                seen[key] = line
                child = (*path, key)
                lines.setdefault(child, line)
                size += _walk(value_node, child, lines, source, sizes, budget)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                size += _walk(item, (*path, index), lines, source, sizes, budget)
        sizes[id(node)] = size
    if budget[0] > MAX_EXPANDED_NODES:
        raise InputError(
            [
                Problem(
                    source,
                    dotted(path),
                    f"document expands to over {MAX_EXPANDED_NODES:,} nodes "
                    "(aliases referring to aliases?); refusing to load it",
                    node.start_mark.line + 1,
                )
            ]
        )
    return size


def validate(model: type[BaseModel], loaded: LoadedYaml, context: dict | None = None):
    """Validate parsed YAML against a pydantic model; errors name file, dotted path and line."""
    try:
        return model.model_validate(loaded.data, context=context)
    except ValidationError as error:
        raise InputError(problems_from_validation(error, loaded, model)) from None


def problems_from_validation(
    error: ValidationError, loaded: LoadedYaml, model=None
) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        location = tuple(part for part in item["loc"] if not _is_union_tag(part))
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key"
            owner = _model_at(model, location[:-1]) if model else None
            if owner is not None:
                allowed = [f.alias or name for name, f in owner.model_fields.items()]
                message += f" (allowed: {', '.join(allowed)})"
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        for path_text, sub_message in _split_located(dotted(location), message):
            problems.append(
                Problem(loaded.source, path_text, sub_message, loaded.line_of_dotted(path_text))
            )
    return problems


_LOCATED = re.compile(r"^([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*): (.+)$")


def _split_located(location: str, message: str):
    """Cross-field checks report one problem a line, each starting with the dotted path it
    blames (``components.3.id: duplicate id``); place each at that path's line."""
    for line in message.splitlines() or [message]:
        match = _LOCATED.match(line)
        if match:
            yield ".".join(p for p in (location, match.group(1)) if p), match.group(2)
        else:
            yield location, line


def _is_union_tag(part) -> bool:
    # pydantic inserts the branch name of a union or a function validator into the location
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)


def _model_at(model, location: PathKey):
    """The pydantic model class that owns the keys at ``location``, if one does."""
    current = model
    for part in location:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field_info = current.model_fields.get(part) if isinstance(part, str) else None
            if field_info is None:
                return None
            current = field_info.annotation
        else:
            current = _unwrap_container(current)
            if current is None:
                return None
        current = _unwrap_optional(current)
    current = _unwrap_optional(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap_optional(annotation):
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _unwrap_container(annotation):
    """Element type of list[X] or value type of dict[K, X]."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None
