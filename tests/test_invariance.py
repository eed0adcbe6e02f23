"""Equivalent drawings get the same verdicts (design.md, model v3).

Every design of the judgement suite is redrawn in the ways candidates also draw it
(tests/redraw.py: stars with and without answers, call-and-answer pairs, reads in call
direction, caches in front of stores, logging edges, an A/B service beside the path, ids and
labels renamed, edges reordered, explicit edge kinds) and each redrawing must get the
original's verdict on every rule.
"""

from collections import Counter

import pytest

from components.design import Design
from design_framework.rubric import check_design
from scenarios.loader import shipped_scenarios
from tests import redraw
from tests.judgement import load_suite

SUITE = load_suite()
PACK = shipped_scenarios()


def _verdicts(design, scenario) -> dict[str, str]:
    return {f.rule: f.status for f in check_design(design, scenario).findings}


@pytest.mark.parametrize("judged", SUITE, ids=[j.id for j in SUITE])
def test_every_redrawing_gets_the_same_verdicts(judged):
    scenario = PACK[judged.scenario]
    original = _verdicts(judged.design, scenario)
    differ = {}
    for name, design in redraw.redrawings(judged.design).items():
        got = _verdicts(design, scenario)
        changed = {
            r: f"{original[r]} -> {got.get(r)}" for r in original if got.get(r) != original[r]
        }
        if changed:
            differ[name] = changed
    assert not differ, differ


def test_the_suite_is_redrawn_at_least_ten_ways_per_design():
    counts = Counter()
    per_design = {}
    for judged in SUITE:
        names = list(redraw.redrawings(judged.design))
        counts.update(names)
        per_design[judged.id] = len(names)
    total = sum(per_design.values())
    print(f"\n{total:,} redrawings of {len(SUITE)} designs: {dict(sorted(counts.items()))}")
    # every redrawing applies somewhere, and a typical design is redrawn ten ways or more
    assert set(counts) == {r.__name__ for r in redraw.REDRAWINGS}
    assert sorted(per_design.values())[len(per_design) // 2] >= 10
    assert min(per_design.values()) >= 5


def _design(text: str) -> Design:
    from components.quick import parse_quick

    return parse_quick(text)


STAR = """\
client: client_app
client -> gateway(api_gateway) -> service(recommendation_service)
retrieval: candidate_generation out_k=1000
rank: ranker out_k=100
service -> retrieval
service -> rank
ann_index -> retrieval
feature_store -> rank
"""


def test_a_star_redrawn_as_a_chain_is_read_as_the_chain():
    chain = _design(STAR.replace("service -> rank", "retrieval -> rank"))
    star = _design(STAR)
    assert _verdicts(star, None) == _verdicts(chain, None)
    assert redraw.star(chain) is not None
