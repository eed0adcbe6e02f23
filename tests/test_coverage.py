"""Notes coverage, driven by tests/fixtures/coverage.yaml.

Every checklist point has sentences that must cover it and sentences that must not; named
cases pin plurals, hyphens, abbreviations, spellings and substring traps; trade-off cases
pin which sentences count as a justified choice.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from design_framework.coverage import (
    STATUSES,
    cover_points,
    find_tradeoffs,
    load_terms,
    normalize,
    notes_coverage,
    phrase_matches,
    step_coverage,
)
from design_framework.steps import Point, load_framework
from scenarios.loader import get_scenario, shipped_scenarios

FIXTURE_PATH = Path(__file__).parent / "fixtures" / "coverage.yaml"
FIXTURE = yaml.safe_load(FIXTURE_PATH.read_text())
FRAMEWORK = load_framework()


@dataclass(frozen=True)
class Case:
    """One expectation: notes against a point (or, with ``tradeoffs``, the trade-offs found)."""

    notes: str
    point: Point | None = None
    covered: bool | None = None
    """For checklist cases: whether the point is covered; for matching cases: whether its
    phrases are found at all (any status but missing)."""
    named_only: bool = False
    matched: list[str] | None = None
    evidence: list[str] | None = None
    tradeoffs: list[str] | None = None


def _cases():
    for step_id, points in FIXTURE["checklist"].items():
        step = FRAMEWORK.get(step_id)
        for point_id, sentences in points.items():
            point = step.point(point_id)
            for verb, covered in (("covers", True), ("misses", False)):
                for number, sentence in enumerate(sentences.get(verb, []), 1):
                    case = Case(sentence, point, covered)
                    yield pytest.param(case, id=f"{step_id}.{point_id}-{verb}-{number}")
    for case in FIXTURE["matching"]:
        point = Point(id="case", text=case["name"], phrases=case["phrases"])
        expected = Case(
            case["notes"],
            point,
            case["named"],
            named_only=True,
            matched=case.get("matched"),
            evidence=case.get("evidence"),
        )
        yield pytest.param(expected, id=f"matching-{case['name']}")
    for case in FIXTURE["tradeoffs"]:
        yield pytest.param(
            Case(case["notes"], tradeoffs=case["found"]), id=f"tradeoff-{case['name']}"
        )


def _status_cases():
    for case in FIXTURE["statuses"]:
        yield pytest.param(case, id=f"status-{case['status']}-{case['name']}")


@pytest.mark.parametrize("case", list(_status_cases()))
def test_status_case(case):
    step_id, point_id = case["point"].split(".")
    coverage = step_coverage(case["notes"], step_id)  # the whole step: credits are shared
    [result] = [point for point in coverage.checklist if point.id == point_id]
    assert result.status == case["status"], (
        f"{case['notes']!r}: expected {case['status']}, got {result.status} "
        f"({result.reason or result.negation}) on {result.evidence}"
    )
    if "negation" in case:
        assert result.negation == case["negation"]
    if "reason" in case:
        assert result.reason == case["reason"]
    for words in case.get("evidence", []):
        assert words in result.evidence, (words, result.evidence)
    if result.status != "missing":
        assert result.sentence and result.sentence in case["notes"]
    if result.status == "negated":
        assert result.negation, "a negated point shows the words that negated it"


def test_every_status_has_cases():
    assert {case["status"] for case in FIXTURE["statuses"]} == set(STATUSES)


@pytest.mark.parametrize("case", list(_cases()))
def test_coverage_case(case: Case):
    if case.tradeoffs is not None:
        assert find_tradeoffs(case.notes) == case.tradeoffs
        return
    [result] = cover_points(case.notes, [case.point])
    if case.named_only:
        assert (result.status != "missing") is case.covered, (case.notes, result)
        if case.matched is not None:
            assert result.matched == case.matched
        if case.evidence is not None:
            assert result.evidence == case.evidence
        return
    assert result.covered is case.covered, (
        f"{case.notes!r}: expected covered={case.covered}, got {result.status} "
        f"({result.reason or result.negation}), matched {result.matched} "
        f"on {result.evidence} (normalized: {normalize(case.notes)!r})"
    )
    assert (result.id, result.text) == (case.point.id, case.point.text)
    if case.covered:
        assert result.matched or result.evidence
    if case.matched is not None:
        assert result.matched == case.matched
    if case.evidence is not None:
        assert result.evidence == case.evidence


def test_every_checklist_point_has_a_sentence_that_covers_it_and_one_that_does_not():
    missing = []
    for step in FRAMEWORK.steps:
        fixtures = FIXTURE["checklist"].get(step.id, {})
        for point in step.checklist:
            sentences = fixtures.get(point.id, {})
            for verb in ("covers", "misses"):
                if not sentences.get(verb):
                    missing.append(f"{step.id}.{point.id}: no '{verb}' sentence")
    assert missing == [], "\n".join(missing)


def test_the_fixture_names_only_real_steps_and_points():
    unknown = [
        f"{step_id}.{point_id}"
        for step_id, points in FIXTURE["checklist"].items()
        for point_id in points
        if step_id not in FRAMEWORK.ids or point_id not in FRAMEWORK.get(step_id).point_ids
    ]
    assert unknown == []


def _every_point():
    for step in FRAMEWORK.steps:
        for point in step.checklist:
            yield pytest.param(point, id=f"steps.{step.id}.{point.id}")
    for scenario_id, scenario in sorted(shipped_scenarios().items()):
        for step_id, guide in scenario.steps.items():
            for point in guide.signals:
                yield pytest.param(point, id=f"{scenario_id}.{step_id}.{point.id}")


@pytest.mark.parametrize("point", list(_every_point()))
def test_every_phrase_shipped_can_match_its_own_words(point):
    for phrase in point.phrases:
        assert normalize(phrase), f"{phrase!r} has no words to match"
        [result] = cover_points(f"We said: {phrase}.", [point])
        assert phrase in result.matched, f"{phrase!r} does not match itself"


@pytest.mark.parametrize(
    "group", load_terms().synonyms, ids=lambda group: group[0].replace(" ", "-")
)
def test_every_abbreviation_and_long_form_find_each_other_both_ways(group):
    for written in group:
        for searched in group:
            assert phrase_matches(f"Notes: {written}.", searched), f"{searched!r} in {written!r}"


def test_step_coverage_adds_the_scenario_signals_and_the_trade_offs():
    scenario = get_scenario("realtime-playlist-recs")
    notes = (
        "Peak is 40k QPS with a 200 ms budget at p99. "
        "Recommendations must refresh in real-time as tracks are added. "
        "We chose a two-tower model over matrix factorisation because it uses context."
    )
    result = step_coverage(notes, "requirements", scenario)
    assert result.step_id == "requirements"
    assert [point.id for point in result.checklist] == FRAMEWORK.get("requirements").point_ids
    assert [point.id for point in result.signals] == [
        signal.id for signal in scenario.steps["requirements"].signals
    ]
    covered = {point.id for point in result.points if point.covered}
    assert {"scale", "latency", "batch_or_realtime", "latency_budget", "session_context"} <= covered
    assert "privacy" not in covered
    assert result.tradeoffs == [
        "We chose a two-tower model over matrix factorisation because it uses context."
    ]
    assert result.ratio == pytest.approx(result.covered / result.total)
    assert result.total == len(result.checklist) + len(result.signals)
    assert {point.id for point in result.missing} == {
        point.id for point in result.points if not point.covered
    }


def test_step_coverage_without_a_scenario_has_no_signals():
    result = step_coverage("Offline NDCG first, then an A/B test.", "evaluation")
    assert result.signals == []
    assert {p.id for p in result.checklist if p.covered} == {"offline_metrics", "online_test"}
    assert result.ratio == pytest.approx(2 / len(FRAMEWORK.get("evaluation").checklist))


def test_empty_notes_cover_nothing():
    result = step_coverage("", "serving", get_scenario("realtime-playlist-recs"))
    assert result.covered == 0 and result.ratio == 0.0 and result.tradeoffs == []


def test_unknown_step_is_an_error_naming_the_steps():
    with pytest.raises(KeyError, match="requirements, framing"):
        step_coverage("notes", "deployment")


def test_notes_coverage_walks_every_step_in_order():
    result = notes_coverage({"serving": "Canary, then rollback if p99 grows."})
    assert list(result) == FRAMEWORK.ids
    assert result["serving"].covered >= 1
    assert result["data"].covered == 0


def test_evidence_quotes_the_notes_as_written():
    [result] = cover_points(
        "Serve from the Feature-Stores; ANN via HNSW.",
        [Point(id="p", text="t", phrases=["feature store", "approximate nearest neighbour"])],
    )
    assert result.matched == ["feature store", "approximate nearest neighbour"]
    assert result.evidence == ["Feature-Stores", "ANN"]


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)


@given(
    words=st.lists(WORDS, min_size=1, max_size=4),
    before=st.lists(WORDS, max_size=4),
    after=st.lists(WORDS, max_size=4),
    separator=st.sampled_from([" ", "-", "  ", " - "]),
    upper=st.booleans(),
)
def test_a_phrase_is_found_whatever_the_case_and_separators(words, before, after, separator, upper):
    phrase = " ".join(words)
    written = separator.join(words)
    notes = " ".join([*before, written.upper() if upper else written, *after]) + "."
    [result] = cover_points(notes, [Point(id="p", text="t", phrases=[phrase])])
    assert result.status != "missing" and result.matched == [phrase]


NOTES_ALPHABET = st.sampled_from(
    list("abcdefghij klmnop")
    + [
        " no ",
        " won't ",
        " 15k ",
        " ms ",
        ", ",
        ". ",
        "\n- ",
        ": ",
        "?",
        " vs. ",
        " because ",
        "A/B",
        " skip ",
        " not needed",
        "1.",
        "\u00e9",
        " -> ",
    ]
)


@settings(deadline=None)  # the first example loads and caches the word tables
@given(notes=st.lists(NOTES_ALPHABET, max_size=60).map("".join))
def test_any_notes_get_a_valid_status_for_every_point_with_evidence_from_them(notes):
    for step_id in ("requirements", "evaluation", "serving"):
        coverage = step_coverage(notes, step_id)
        for point in coverage.points:
            assert point.status in STATUSES
            if point.status == "missing":
                assert not point.evidence and not point.sentence
            else:
                assert point.sentence in notes
            if point.status == "negated":
                assert point.negation and all(n in notes for n in point.negation)
        assert all(sentence in notes for sentence in coverage.tradeoffs + coverage.reasons)
