"""The judgement suite: designs an expert judged rule by rule, and how far the rubric agrees.

Each fixture file (``tests/fixtures/judgement/*.yaml``) holds ``designs:``, each with an
``id``, a shipped ``scenario``, a ``kind`` (published, valid or mistake), a ``why``, the
design (``quick:`` text or a version-1 ``design:`` mapping) and ``expect:``, the expert's
verdict per rule as ``"STATUS: reason"``. A rule the scenario applies but the expert did
not list is expected to pass (or skip, when it has nothing to judge).

Agreement per rule: an expected ``fail`` also matches a ``warn`` when the scenario sets
``severity: warn`` for that rule; any other expected status must match exactly.

``python -m tests.judgement [--format text|json] [PATH...]`` prints agreement
per rule, per kind and overall, then every disagreement. Exit 0 when everything agrees,
1 otherwise, 2 when a fixture cannot be read (message on stderr naming file, design and
field).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from components.catalog import Catalog, load_catalog
from components.design import Design
from components.loading import (
    InputError,
    LoadedYaml,
    Problem,
    parse_yaml,
    problems_from_validation,
    read_text,
)
from components.quick import parse_quick
from design_framework.rubric import RULE_MODULES, Status, check_design
from design_framework.rubric.base import STATUS_ORDER
from scenarios.loader import shipped_scenarios

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "judgement"
KINDS = ("published", "valid", "mistake")
STATUSES = tuple(s.value for s in Status)
FIELDS = ("id", "scenario", "kind", "source", "why", "quick", "design", "expect")

MODEL_V2_RULES = {
    "params.plausible": ("realtime", "nearline", "batch"),
    "capacity.serving": ("realtime",),
    "capacity.batch_window": ("batch",),
}
"""Model v2 rules and the scenario modes assumed to apply them (design.md): every scenario
applies params.plausible, realtime ones capacity.serving, batch ones capacity.batch_window.
A verdict may name them before a scenario file lists them."""

PENDING_PARAMS = ("ms_per_1k_keys", "workers", "replicas")
"""Params model v2 adds (design.md). While the loader still rejects them, a design that
needs them is loaded without them and the result says so; once the loader accepts them
this fallback never runs."""
_PENDING_ANYWHERE = re.compile(rf"\s+(?:{'|'.join(PENDING_PARAMS)})=\S+")
_BATCH_DECLARATION = re.compile(r"^\s*[A-Za-z0-9_-]+\s*:\s*batch_scoring\b")
_BATCH_PARAMS = re.compile(r"\s+(?:in_k|ms_per_1k_items)=\S+")


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str


@dataclass
class JudgedDesign:
    """One design of the suite with the expert's verdicts."""

    id: str
    scenario: str
    kind: str
    why: str
    design: Design
    expect: dict[str, Verdict]
    file: str
    source: str | None = None
    dropped_params: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RuleResult:
    design: str
    kind: str
    rule: str
    expected: str
    got: str
    agreed: bool
    listed: bool
    reason: str
    message: str


@dataclass
class Judgement:
    """The rubric's result on one judged design, rule by rule."""

    judged: JudgedDesign
    results: list[RuleResult]
    error: str | None = None

    @property
    def disagreements(self) -> list[RuleResult]:
        return [r for r in self.results if not r.agreed]


def rules_applied(scenario) -> list[str]:
    """Rules a scenario applies, plus the model v2 rules assumed for its mode, in registry order."""
    mode = scenario.requirements.mode.value
    applied = set(scenario.rules) | {r for r, modes in MODEL_V2_RULES.items() if mode in modes}
    ordered = [r for r in RULE_MODULES if r in applied]
    return ordered + sorted(applied - set(ordered))


