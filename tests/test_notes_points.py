"""The gold annotations of the notes corpus (tests/fixtures/notes_points/) and how well the
notes assessment agrees with them, point by point."""

from tests import notes_points
from tests.notes_points import HALVES, load_gold, measure, problems

GOLD = load_gold()
TALLY = measure(GOLD)
MIN_RECALL = {"dev": 0.93, "held-out": 0.78}
MIN_PRECISION = {"dev": 0.97, "held-out": 0.95}
"""Measured by python -m tests.notes_points: dev recall 0.96, precision 0.99
(0.78 and 0.98 before the word lists were tuned on dev); held-out recall 0.81, precision
0.98 (0.76 and 0.97 before). The minima sit a little below, so a change that loses what
the tuning gained fails here."""


def test_the_gold_names_real_points_and_quotes_the_notes():
    assert problems(GOLD) == []


def test_every_strong_set_and_a_weak_and_a_buzzword_set_per_scenario_are_annotated():
    by_scenario: dict[str, set[str]] = {}
    for gold in GOLD:
        by_scenario.setdefault(gold.scenario, set()).add(gold.pattern)
    assert len(by_scenario) >= 6
    assert all({"strong", "weak-wordy", "buzzwords"} <= p for p in by_scenario.values())
    halves = {gold.half for gold in GOLD}
    assert halves == set(HALVES)


def test_problems_name_the_set_the_step_and_the_point():
    gold = GOLD[0]
    broken = notes_points.GoldSet(
        gold.scenario,
        gold.half,
        gold.name,
        gold.pattern,
        gold.notes,
        {"framing": {"no_such_point": "words that are nowhere"}},
        {},
    )
    assert problems([broken]) == [
        f"{gold.scenario}/{gold.name}: covered.framing.no_such_point: not a scored point",
        f"{gold.scenario}/{gold.name}: covered.framing.no_such_point: quote not in the notes",
    ]


def test_the_matcher_agrees_with_the_gold_on_both_halves():
    for half in HALVES:
        tally = TALLY[half]
        assert tally.recall >= MIN_RECALL[half], (half, tally.recall, tally.misses)
        assert tally.precision >= MIN_PRECISION[half], (half, tally.false_credits)


def test_words_a_reader_would_not_credit_stay_listed_or_missing():
    """Buzzword lists and vague sentences name points; almost none may be covered."""
    for half in HALVES:
        confusion = TALLY[half].confusion
        named = sum(confusion["named", status] for status in ("covered", "listed", "missing"))
        assert confusion["named", "covered"] <= 0.02 * named, (half, confusion)
        assert confusion["named", "listed"] >= 0.6 * named, (half, confusion)
