"""The notes corpus (tests/fixtures/notes_corpus/): the assessment must agree with what a
senior interviewer wrote down about each note set, in every scenario of the corpus.

Each file gives tiers of note set names, best first (`expected_order`); every set of a tier
must score above every set of any later tier. Strong notes must beat weak-but-wordy ones,
buzzword lists and dismissive notes, and a buzzword list never earns half the notes points.

Calibration (the corpus README says why): a Hire note set earns at least HIRE_MIN of the
35 notes points, weak-wordy and buzzword sets at most WEAK_MAX, dismissive ones at most
DISMISSIVE_MAX. The Hire threshold holds on the dev half of the scenarios, the half the
word lists were tuned on; on the held-out half the matcher misses more paraphrases (recall
0.81, tests/test_notes_points.py) and Hire sets only keep HELD_OUT_HIRE_FLOOR: a gap that
is known and measured, not the target.
"""

from pathlib import Path

import pytest
import yaml

from design_framework.coverage import notes_coverage
from design_framework.report import NOTES_POINTS, notes_score
from design_framework.steps import STEP_IDS
from scenarios.loader import get_scenario
from tests.notes_points import load_gold

CORPUS_DIR = Path(__file__).parent / "fixtures" / "notes_corpus"
CORPUS = {path.stem: yaml.safe_load(path.read_text()) for path in sorted(CORPUS_DIR.glob("*.yaml"))}
PATTERNS = ("strong", "weak-wordy", "buzzwords", "dismissive")
STRONG_MARGIN = 12.0
"""Points (of 35) by which the weakest strong set beats the best other set in a scenario
(5 under the old proportional scoring, which left strong sets at 9 to 22; 19.5 measured)."""
HIRE_MIN = 28.0
"""What a senior interviewer gives a Hire: the essentials of every step and reasons in
most of them; 80% of the notes points."""
HELD_OUT_HIRE_FLOOR = 20.0
"""What Hire sets keep in the held-out scenarios (lowest measured: 20.9, a terse set)."""
WEAK_MAX = 6.0
"""Weak-wordy and buzzword sets: a stray point or two, never a step's worth."""
DISMISSIVE_MAX = 3.0
"""Notes that name topics only to dismiss them: close to nothing."""
HALF = {gold.scenario: gold.half for gold in load_gold()}


def _sets():
    for name, corpus in CORPUS.items():
        for note_set in corpus["note_sets"]:
            yield name, note_set


def _score(scenario_id: str, notes: dict) -> float:
    return notes_score(notes_coverage(notes, get_scenario(scenario_id)))


SCORES = {
    (name, note_set["name"]): _score(CORPUS[name]["scenario"], note_set["notes"])
    for name, note_set in _sets()
}


def test_the_corpus_is_large_enough_and_well_formed():
    scenarios = {corpus["scenario"] for corpus in CORPUS.values()}
    assert len(scenarios) >= 6
    counts = {pattern: 0 for pattern in PATTERNS}
    for name, note_set in _sets():
        assert note_set["pattern"] in PATTERNS, (name, note_set["name"])
        assert note_set["interviewer"].strip(), (name, note_set["name"])
        assert note_set["style"].strip(), (name, note_set["name"])
        assert set(note_set["notes"]) <= set(STEP_IDS), (name, note_set["name"])
        counts[note_set["pattern"]] += 1
    assert all(count >= 12 for count in counts.values()), counts
    for name, corpus in CORPUS.items():
        assert corpus["scenario"] == name
        named = [n for tier in corpus["expected_order"] for n in tier]
        assert sorted(named) == sorted(s["name"] for s in corpus["note_sets"]), name
        styles = {s["pattern"]: set() for s in corpus["note_sets"]}
        for note_set in corpus["note_sets"]:
            styles[note_set["pattern"]].add(note_set["style"])
        assert all(len(v) >= 2 for v in styles.values()), f"{name}: two styles per pattern"


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_scores_follow_the_interviewers_order(name):
    tiers = CORPUS[name]["expected_order"]
    for index, tier in enumerate(tiers):
        for later in tiers[index + 1 :]:
            for better in tier:
                for worse in later:
                    assert SCORES[name, better] > SCORES[name, worse], (
                        f"{name}: {better} ({SCORES[name, better]:.1f}) should beat "
                        f"{worse} ({SCORES[name, worse]:.1f})"
                    )


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_strong_notes_win_by_a_clear_margin(name):
    by_pattern = {pattern: [] for pattern in PATTERNS}
    for note_set in CORPUS[name]["note_sets"]:
        by_pattern[note_set["pattern"]].append(SCORES[name, note_set["name"]])
    others = max(score for p in PATTERNS[1:] for score in by_pattern[p])
    assert min(by_pattern["strong"]) - others >= STRONG_MARGIN, (name, by_pattern)


