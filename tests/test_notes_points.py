"""The gold annotations of the notes corpus (tests/fixtures/notes_points/) and how well the
notes assessment agrees with them, point by point."""

from design_framework import notes_points
from design_framework.notes_points import HALVES, load_gold, problems

GOLD = load_gold()


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
