"""``python -m scenarios check|render|report``: the rubric, the renderers and the session
report from a shell. They live here, above the framework, because each reads scenarios (by
id from the pack, or from a file) and the framework never imports the scenario package.

Exit codes of ``check``: 0 no rule failed, 1 at least one rule failed, 2 the input could
not be read (the message on stderr names file, path and line). ``report`` exits 0 with the
report, or 2 when the session file cannot be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from components.design import Design
from components.loading import InputError, parse_yaml, read_text
from components.render import PNG_SCALES, RenderError, export, too_large_to_draw
from design_framework.rubric import Report, Status, check_design
from design_framework.rubric.base import STATUS_ORDER
from scenarios.loader import get_scenario, scenario_from_path, shipped_scenarios
from scenarios.sessions import resolve_scenario as session_scenario

EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE = 0, 1, 2
FORMATS = {
    ".png": "png",
    ".svg": "svg",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mmd",
    ".yaml": "yaml",
    ".yml": "yaml",
}


def resolve_scenario(name: str | None):
    """A scenario from the shipped pack by id, or from a YAML file path."""
    if not name:
        return None
    if name.endswith((".yaml", ".yml")) or Path(name).is_file():
        return scenario_from_path(name)
    return get_scenario(name)


def format_text(report: Report, source: str) -> str:
    verdict = "PASSED" if report.passed else "FAILED"
    against = f" against {report.scenario}" if report.scenario else " (no scenario)"
    lines = [f"{source}{against}: {verdict}, score {report.score}/100", ""]
    for f in sorted(report.findings, key=lambda f: STATUS_ORDER[f.status]):
        lines.append(f"{f.status.upper():4} {f.rule} [{f.step}] {f.message}")
        if f.status in (Status.failed, Status.warning):
            if f.nodes:
                lines.append(f"     nodes: {', '.join(f.nodes)}")
            shown = {k: v for k, v in f.figures.items() if not isinstance(v, (list, dict))}
            if shown:
                lines.append("     figures: " + ", ".join(f"{k}={v}" for k, v in shown.items()))
            if f.hint:
                lines.append(f"     hint: {f.hint}")
    return "\n".join(lines)


def design_scenario(design: Design, design_path: str):
    """The scenario a design file names: a shipped id, or a scenario file given relative to
    the design file's folder and inside it. Never any other path: a design file comes from
    anyone, and its ``scenario:`` must not open ``../../etc/passwd`` or ``/proc``."""
    name = design.scenario
    if not name:
        return None
    if name in shipped_scenarios():
        return get_scenario(name)
    folder = Path(design_path).resolve().parent
    candidate = (folder / name).resolve()
    if not name.endswith((".yaml", ".yml")) or not candidate.is_relative_to(folder):
        raise KeyError(
            f"unknown scenario {name[:100]!r}: give a shipped id (`python -m scenarios "
            "list`) or a scenario file (.yaml) in the design file's folder"
        )
    return scenario_from_path(candidate)


def load_inputs(args):
    """The design and its scenario, or None after printing why they cannot be read."""
    try:
        loaded = parse_yaml(read_text(args.design), args.design)
        design = Design.from_loaded(loaded)
    except InputError as error:
        print(error, file=sys.stderr)
        return None
    try:
        if args.scenario:  # typed by the person running the command: any id or path
            return design, resolve_scenario(args.scenario)
        return design, design_scenario(design, args.design)
    except InputError as error:
        print(error, file=sys.stderr)
    except KeyError as error:
        line = loaded.lines.get(("scenario",))
        where = "--scenario" if args.scenario else f"{args.design}:{line}: scenario"
        print(f"{where}: {error.args[0]}", file=sys.stderr)
    return None


SET_NAMES = {
    "qps": "peak_qps",
    "peak_qps": "peak_qps",
    "users": "users",
    "catalog": "catalog_size",
    "catalog_size": "catalog_size",
    "latency_budget_ms": "latency_budget_ms",
    "budget_ms": "latency_budget_ms",
    "slate": "slate_size",
    "slate_size": "slate_size",
    "freshness_s": "feature_freshness_s",
    "feature_freshness_s": "feature_freshness_s",
    "batch_window_h": "batch_window_h",
}


def what_if(settings: list[str], scenario):
    """``--set NAME=VALUE`` as a curveball of numbers (``design_framework.curveballs``), or
    a message naming the setting that cannot be used."""
    from pydantic import ValidationError

    from design_framework.curveballs import custom_curveball
    from design_framework.session import Session

    if scenario is None:
        return (
            None,
            "--set: the numbers belong to a scenario; give --scenario or name one in the design",
        )
    changes: dict[str, float] = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        field_name = SET_NAMES.get(name.strip().lower())
        if field_name is None:
            return None, f"--set {setting}: unknown number (one of {', '.join(sorted(SET_NAMES))})"
        try:
            number = float(value.replace(",", "").replace("_", ""))
        except ValueError:
            return None, f"--set {setting}: {value!r} is not a number"
        changes[field_name] = number if field_name == "batch_window_h" else int(number)
    try:
        ball = custom_curveball(Session(), changes, "", "self")
        return scenario.with_curveballs([ball]), None
    except (ValidationError, ValueError) as error:
        first = str(error).splitlines()
        return None, f"--set: {' '.join(first[:3])}"


def cmd_check(args) -> int:
    loaded = load_inputs(args)
    if loaded is None:
        return EXIT_UNREADABLE
    design, scenario = loaded
    if args.set:
        scenario, problem = what_if(args.set, scenario)
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_UNREADABLE
    report = check_design(design, scenario)
    if args.format == "json":
        print(json.dumps(report.to_json(), indent=2))
    else:
        if args.set:
            print(f"what if: {', '.join(args.set)}")
        print(format_text(report, args.design))
    return EXIT_OK if report.passed else EXIT_FAILED


def cmd_render(args) -> int:
    fmt = FORMATS.get(Path(args.output).suffix.lower())
    if fmt is None:
        print(
            f"{args.output}: unknown output type (use one of {', '.join(FORMATS)})", file=sys.stderr
        )
        return EXIT_UNREADABLE
    if args.scale != 1 and fmt != "png":
        print(f"--scale {args.scale}: only a PNG has a scale (this is {fmt})", file=sys.stderr)
        return EXIT_UNREADABLE
    loaded = load_inputs(args)
    if loaded is None:
        return EXIT_UNREADABLE
    design, scenario = loaded
    refusal = too_large_to_draw(design)
    if refusal and fmt in ("png", "svg"):
        # refused before the rubric runs: checking a design this large is work for nothing
        print(f"render: {refusal}", file=sys.stderr)
        return EXIT_UNREADABLE
    report = check_design(design, scenario)
    size = scenario.requirements.catalog_size if scenario else None
    try:
        data = export(design, fmt, report, size, dark=args.dark, scale=args.scale)
    except RenderError as error:
        print(f"render: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        Path(args.output).write_bytes(data)
    except OSError as error:
        print(f"{args.output}: cannot write: {error.strerror}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return EXIT_OK


def load_session(path: str):
    """A session file and its scenario, or None after printing why (file:line on stderr)."""
    from components.loading import parse_yaml, read_text
    from design_framework.session import Session

    try:
        text = read_text(path)
        session = Session.from_string(text, path)
    except InputError as error:
        print(error, file=sys.stderr)
        return None
    scenario, problems = session_scenario(session, shipped_scenarios(), path)
    if problems:
        loaded = parse_yaml(text, path)
        for problem in problems:
            line = problem.line or loaded.line_of_dotted(problem.path)
            where = f"{path}:{line}" if line else path
            print(f"{where}: {problem.path}: {problem.message}", file=sys.stderr)
        return None
    return session, scenario


def cmd_report(args) -> int:
    from design_framework.report import build_report, to_json, to_markdown, to_text

    loaded = load_session(args.session)
    if loaded is None:
        return EXIT_UNREADABLE
    session, scenario = loaded
    # a file is a snapshot: a clock left running counts up to the last save, not to now
    now = session.finished_at or session.updated_at
    timeline = None
    if session.history:  # the file carries its history: the verdicts over time
        from design_framework.history import session_timeline

        end = session.elapsed_seconds(now)
        timeline = session_timeline(session.history, scenario, session.curveballs, end)
    if scenario is not None and session.curveballs:  # checked against the numbers after them
        scenario = scenario.with_curveballs(session.curveballs)
    report = build_report(session, scenario, now=now, timeline=timeline)
    if args.format == "json":
        print(json.dumps(to_json(report), indent=2))
    elif args.format == "md":
        print(to_markdown(report), end="")
    else:
        print(to_text(report, args.session))
    return EXIT_OK


def add_commands(sub) -> None:
    """``check``, ``render`` and ``report`` on the subparsers of ``python -m scenarios``."""
    check = sub.add_parser("check", help="run the rubric on a design file")
    check.add_argument("design", help="design YAML file (version: 1)")
    check.add_argument("--scenario", help="scenario id, or a scenario YAML file")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="what if a number were different: qps, users, catalog, latency_budget_ms, "
        "slate, freshness_s, batch_window_h (again for more)",
    )
    check.set_defaults(run=cmd_check)
    render = sub.add_parser(
        "render",
        help="draw a design as PNG, SVG, DOT or Mermaid (a PNG or SVG carries the design: "
        "Open a file reopens it)",
    )
    render.add_argument("design", help="design YAML file (version: 1)")
    render.add_argument(
        "-o",
        "--output",
        required=True,
        help="output file; its suffix picks the format (.png .svg .dot .mmd)",
    )
    render.add_argument("--scenario", help="scenario id or file, to mark failing nodes")
    render.add_argument(
        "--dark", action="store_true", help="light ink on a dark background (default: white)"
    )
    render.add_argument(
        "--scale",
        type=int,
        choices=PNG_SCALES,
        default=1,
        help="PNG pixels per point: 1 (100 dpi) or 2 (200 dpi, for slides and sharp screens)",
    )
    render.set_defaults(run=cmd_render)
    report = sub.add_parser(
        "report", help="grade a session file (notes, design, timing) as the app's report does"
    )
    report.add_argument("session", help="session YAML file (kind: session), as the app saves it")
    report.add_argument("--format", choices=("text", "json", "md"), default="text")
    report.set_defaults(run=cmd_report)
