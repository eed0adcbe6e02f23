"""The notes corpus in figures: ``python bench/notes_corpus.py`` (also run by ``make bench``).

For each scenario of tests/fixtures/notes_corpus/, the notes score (out of 35) of every note
set by pattern, the margin of the weakest strong set over the best of the others, and the
highest buzzword score as a share of the notes points. tests/test_notes_corpus.py asserts
the order; this prints the numbers behind it. Then the point-level agreement with the gold
annotations of tests/fixtures/notes_points/ (tests/notes_points.py): precision and
recall of `covered`, dev and held-out halves apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from design_framework.coverage import notes_coverage  # noqa: E402
from design_framework.report import NOTES_POINTS, notes_score  # noqa: E402
from scenarios.loader import get_scenario  # noqa: E402
from tests import notes_points  # noqa: E402

PATTERNS = ("strong", "weak-wordy", "buzzwords", "dismissive")


def main() -> int:
    corpus_dir = ROOT / "tests" / "fixtures" / "notes_corpus"
    print(f"Notes score per note set (out of {NOTES_POINTS:g}), by pattern")
    print(f"  {'scenario':26} " + " ".join(f"{p:>17}" for p in PATTERNS) + "   margin")
    margins, buzz_max = [], 0.0
    half = {gold.scenario: gold.half for gold in notes_points.load_gold()}
    lowest: dict[str, dict[str, float]] = {}
    for path in sorted(corpus_dir.glob("*.yaml")):
        corpus = yaml.safe_load(path.read_text())
        scenario = get_scenario(corpus["scenario"])
        scores: dict[str, list[float]] = {p: [] for p in PATTERNS}
        for note_set in corpus["note_sets"]:
            score = notes_score(notes_coverage(note_set["notes"], scenario))
            scores[note_set["pattern"]].append(score)
        for pattern, values in scores.items():
            kept = lowest.setdefault(half.get(scenario.id, "-"), {})
            best_or_worst = min if pattern == "strong" else max
            kept[pattern] = best_or_worst([kept.get(pattern, values[0]), *values])
        margin = min(scores["strong"]) - max(s for p in PATTERNS[1:] for s in scores[p])
        margins.append(margin)
        buzz_max = max(buzz_max, *scores["buzzwords"])
        cells = " ".join(f"{' / '.join(f'{s:4.1f}' for s in scores[p]):>17}" for p in PATTERNS)
        print(f"  {scenario.id:26} {cells}   {margin:5.1f}")
    print(f"\nSmallest margin of strong over every other pattern: {min(margins):.1f} points")
    print(
        f"Highest buzzword-list score: {buzz_max:.1f} of {NOTES_POINTS:g} "
        f"({buzz_max / NOTES_POINTS:.0%} of the notes points; the cap is 50%)"
    )
    print(
        "\nCalibration (corpus README: Hire >= 28, weak-wordy and buzzwords <= 6, dismissive <= 3)"
    )
    for name, kept in sorted(lowest.items()):
        print(
            f"  {name:9} lowest strong {kept['strong']:4.1f}; highest weak-wordy "
            f"{kept['weak-wordy']:4.1f}, buzzwords {kept['buzzwords']:4.1f}, "
            f"dismissive {kept['dismissive']:4.1f}"
        )
    print("\nPoints credited against the gold annotations (tests/fixtures/notes_points/)")
    gold = notes_points.load_gold()
    print(notes_points.report(notes_points.measure(gold), gold))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
