"""Property-based: random designs and random files never crash anything with an untyped error."""

import contextlib
import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components import analysis
from components.catalog import load_catalog
from components.design import Design, allowed_params
from components.loading import InputError
from components.render import to_dot, to_mermaid
from design_framework.rubric import RULE_MODULES, check_design
from scenarios.loader import get_scenario

CATALOG = load_catalog()
GRAPHVIZ_PURE = str(Path(sys.executable).with_name("graphviz-pure"))
TYPED_ANALYSIS_ERRORS = (analysis.RequestPathCycle,)


PARAM_VALUES = {
    "out_k": st.integers(1, 10_000_000),
    "in_k": st.integers(1, 10_000_000),
    "latency_ms": st.floats(0, 5_000, allow_nan=False),
    "ms_per_1k_items": st.floats(0, 100, allow_nan=False),
    "ms_per_1k_keys": st.floats(0, 100, allow_nan=False),
    "workers": st.integers(1, 100_000),
    "replicas": st.integers(1, 100_000),
}


@st.composite
def designs(draw, max_nodes=14):
    count = draw(st.integers(1, max_nodes))
    components = []
    for index in range(count):
        component = {"id": f"n{index}", "type": draw(st.sampled_from(CATALOG.ids))}
        allowed = allowed_params(CATALOG.get(component["type"]))
        params = draw(
            st.fixed_dictionaries(
                {},
                optional={k: v for k, v in PARAM_VALUES.items() if k in allowed},
            )
        )
        if params:
            component["params"] = params
        if draw(st.booleans()):
            component["label"] = draw(st.text(max_size=40))
        components.append(component)
    pairs = st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)).filter(
        lambda p: p[0] != p[1]
    )
    edges = draw(st.lists(pairs, max_size=count * 2, unique=True))
    return Design.model_validate(
        {
            "version": 1,
            "components": components,
            "edges": [{"from": f"n{a}", "to": f"n{b}"} for a, b in edges],
        }
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_rubric_never_crashes_on_a_valid_design(design):
    for scenario in (None, get_scenario("realtime-playlist-recs")):
        report = check_design(design, scenario)
        assert 0 <= report.score <= 100
        assert {f.status for f in report.findings} <= {"pass", "fail", "warn", "skip"}
        assert len({f.rule for f in report.findings}) == len(RULE_MODULES)


@settings(max_examples=300, deadline=None)
@given(designs())
def test_analysis_returns_numbers_or_a_typed_cycle(design):
    graph = design.to_graph()
    try:
        report = analysis.critical_path(graph)
    except TYPED_ANALYSIS_ERRORS:
        return
    assert report.total_ms >= 0
    if report.path:
        assert graph.nodes[report.path[0]]["role"] == "entry"


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["version", "components", "edges", "title", "scenario", "extra"]),
        yaml_values,
        max_size=5,
    )
)
def test_the_loader_refuses_junk_only_with_an_input_error(data):
    text = yaml.safe_dump(data)
    try:
        Design.from_string(text, "junk.yaml")
    except InputError as error:
        assert all(str(p).startswith("junk.yaml") for p in error.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_is_refused_only_with_an_input_error(text):
    with contextlib.suppress(InputError):
        Design.from_string(text, "text.yaml")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs(max_nodes=10))
def test_dot_accepts_the_rendering_of_any_valid_design(design):
    done = subprocess.run(
        [GRAPHVIZ_PURE, "-Tsvg"],
        input=to_dot(design).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.count(b'class="node"') == len(design.components)
    assert to_mermaid(design).startswith("flowchart LR")
