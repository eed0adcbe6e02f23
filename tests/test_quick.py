"""Quick text: the whiteboard's shorthand reads what it writes, and names bad lines."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.loading import InputError
from components.quick import parse_quick, to_quick
from scenarios.loader import shipped_scenarios
from tests.test_properties import designs


@pytest.mark.parametrize("scenario_id", sorted(shipped_scenarios()))
def test_every_reference_design_round_trips(scenario_id):
    design = shipped_scenarios()[scenario_id].reference_design.model_copy(update={"title": None})
    assert parse_quick(to_quick(design)) == design


@settings(max_examples=300, deadline=None)
@given(designs())
def test_any_design_round_trips(design):
    assert parse_quick(to_quick(design)) == design


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
def test_any_labels_round_trip(component_label, edge_label):
    design = parse_quick("client: client_app\nclient -> ranker")
    data = design.to_dict()
    data["components"][1]["label"] = component_label
    data["edges"][0]["label"] = edge_label
    design = type(design).model_validate(data)
    assert parse_quick(to_quick(design)) == design


def test_comments_quotes_and_inline_declarations():
    design = parse_quick(
        "# the request path\n"
        'retrieval: candidate_generation out_k=1_000 "Two-tower -> ANN #1"  # main channel\n'
        "client: client_app\n"
        "client -> gateway(api_gateway) -> retrieval -> ranker  # ranked\n"
        'feature_store -> ranker : "top #1 features"\n'
        "retrieval -> filter : plain label # a comment\n"
    )
    assert design.component("retrieval").label == "Two-tower -> ANN #1"
    assert design.component("retrieval").params.out_k == 1000
    assert design.component("gateway").type == "api_gateway"
    labels = {(e.source, e.target): e.label for e in design.edges}
    assert labels[("feature_store", "ranker")] == "top #1 features"
    assert labels[("retrieval", "filter")] == "plain label"
    assert labels[("client", "gateway")] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x: rankr", "q:1: unknown component type 'rankr'"),
        ("a -> b", "q:1: 'a' is not declared; write `a: TYPE` or a(TYPE)"),
        ("r: ranker speed=3", "q:1: unknown parameter 'speed'"),
        ("r: ranker out_k=ten", "q:1: out_k must be a number, not 'ten'"),
        ('r: ranker "unclosed', "q:1: unbalanced quote"),
        ("client: client_app\njust words", "q:2: expected `id: type ...` or `a -> b`"),
        ("r: ranker\nr: filter", "q:2: 'r' is already a ranker (line 1)"),
        ("client: client_app\nclient -> -> ranker", "q:2: an edge needs a component on each side"),
        ("g: api_gateway out_k=5", "q:1: components.0.params.out_k: not used by api_gateway"),
    ],
)
def test_bad_lines_are_named(text, expected):
    with pytest.raises(InputError) as caught:
        parse_quick(text, "q")
    assert any(expected in str(p) for p in caught.value.problems), caught.value


def test_an_edge_kind_in_brackets_is_kept_and_written_back():
    design = parse_quick(
        "client: client_app\n"
        "client -> svc(recommendation_service) -> ab(ab_testing) [call] : variant?\n"
        "svc -> data_lake [write]\n"
    )
    kinds = {(e.source, e.target): e.kind for e in design.edges}
    assert kinds == {
        ("client", "svc"): "call",
        ("svc", "ab"): "call",
        ("svc", "data_lake"): "write",
    }
    assert "svc -> data_lake [write]" in to_quick(design)
    assert parse_quick(to_quick(design)) == design


def test_an_unknown_edge_kind_names_the_line_and_the_kinds():
    with pytest.raises(InputError) as caught:
        parse_quick("client: client_app\nclient -> gateway(api_gateway) [read]\n")
    assert "<quick text>:2: unknown edge kind 'read' (kinds: data, call, write, deploy)" in str(
        caught.value
    )
