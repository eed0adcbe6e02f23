"""Design files: what loads, what is refused and how the refusal reads."""

import pytest

from components.design import Design
from components.loading import MAX_FILE_BYTES, InputError
from scenarios.loader import shipped_scenarios

GOOD = """\
version: 1
scenario: realtime-playlist-recs
title: My attempt
components:
  - id: client
    type: client_app
  - id: retrieval
    type: candidate_generation
    label: Two-tower + ANN
    params: {out_k: 10000, latency_ms: 20}
edges:
  - {from: client, to: retrieval, label: request}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        Design.from_string(text, "design.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_good_file_loads_with_params_and_labels():
    design = Design.from_string(GOOD, "design.yaml")
    assert design.component("retrieval").params.out_k == 10000
    assert design.edges[0].label == "request"
    graph = design.to_graph()
    assert graph.nodes["retrieval"]["latency_ms"] == 20
    assert graph.nodes["retrieval"]["role"] == "online"


def test_save_then_load_gives_the_same_design():
    design = Design.from_string(GOOD)
    assert Design.from_string(design.to_yaml()) == design


@pytest.mark.parametrize("scenario_id", sorted(shipped_scenarios()))
def test_every_reference_design_round_trips(scenario_id):
    design = shipped_scenarios()[scenario_id].reference_design
    assert Design.from_string(design.to_yaml()) == design


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("version: 1\ncomponents: [\n", "design.yaml:3: invalid YAML", id="malformed"),
        pytest.param(
            "- just\n- a list\n",
            "design.yaml:1: a design must be a YAML mapping",
            id="not-a-mapping",
        ),
        pytest.param("version: 2\n", "design.yaml:1: version:", id="wrong-version"),
        pytest.param(
            "version: 1\ncolour: red\n",
            "design.yaml:2: colour: unknown key (allowed: "
            "version, scenario, title, components, edges, notes)",
            id="unknown-top-key",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - id: r\n    type: rankr\n",
            "design.yaml:4: components.0.type: unknown component type 'rankr' "
            "(did you mean 'ranker'?)",
            id="unknown-type",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - {id: a, type: ranker}\n  - {id: a, type: filter}\n",
            "design.yaml:4: components.1.id: duplicate id 'a' (also components.0.id)",
            id="duplicate-id",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - {id: a, type: ranker}\nedges:\n  - {from: a, to: b}\n",
            "design.yaml:5: edges.0.to: no component has id 'b'",
            id="dangling-edge",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - {id: a, type: ranker, params: {out_k: -5}}\n",
            "design.yaml:3: components.0.params.out_k: Input should be greater than 0",
            id="negative-count",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - id: a\n    type: ranker\n    params:\n      latency_ms: .nan\n",
            "design.yaml:6: components.0.params.latency_ms: Input should be a finite number",
            id="nan",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - id: a\n    type: ranker\n    params:\n      latency_ms: .inf\n",
            "design.yaml:6: components.0.params.latency_ms: Input should be a finite number",
            id="inf",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - {id: a, type: ranker, params: {out_k: lots}}\n",
            "design.yaml:3: components.0.params.out_k: must be a number, not text",
            id="non-numeric",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - {id: a, type: ranker, params: {out_k: true}}\n",
            "design.yaml:3: components.0.params.out_k: must be a number, not true/false",
            id="boolean-count",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - {id: a, type: ranker, params: {speed: 3}}\n",
            "components.0.params.speed: unknown key (allowed: latency_ms, ms_per_1k_items, "
            "out_k, in_k, ms_per_1k_keys, workers, replicas)",
            id="unknown-param",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - {id: Bad Id, type: ranker}\n",
            "design.yaml:3: components.0.id: String should match pattern",
            id="bad-id",
        ),
        pytest.param(
            "version: 1\nversion: 1\n",
            "design.yaml:2: version: duplicate key (first on line 1)",
            id="duplicate-yaml-key",
        ),
        pytest.param(
            "version: 1\ncomponents:\n  - {id: a, type: ranker}\nedges:\n  - {from: a, to: a}\n",
            "design.yaml:5: edges.0: an edge from 'a' to itself",
            id="self-loop",
        ),
    ],
)
def test_bad_files_are_refused_with_file_path_and_line(text, expected):
    found = problems(text)
    assert any(expected in p for p in found), found


def test_a_yaml_alias_bomb_is_refused_before_it_expands():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    found = problems("\n".join(lines) + "\n")
    assert any("expands to over" in p and "refusing" in p for p in found), found


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("version: 1\n# " + "x" * MAX_FILE_BYTES + "\n")
    with pytest.raises(InputError) as caught:
        Design.from_path(big)
    assert (
        f"big.yaml: file is {big.stat().st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
        in str(caught.value)
    )


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read file"):
        Design.from_path(tmp_path / "nope.yaml")


def test_labels_full_of_markup_load_verbatim():
    text = 'version: 1\ncomponents:\n  - id: a\n    type: ranker\n    label: "say \\"hi\\" {x} <b>\\nnew line"\n'
    design = Design.from_string(text)
    assert design.component("a").label == 'say "hi" {x} <b>\nnew line'


def test_deeply_nested_yaml_is_an_input_error_not_a_crash():
    found = problems("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert any("design.yaml" in p and "invalid YAML" in p for p in found), found


def test_an_excerpt_numbers_the_lines_around_an_error_and_marks_it():
    from components.loading import excerpt

    text = "version: 1\ncomponents:\n  - {id: a, type: rankr}\nedges: []\n"
    assert excerpt(text, 3) == "  2 | components:\n> 3 |   - {id: a, type: rankr}\n  4 | edges: []"
    assert excerpt(text, 99) == ""


def test_an_edge_kind_outside_the_four_is_refused_with_its_line():
    text = (
        "version: 1\n"
        "components:\n"
        "  - {id: a, type: api_gateway}\n"
        "  - {id: b, type: ranker}\n"
        "edges:\n"
        "  - {from: a, to: b, kind: read}\n"
    )
    with pytest.raises(InputError) as caught:
        Design.from_string(text, "d.yaml")
    message = str(caught.value)
    assert "d.yaml:6: edges.0.kind:" in message and "'call'" in message
