"""How well the notes assessment agrees, point by point, with a senior interviewer.

``python -m tests.notes_points`` (also printed by bench/notes_corpus.py and run by
``make bench``). The gold annotations in tests/fixtures/notes_points/ say, for note sets of
the notes corpus (tests/fixtures/notes_corpus/), which checklist points and scenario signals
an interviewer credits in each step, with the words that cover each one, and for weak and
buzzword sets which points a reader would not credit although their words appear. Each gold
file belongs to the `dev` half (used to tune the word lists) or the `held-out` half (never
looked at while tuning), so a gain that only shows on dev is visible as overfitting.

Figures, per half: precision and recall of `covered` against the gold, per point id, and a
confusion table of gold class (covered / named but not credited / not named) against the
status the matcher gave (covered, negated, listed, missing).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from design_framework.coverage import COVERED, STATUSES, step_coverage
from design_framework.steps import load_framework
from scenarios.loader import get_scenario

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "tests" / "fixtures" / "notes_points"
CORPUS_DIR = ROOT / "tests" / "fixtures" / "notes_corpus"
HALVES = ("dev", "held-out")
SIGNAL = "signal."
"""Gold keys name a checklist point by its id and a scenario signal as ``signal.<id>``."""
GOLD_CLASSES = ("covered", "named", "absent")
"""Covered: the interviewer credits it; named: its words appear but earn no credit (weak
and buzzword sets); absent: neither."""


@dataclass(frozen=True)
class GoldSet:
    """One annotated note set: its notes, and per step what the interviewer credits."""

    scenario: str
    half: str
    name: str
    pattern: str
    notes: dict[str, str]
    covered: dict[str, dict[str, str]]
    """Step id -> point key -> the words of the notes that cover it."""
    not_credited: dict[str, dict[str, str]]
    """Step id -> point key -> the words that name it without earning credit."""


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def load_gold(gold_dir: Path = GOLD_DIR, corpus_dir: Path = CORPUS_DIR) -> list[GoldSet]:
    """Every annotated note set, joined with its notes from the corpus."""
    sets = []
    for path in sorted(gold_dir.glob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        corpus = yaml.safe_load((corpus_dir / path.name).read_text(encoding="utf-8"))
        by_name = {s["name"]: s for s in corpus["note_sets"]}
        for entry in gold["note_sets"]:
            note_set = by_name[entry["name"]]
            sets.append(
                GoldSet(
                    scenario=gold["scenario"],
                    half=gold["half"],
                    name=entry["name"],
                    pattern=note_set["pattern"],
                    notes=note_set["notes"],
                    covered={k: dict(v or {}) for k, v in (entry.get("covered") or {}).items()},
                    not_credited={
                        k: dict(v or {}) for k, v in (entry.get("not_credited") or {}).items()
                    },
                )
            )
    return sets


def relevant_keys(scenario, step_id: str) -> list[str]:
    """The point keys of a step that a scenario scores: checklist points it does not mark
    not relevant, then its signals as ``signal.<id>``."""
    step = load_framework().get(step_id)
    guide = scenario.steps.get(step_id)
    skip = set(getattr(guide, "not_relevant", {}) or {})
    keys = [p.id for p in step.checklist if p.id not in skip]
    keys += [SIGNAL + p.id for p in (guide.signals if guide is not None else [])]
    return keys


def problems(sets: Iterable[GoldSet]) -> list[str]:
    """What is wrong with the annotations: unknown halves, steps or points, quotes that are
    not in the notes, a point both credited and not."""
    found = []
    for gold in sets:
        where = f"{gold.scenario}/{gold.name}"
        if gold.half not in HALVES:
            found.append(f"{where}: half {gold.half!r} is not one of {HALVES}")
        scenario = get_scenario(gold.scenario)
        for kind, table in (("covered", gold.covered), ("not_credited", gold.not_credited)):
            for step_id, points in table.items():
                if step_id not in load_framework().ids:
                    found.append(f"{where}: {kind}.{step_id}: unknown step")
                    continue
                keys = relevant_keys(scenario, step_id)
                notes = _squash(gold.notes.get(step_id, ""))
                for key, quote in points.items():
                    if key not in keys:
                        found.append(f"{where}: {kind}.{step_id}.{key}: not a scored point")
                    if not quote or _squash(str(quote)) not in notes:
                        found.append(f"{where}: {kind}.{step_id}.{key}: quote not in the notes")
                    if kind == "not_credited" and key in gold.covered.get(step_id, {}):
                        found.append(f"{where}: {step_id}.{key}: both covered and not credited")
    return found


@dataclass
class Tally:
    """Agreement of the matcher's `covered` with the gold over some note sets."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    confusion: Counter = field(default_factory=Counter)
    """(gold class, matcher status) -> count, over every scored point."""
    per_point: dict[str, Counter] = field(default_factory=dict)
    """Point key -> Counter of tp, fp, fn."""
    misses: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    """(set, step, key, status, quote) for gold-covered points the matcher did not cover."""
    false_credits: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(set, step, key, sentence) for points covered by the matcher, not by the gold."""

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def measure(sets: Iterable[GoldSet]) -> dict[str, Tally]:
    """A tally per half (and ``all``) of the matcher against the gold."""
    tallies = {half: Tally() for half in (*HALVES, "all")}
    for gold in sets:
        scenario = get_scenario(gold.scenario)
        for step_id in load_framework().ids:
            step = load_framework().get(step_id)
            if step.optional:
                continue
            coverage = step_coverage(gold.notes.get(step_id, ""), step_id, scenario)
            statuses = {p.id: p for p in coverage.checklist}
            statuses.update({SIGNAL + p.id: p for p in coverage.signals})
            covered = gold.covered.get(step_id, {})
            named = gold.not_credited.get(step_id, {})
            for key in relevant_keys(scenario, step_id):
                point = statuses[key]
                gold_class = "covered" if key in covered else "named" if key in named else "absent"
                where = f"{gold.scenario}/{gold.name}"
                for tally in (tallies[gold.half], tallies["all"]):
                    tally.confusion[gold_class, point.status] += 1
                    counts = tally.per_point.setdefault(key, Counter())
                    if gold_class == "covered" and point.status == COVERED:
                        tally.tp += 1
                        counts["tp"] += 1
                    elif gold_class == "covered":
                        tally.fn += 1
                        counts["fn"] += 1
                        tally.misses.append((where, step_id, key, point.status, covered[key]))
                    elif point.status == COVERED:
                        tally.fp += 1
                        counts["fp"] += 1
                        tally.false_credits.append((where, step_id, key, point.sentence))
    return tallies


def report(
    tallies: dict[str, Tally], sets: list[GoldSet], verbose: bool = False, halves=HALVES
) -> str:
    lines = []
    for half in (*HALVES, "all"):
        tally = tallies[half]
        scenarios = sorted({g.scenario for g in sets if half == "all" or g.half == half})
        lines.append(
            f"{half:9} precision {tally.precision:.2f}  recall {tally.recall:.2f}  "
            f"(tp {tally.tp}, fp {tally.fp}, fn {tally.fn}; {', '.join(scenarios)})"
        )
    for half in HALVES:
        tally = tallies[half]
        lines += ["", f"Gold class x matcher status ({half}):"]
        lines.append(f"  {'':8}" + "".join(f"{s:>9}" for s in STATUSES))
        for gold_class in GOLD_CLASSES:
            cells = "".join(f"{tally.confusion[gold_class, s]:>9}" for s in STATUSES)
            lines.append(f"  {gold_class:8}{cells}")
    if verbose:
        for half in halves:
            tally = tallies[half]
            lines += ["", f"Per point ({half}): tp fp fn"]
            for key, counts in sorted(tally.per_point.items()):
                if counts["fp"] or counts["fn"]:
                    lines.append(f"  {key:34} {counts['tp']:3} {counts['fp']:3} {counts['fn']:3}")
            lines += ["", f"Missed ({half}):"]
            lines += [f"  {w} {s}.{k} [{st}]: {q}" for w, s, k, st, q in tally.misses]
            lines += ["", f"Credited against the gold ({half}):"]
            lines += [f"  {w} {s}.{k}: {q}" for w, s, k, q in tally.false_credits]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.notes_points")
    parser.add_argument("-v", "--verbose", action="store_true", help="per point and per miss")
    parser.add_argument(
        "--half", choices=HALVES, help="with -v, details of one half only (tune on dev)"
    )
    args = parser.parse_args(argv)
    sets = load_gold()
    wrong = problems(sets)
    if wrong:
        print("\n".join(wrong), file=sys.stderr)
        return 2
    halves = (args.half,) if args.half else HALVES
    print(report(measure(sets), sets, verbose=args.verbose, halves=halves))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