def test_every_corpus_scenario_is_in_a_half_of_the_gold():
    assert set(HALF) == {corpus["scenario"] for corpus in CORPUS.values()}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hire_notes_earn_a_hire_score(name):
    floor = HIRE_MIN if HALF[CORPUS[name]["scenario"]] == "dev" else HELD_OUT_HIRE_FLOOR
    for note_set in CORPUS[name]["note_sets"]:
        if note_set["pattern"] == "strong":
            assert SCORES[name, note_set["name"]] >= floor, (note_set["name"], floor)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_weak_buzzword_and_dismissive_notes_stay_near_nothing(name):
    for note_set in CORPUS[name]["note_sets"]:
        score = SCORES[name, note_set["name"]]
        if note_set["pattern"] in ("weak-wordy", "buzzwords"):
            assert score <= WEAK_MAX, (note_set["name"], score)
        elif note_set["pattern"] == "dismissive":
            assert score <= DISMISSIVE_MAX, (note_set["name"], score)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_buzzword_list_never_earns_half_the_notes_points(name):
    for note_set in CORPUS[name]["note_sets"]:
        if note_set["pattern"] == "buzzwords":
            assert SCORES[name, note_set["name"]] < NOTES_POINTS / 2, note_set["name"]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_line_of_buzzwords_per_step_does_not_lift_weak_notes(name):
    """The trick the issue found: weak notes plus one line of buzzwords per step."""
    corpus = CORPUS[name]
    sets = {s["name"]: s for s in corpus["note_sets"]}
    weak = next(s for s in corpus["note_sets"] if s["pattern"] == "weak-wordy")
    buzz = next(s for s in corpus["note_sets"] if s["pattern"] == "buzzwords")
    padded = {
        step: f"{weak['notes'].get(step, '')}\n{buzz['notes'].get(step, '')}" for step in STEP_IDS
    }
    score = _score(corpus["scenario"], padded)
    strong = min(SCORES[name, n] for n, s in sets.items() if s["pattern"] == "strong")
    assert score < strong - STRONG_MARGIN and score <= WEAK_MAX, score


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_strong_notes_are_never_read_as_dismissing_a_point(name):
    """False negations ("never leaks", "no PII") would cost a strong candidate points."""
    scenario = get_scenario(CORPUS[name]["scenario"])
    for note_set in CORPUS[name]["note_sets"]:
        if note_set["pattern"] != "strong":
            continue
        coverage = notes_coverage(note_set["notes"], scenario)
        negated = [
            (step, p.id, p.negation, p.sentence)
            for step, c in coverage.items()
            for p in c.points
            if p.status == "negated"
        ]
        assert negated == [], note_set["name"]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_dismissive_notes_have_their_dismissals_read(name):
    scenario = get_scenario(CORPUS[name]["scenario"])
    for note_set in CORPUS[name]["note_sets"]:
        if note_set["pattern"] != "dismissive":
            continue
        coverage = notes_coverage(note_set["notes"], scenario)
        negated = sum(len(c.with_status("negated")) for c in coverage.values())
        assert negated >= 5, f"{note_set['name']}: only {negated} points read as dismissed"