def _close(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _line(loaded: LoadedYaml, *path) -> int | None:
    while path:
        if path in loaded.lines:
            return loaded.lines[path]
        path = path[:-1]
    return loaded.lines.get(())


def _without_pending(text: str) -> tuple[str, list[str]]:
    """Quick text with the model v2 params removed, and which were removed."""
    dropped, lines = [], []
    for line in text.split("\n"):
        found = [m.group().strip() for m in _PENDING_ANYWHERE.finditer(line)]
        line = _PENDING_ANYWHERE.sub("", line)
        if _BATCH_DECLARATION.match(line):
            found += [m.group().strip() for m in _BATCH_PARAMS.finditer(line)]
            line = _BATCH_PARAMS.sub("", line)
        dropped += found
        lines.append(line)
    return "\n".join(lines), dropped


def _design_from_mapping(data, source: str, catalog: Catalog) -> Design:
    try:
        return Design.model_validate(data, context={"catalog": catalog})
    except ValidationError as error:
        raise InputError(
            problems_from_validation(error, LoadedYaml(data, source), Design)
        ) from None


def _mapping_without_pending(data) -> tuple[dict, list[str]]:
    data = json.loads(json.dumps(data))
    dropped = []
    for component in data.get("components") or []:
        params = component.get("params") if isinstance(component, dict) else None
        if not isinstance(params, dict):
            continue
        drop = list(PENDING_PARAMS)
        if component.get("type") == "batch_scoring":
            drop += ["in_k", "ms_per_1k_items"]
        for key in drop:
            if key in params:
                dropped.append(f"{key}={params.pop(key)}")
    return data, dropped


def _load_design(entry, where, loaded, index, catalog) -> tuple[Design, list[str]]:
    """The design of one entry, and the model v2 params dropped to load it (if any)."""
    design_id = entry.get("id")
    if "quick" in entry:
        text = entry["quick"]
        if not isinstance(text, str):
            raise _problem(loaded, index, "quick", design_id, "must be text (use `quick: |`)")
        start = _line(loaded, "designs", index, "quick") or 0
        try:
            return parse_quick(text, where, catalog, scenario=entry.get("scenario")), []
        except InputError as error:
            stripped, dropped = _without_pending(text)
            if dropped:
                try:
                    design = parse_quick(stripped, where, catalog, scenario=entry.get("scenario"))
                    return design, dropped
                except InputError:
                    pass
            raise InputError(
                [
                    Problem(
                        loaded.source,
                        f"designs.{index}.quick",
                        f"design {design_id!r}: {p.message}",
                        start + p.line if p.line else start,
                    )
                    for p in error.problems
                ]
            ) from None
    data = entry["design"]
    if not isinstance(data, dict):
        raise _problem(loaded, index, "design", design_id, "must be a version-1 design mapping")
    try:
        return _design_from_mapping(data, where, catalog), []
    except InputError as error:
        stripped, dropped = _mapping_without_pending(data)
        if dropped:
            try:
                return _design_from_mapping(stripped, where, catalog), dropped
            except InputError:
                pass
        raise InputError(
            [
                Problem(
                    loaded.source,
                    ".".join(filter(None, (f"designs.{index}.design", p.path))),
                    f"design {design_id!r}: {p.message}",
                    _line(loaded, "designs", index, "design"),
                )
                for p in error.problems
            ]
        ) from None


def _problem(loaded, index, key, design_id, message) -> InputError:
    who = f"design {design_id!r}: " if design_id else ""
    return InputError(
        [
            Problem(
                loaded.source,
                ".".join(str(p) for p in ("designs", index, key) if p is not None),
                f"{who}{message}",
                _line(loaded, "designs", index, *((key,) if key else ())),
            )
        ]
    )


def _read_entry(entry, index, loaded, scenarios, catalog, problems) -> JudgedDesign | None:
    def bad(key, message, *more):
        line = _line(loaded, "designs", index, *((key,) if key else ()), *more)
        path = ".".join(str(p) for p in ("designs", index, key, *more) if p is not None)
        who = f"design {entry.get('id')!r}: " if isinstance(entry.get("id"), str) else ""
        problems.append(Problem(loaded.source, path, f"{who}{message}", line))

    before = len(problems)
    for key in entry:
        if key not in FIELDS:
            bad(
                key,
                f"unknown field {key!r}{_close(str(key), FIELDS)} (fields: {', '.join(FIELDS)})",
            )
    for key in ("id", "scenario", "kind", "why", "expect"):
        if key not in entry:
            bad(None, f"missing field {key!r}")
    if ("quick" in entry) == ("design" in entry):
        bad(None, "give the design as either `quick:` or `design:`, exactly one")
    design_id = entry.get("id")
    if "id" in entry and not (
        isinstance(design_id, str) and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", design_id)
    ):
        bad("id", f"id must be kebab-case text, not {design_id!r}")
    kind = entry.get("kind")
    if "kind" in entry and kind not in KINDS:
        bad("kind", f"unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
    scenario = None
    if "scenario" in entry:
        scenario = scenarios.get(entry["scenario"]) if isinstance(entry["scenario"], str) else None
        if scenario is None:
            bad(
                "scenario",
                f"unknown scenario {entry['scenario']!r}{_close(str(entry['scenario']), scenarios)}",
            )
    expect: dict[str, Verdict] = {}
    raw_expect = entry.get("expect")
    if "expect" in entry and not isinstance(raw_expect, dict):
        bad("expect", "expect must map rule ids to 'STATUS: reason'")
    elif isinstance(raw_expect, dict):
        known = set(RULE_MODULES) | set(MODEL_V2_RULES)
        applied = rules_applied(scenario) if scenario else None
        for rule, text in raw_expect.items():
            if rule not in known:
                bad("expect", f"unknown rule {rule!r}{_close(str(rule), known)}", rule)
                continue
            if applied is not None and rule not in applied:
                bad("expect", f"rule {rule!r} is not applied by scenario {scenario.id!r}", rule)
                continue
            status, _, reason = (text if isinstance(text, str) else "").partition(":")
            status = status.strip()
            if status not in STATUSES:
                bad(
                    "expect",
                    f"bad status {status!r} for {rule} (write 'STATUS: reason', "
                    f"STATUS one of {', '.join(STATUSES)})",
                    rule,
                )
                continue
            if not reason.strip():
                bad("expect", f"verdict for {rule} needs a reason after the status", rule)
                continue
            expect[rule] = Verdict(status, reason.strip())
    if len(problems) > before:
        return None
    where = f"{loaded.source}: design {design_id}"
    try:
        design, dropped = _load_design(entry, where, loaded, index, catalog)
    except InputError as error:
        problems.extend(error.problems)
        return None
    return JudgedDesign(
        id=design_id,
        scenario=scenario.id,
        kind=kind,
        why=str(entry["why"]),
        design=design,
        expect=expect,
        file=loaded.source,
        source=entry.get("source"),
        dropped_params=dropped,
    )


def fixture_files(*paths: str | Path) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths or (FIXTURE_DIR,)):
        files += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return files


def load_suite(*paths: str | Path, catalog: Catalog | None = None) -> list[JudgedDesign]:
    """Every judged design under ``paths`` (default: the shipped suite); all problems of all
    files in one InputError naming file, design id and field."""
    catalog = catalog or load_catalog()
    scenarios = shipped_scenarios()
    suite: list[JudgedDesign] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for file in fixture_files(*paths):
        try:
            loaded = parse_yaml(read_text(file), str(file))
        except InputError as error:
            problems += error.problems
            continue
        entries = loaded.data.get("designs") if isinstance(loaded.data, dict) else None
        if not isinstance(entries, list) or set(loaded.data) != {"designs"}:
            problems.append(
                Problem(str(file), "", "a judgement file holds one key, `designs:`, a list", 1)
            )
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                problems.append(
                    Problem(
                        str(file),
                        f"designs.{index}",
                        "each design is a mapping",
                        _line(loaded, "designs", index),
                    )
                )
                continue
            judged = _read_entry(entry, index, loaded, scenarios, catalog, problems)
            if judged is None:
                continue
            if judged.id in seen:
                problems.append(
                    Problem(
                        str(file),
                        f"designs.{index}.id",
                        f"duplicate design id {judged.id!r} (also in {seen[judged.id]})",
                        _line(loaded, "designs", index, "id"),
                    )
                )
                continue
            seen[judged.id] = str(file)
            suite.append(judged)
    if problems:
        raise InputError(problems)
    return suite


def _worst(findings) -> tuple[str, str]:
    """The worst status among a rule's findings, and their messages."""
    if not findings:
        return Status.skipped.value, "(the rule reported nothing)"
    worst = min(findings, key=lambda f: STATUS_ORDER[Status(f.status)]).status
    messages = [f.message for f in findings if f.status == worst]
    return str(worst), " | ".join(messages)


def matches(expected: str, got: str, severity: str) -> bool:
    if expected == got:
        return True
    return expected == "fail" and got == "warn" and severity == "warn"


def judge(judged: JudgedDesign, catalog: Catalog | None = None) -> Judgement:
    """Run the rubric on one judged design and compare it with the expert, rule by rule."""
    scenario = shipped_scenarios()[judged.scenario]
    rules = rules_applied(scenario)
    error = None
    by_rule: dict[str, list] = defaultdict(list)
    try:
        report = check_design(judged.design, scenario, catalog)
        for finding in report.findings:
            by_rule[finding.rule].append(finding)
    except Exception as exc:  # noqa: BLE001 - a crash is reported as the rule's answer
        error = f"{type(exc).__name__}: {exc}"
    results = []
    for rule in rules:
        verdict = judged.expect.get(rule)
        expected = verdict.status if verdict else "pass"
        if error:
            got, message = "error", error
        else:
            got, message = _worst(by_rule.get(rule, []))
        if verdict:
            agreed = matches(expected, got, scenario.severity(rule))
        else:
            agreed = got in ("pass", "skip")
        results.append(
            RuleResult(
                design=judged.id,
                kind=judged.kind,
                rule=rule,
                expected=expected,
                got=got,
                agreed=agreed,
                listed=verdict is not None,
                reason=verdict.reason if verdict else "(not listed: expected to pass)",
                message=message,
            )
        )
    return Judgement(judged, results, error)


def _share(agreed: int, judged: int) -> dict:
    return {
        "agreed": agreed,
        "judged": judged,
        "percent": round(100 * agreed / judged, 1) if judged else None,
    }


def summarise(judgements: list[Judgement]) -> dict:
    """Agreement per rule, per kind and overall, the disagreements and load notes."""
    results = [r for j in judgements for r in j.results]
    by_rule: dict[str, list[RuleResult]] = defaultdict(list)
    for r in results:
        by_rule[r.rule].append(r)
    rule_order = [r for r in RULE_MODULES if r in by_rule] + sorted(
        set(by_rule) - set(RULE_MODULES)
    )
    by_kind = {}
    for kind in KINDS:
        of_kind = [j for j in judgements if j.judged.kind == kind]
        rows = [r for j in of_kind for r in j.results]
        by_kind[kind] = {
            **_share(sum(r.agreed for r in rows), len(rows)),
            "designs": len(of_kind),
            "designs_agreed": sum(not j.disagreements for j in of_kind),
        }
    flagged = [r for r in results if r.expected in ("fail", "warn")]
    scenarios: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for j in judgements:
        scenarios[j.judged.scenario][j.judged.kind] += 1
    return {
        "designs": len(judgements),
        "scenarios": {s: scenarios[s] for s in sorted(scenarios)},
        "by_rule": {
            rule: _share(sum(r.agreed for r in by_rule[rule]), len(by_rule[rule]))
            for rule in rule_order
        },
        "by_kind": by_kind,
        "overall": {
            **_share(sum(r.agreed for r in results), len(results)),
            "designs_agreed": sum(not j.disagreements for j in judgements),
        },
        "flags": {
            "expert_flags": len(flagged),
            "caught": sum(r.agreed for r in flagged),
            "false_alarms": sum(
                r.got in ("fail", "warn", "error")
                for r in results
                if r.expected in ("pass", "skip")
            ),
        },
        "disagreements": [
            {
                "design": r.design,
                "kind": r.kind,
                "rule": r.rule,
                "expected": r.expected,
                "got": r.got,
                "reason": r.reason,
                "message": r.message,
            }
            for r in results
            if not r.agreed
        ],
        "load_notes": [
            {"design": j.judged.id, "dropped_params": j.judged.dropped_params}
            for j in judgements
            if j.judged.dropped_params
        ],
    }


def _percent(share: dict) -> str:
    return "-" if share["percent"] is None else f"{share['percent']:.1f}%"


def format_text(summary: dict) -> str:
    kinds = summary["by_kind"]
    lines = [
        f"Judgement suite: {summary['designs']} designs ("
        + ", ".join(f"{kinds[k]['designs']} {k}" for k in KINDS)
        + f") over {len(summary['scenarios'])} scenarios",
        "",
        f"{'rule':<30} {'agreed/judged':>14} {'':>7}",
    ]
    for rule, share in summary["by_rule"].items():
        ratio = f"{share['agreed']}/{share['judged']}"
        lines.append(f"{rule:<30} {ratio:>14} {_percent(share):>7}")
    lines += ["", f"{'kind':<30} {'agreed/judged':>14} {'':>7}  designs fully agreed"]
    for kind, share in kinds.items():
        ratio = f"{share['agreed']}/{share['judged']}"
        lines.append(
            f"{kind:<30} {ratio:>14} {_percent(share):>7}  "
            f"{share['designs_agreed']}/{share['designs']}"
        )
    overall = summary["overall"]
    ratio = f"{overall['agreed']}/{overall['judged']}"
    lines.append(
        f"{'overall':<30} {ratio:>14} {_percent(overall):>7}  "
        f"{overall['designs_agreed']}/{summary['designs']}"
    )
    flags = summary["flags"]
    lines += [
        "",
        f"expert flags (fail/warn) the tool raised: {flags['caught']}/{flags['expert_flags']}",
        f"tool fail/warn/error where the expert expects pass: {flags['false_alarms']}",
    ]
    if summary["load_notes"]:
        lines += ["", "Loaded only without the model v2 params the loader still rejects:"]
        for note in summary["load_notes"]:
            lines.append(f"  {note['design']}: {', '.join(note['dropped_params'])}")
    disagreements = summary["disagreements"]
    lines += ["", f"Disagreements ({len(disagreements)}):"]
    for d in disagreements:
        lines.append(f"- {d['design']}  {d['rule']}: expected {d['expected']}, got {d['got']}")
        lines.append(f"    expert: {d['reason']}")
        lines.append(f"    tool:   {d['message']}")
    if not disagreements:
        lines.append("  none")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.judgement",
        description="Run the rubric on the judgement suite and report agreement with the expert.",
    )
    parser.add_argument("paths", nargs="*", help="fixture files or folders (default: the suite)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        suite = load_suite(*args.paths)
    except InputError as error:
        print(str(error), file=sys.stderr)
        return 2
    summary = summarise([judge(j) for j in suite])
    if args.format == "json":
        print(json.dumps(summary, indent=2))
    else:
        print(format_text(summary), end="")
    clean = not summary["disagreements"] and not summary["load_notes"]
    return 0 if clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
