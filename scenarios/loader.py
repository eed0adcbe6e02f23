"""Load scenario files and folders of them (a pack)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from components.loading import (
    MAX_SCENARIO_BYTES,
    InputError,
    Problem,
    parse_yaml,
    read_text,
    validate,
)
from scenarios.model import Scenario

PACK_DIR = Path(__file__).with_name("pack")


def scenario_from_string(text: str, source: str = "<scenario>", shipped: bool = False) -> Scenario:
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_SCENARIO_BYTES:
        raise InputError(
            [
                Problem(
                    source,
                    "",
                    f"the scenario is {size:,} bytes; the limit is {MAX_SCENARIO_BYTES:,} "
                    "(a session embeds its scenario)",
                )
            ]
        )
    loaded = parse_yaml(text, source, shipped=shipped)
    if not isinstance(loaded.data, dict):
        raise InputError([Problem(source, "", "a scenario must be a YAML mapping", 1)])
    return validate(Scenario, loaded)


def scenario_from_path(path: str | Path, shipped: bool = False) -> Scenario:
    return scenario_from_string(read_text(path), str(path), shipped=shipped)


def scenario_files(*paths: str | Path) -> list[Path]:
    """YAML files named directly or found in the folders named, sorted."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            files.append(path)
    return files


def load_scenarios(*paths: str | Path, shipped: bool = False) -> dict[str, Scenario]:
    """Every scenario under ``paths`` by id; all problems of all files in one InputError.
    ``shipped``: the files are the app's own pack (parsed by libyaml, see parse_yaml)."""
    scenarios: dict[str, Scenario] = {}
    origin: dict[str, Path] = {}
    problems: list[Problem] = []
    for file in scenario_files(*paths):
        try:
            scenario = scenario_from_path(file, shipped=shipped)
        except InputError as error:
            problems += error.problems
            continue
        if scenario.id in scenarios:
            problems.append(
                Problem(
                    str(file),
                    "id",
                    f"duplicate scenario id {scenario.id!r} (also in {origin[scenario.id]})",
                    1,
                )
            )
            continue
        scenarios[scenario.id] = scenario
        origin[scenario.id] = file
    if problems:
        raise InputError(problems)
    return scenarios


@lru_cache(maxsize=1)
def shipped_scenarios() -> dict[str, Scenario]:
    """The scenario pack that ships with the app, by id."""
    return load_scenarios(PACK_DIR, shipped=True)


def get_scenario(scenario_id: str) -> Scenario:
    pack = shipped_scenarios()
    try:
        return pack[scenario_id]
    except KeyError:
        raise KeyError(
            f"unknown scenario {scenario_id!r} (known: {', '.join(sorted(pack))})"
        ) from None
