"""Notes and board agree (design_framework/consistency.py): the corpus in
tests/fixtures/consistency/, one test per case, and the reading of numbers in the notes."""

from pathlib import Path

import pytest
import yaml

from components.quick import parse_quick
from design_framework.consistency import mismatch_line, mismatches, stated_numbers
from scenarios.loader import get_scenario

CORPUS = Path(__file__).parent / "fixtures" / "consistency"


def corpus():
    for file in sorted(CORPUS.glob("*.yaml")):
        for case in yaml.safe_load(file.read_text())["cases"]:
            yield pytest.param(case, id=f"{file.stem}: {case['name']}")


def design_of(case, scenario):
    if case["design"] == "reference":
        return scenario.reference_design
    return parse_quick(case["design"])


@pytest.mark.parametrize("case", list(corpus()))
def test_corpus(case):
    scenario = get_scenario(case["scenario"])
    found = mismatches(case["notes"], design_of(case, scenario), scenario)
    got = [(m.kind, m.notes_value, m.board_value, m.against) for m in found]
    expected = [
        (e["kind"], e["notes"], e["board"], e.get("against", "board")) for e in case["expect"]
    ]
    assert len(got) == len(expected), [m.message for m in found]
    for (kind, notes, board, against), want in zip(got, expected, strict=True):
        assert (kind, against) == (want[0], want[3]), [m.message for m in found]
        assert notes == pytest.approx(want[1], rel=0.01)
        assert board == pytest.approx(want[2], rel=0.01)


def one(text, step="model"):
    found = stated_numbers({step: text})
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("p99 under 200 ms", "latency_budget", 200),
        ("200ms end to end", "latency_budget", 200),
        ("a 0.2 s budget", "latency_budget", 200),
        ("15k QPS", "peak_qps", 15_000),
        ("15,000 requests per second", "peak_qps", 15_000),
        ("1.5M rps", "peak_qps", 1_500_000),
        ("show 20 tracks", "slate_size", 20),
        ("a slate of 30", "slate_size", 30),
        ("a catalog of 5 million episodes", "catalog_size", 5_000_000),
        ("the nightly job must finish in 4 hours", "batch_window", 4),
        ("a 6h window for the batch run", "batch_window", 6),
        ("40 ranker replicas", "replicas", 40),
        ("run 12 pods of the model server", "replicas", 12),
    ],
)
def test_a_figure_is_read_with_its_unit_normalised(text, kind, value):
    stated = one(text)
    assert (stated.kind, stated.value) == (kind, value)


@pytest.mark.parametrize(
    ("text", "stage", "side", "value"),
    [
        ("retrieve 10k candidates", "candidate_generation", "out", 10_000),
        ("the ranker scores 500", "ranker", "in", 500),
        ("the pre-ranker cuts to 2,000", "pre_ranker", "out", 2_000),
        ("top 1,000 from ANN", "candidate_generation", "out", 1_000),
        ("re-ranker 30", "re_ranker", "either", 30),
    ],
)
def test_a_count_is_tied_to_its_stage_and_side(text, stage, side, value):
    stated = one(text)
    assert (stated.kind, stated.stage, stated.side, stated.value) == (
        "candidates",
        stage,
        side,
        value,
    )


def test_the_quote_and_offset_point_at_the_words_in_the_step():
    text = "We keep it simple. Then the ranker scores 1,000 candidates with a GBDT."
    stated = one(text, "model")
    assert stated.step == "model"
    assert text[stated.start : stated.start + len(stated.quote)] == stated.quote
    assert stated.quote == "ranker scores 1,000 candidates"


def test_a_range_keeps_both_ends_and_a_budget_takes_the_upper():
    budget = one("p99 of 100-200 ms")
    assert (budget.value, budget.low, budget.high, budget.bound) == (200, 100, 200, "range")
    count = one("the ranker scores 300 to 500 candidates")
    assert (count.low, count.high) == (300, 500)


def test_approximate_words_and_bounds_are_kept():
    assert one("retrieve about 2k candidates").approximate
    assert one("~15k QPS at peak").approximate
    assert one("over 100M tracks").bound == "lower"
    assert one("p99 under 200 ms").bound == "upper"


@pytest.mark.parametrize(
    "text",
    [
        "not 500 ms end to end",
        "if we had 1B items we would shard",
        "Should the ranker score 2,000 candidates?",
        "a DNN ranker on 100 candidates vs a GBDT on 1,000",
        "the old ranker used to score 5,000 candidates",
        "300M users",
        "we keep the user's top 10 artists",
        "recall@100 and NDCG@10",
        "the ranker uses 500 trees",
        "feature lookups within 10 ms at p99",
        "8M events per second on average",
        "at most 2 tracks per artist in the re-ranker",
        "Flink counters over 1-hour tumbling windows must finish",
    ],
)
def test_what_commits_to_no_figure_is_not_read(text):
    assert stated_numbers({"model": text}) == []


def test_no_more_than_is_a_bound_not_a_negation():
    assert one("no more than 200 ms end to end").value == 200


def test_the_message_names_the_step_both_figures_and_the_nodes():
    scenario = get_scenario("realtime-playlist-recs")
    (found,) = mismatches(
        {"model": "The ranker scores 500 candidates."}, scenario.reference_design, scenario
    )
    assert found.message == (
        'Notes (Model development): "ranker scores 500 candidates"; board: rank takes 400 '
        "from prerank."
    )
    assert found.nodes == ("rank",)
    assert mismatch_line(found).startswith("candidates: Notes (Model development)")
