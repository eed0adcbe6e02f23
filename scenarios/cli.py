"""``python -m scenarios check|render|report|validate|list|schema``: the project's command line.

``check``, ``render`` and ``report`` (scenarios/commands.py) run the rubric on a design file,
draw it, and grade a session file.

For scenario authors, ``validate`` loads each file, checks it against the schema, the catalog and the rule
registry, and runs its reference design through its own rubric. Exit 0 when all are
valid, 2 when one is not (each problem on stderr with file, dotted path and line): bad
input exits 2 in every command of the project.
"""

from __future__ import annotations

import argparse
import json
import sys

from components.loading import InputError
from scenarios.commands import add_commands
from scenarios.loader import scenario_files, scenario_from_path, shipped_scenarios
from scenarios.model import Scenario


def reference_problems(scenario: Scenario, source: str) -> list[str]:
    from design_framework.rubric import Status, check_design

    report = check_design(scenario.reference_design, scenario)
    return [
        f"{source}: reference_design: fails {f.rule}: {f.message}"
        for f in report.findings
        if f.status == Status.failed
    ]


def cmd_validate(args) -> int:
    files = scenario_files(*args.paths)
    if not files:
        print("no scenario files found in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    seen: dict[str, str] = {}
    bad = 0
    for file in files:
        try:
            scenario = scenario_from_path(file)
        except InputError as error:
            print(error, file=sys.stderr)
            bad += 1
            continue
        problems = reference_problems(scenario, str(file))
        if scenario.id in seen:
            problems.append(
                f"{file}:1: id: duplicate scenario id {scenario.id!r} (also in {seen[scenario.id]})"
            )
        seen.setdefault(scenario.id, str(file))
        if problems:
            print("\n".join(problems), file=sys.stderr)
            bad += 1
        else:
            print(f"ok  {file} ({scenario.id})")
    print(f"{len(files) - bad} valid, {bad} invalid")
    return 0 if bad == 0 else 2


def cmd_list(args) -> int:
    try:
        pack = shipped_scenarios()
    except InputError as error:
        print(error, file=sys.stderr)
        return 2
    for scenario in pack.values():
        r = scenario.requirements
        budget = f"{r.latency_budget_ms} ms" if r.latency_budget_ms else "-"
        print(
            f"{scenario.id:28} {scenario.difficulty:7} {r.mode.value:9} {budget:>7}  "
            f"{scenario.title}"
        )
    return 0


def cmd_schema(args) -> int:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ML system-design scenario"
    print(json.dumps(schema, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scenarios",
        description="Check, render or grade designs and practice sessions; validate, list "
        "and describe scenarios.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_commands(sub)
    validate = sub.add_parser("validate", help="validate scenario files or folders")
    validate.add_argument("paths", nargs="+")
    validate.set_defaults(run=cmd_validate)
    sub.add_parser("list", help="list the shipped scenarios").set_defaults(run=cmd_list)
    sub.add_parser("schema", help="print the JSON Schema of a scenario file").set_defaults(
        run=cmd_schema
    )
    args = parser.parse_args(argv)
    return args.run(args)
