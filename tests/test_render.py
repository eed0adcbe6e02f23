"""Renderers: DOT and Mermaid text, PNG and SVG images."""

import io
import re
import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image

from components.design import Design
from components.quick import parse_quick
from components.render import export, render_dot, to_dot, to_mermaid
from design_framework.rubric import check_design
from scenarios.loader import get_scenario

HOSTILE = 'He said "hi" \\ {braces} <b>bold</b> ]; evil [label="x"] -> y\nsecond line | & #'

PROGRAMS = [str(Path(sys.executable).with_name("graphviz-pure"))]
if shutil.which("dot"):
    PROGRAMS.append(shutil.which("dot"))


def hostile_design() -> Design:
    design = parse_quick("client: client_app\nclient -> ranker\nfeature_store -> ranker")
    data = design.to_dict()
    data["title"] = HOSTILE
    data["components"][1]["label"] = HOSTILE
    data["edges"][1]["label"] = HOSTILE
    return Design.model_validate(data)


def svg_nodes(svg: str) -> list[str]:
    return re.findall(r'<g id="node\d+" class="node">', svg)


@pytest.mark.parametrize("program", PROGRAMS)
def test_hostile_labels_neither_break_nor_inject_dot(program):
    design = hostile_design()
    svg = render_dot(to_dot(design), "svg", program=program).decode()
    assert len(svg_nodes(svg)) == 3  # client, ranker, feature_store: no injected node
    assert "evil" in svg and "bold" in svg  # the text is shown, as text
    assert "&lt;b&gt;bold&lt;/b&gt;" in svg


def test_hostile_labels_stay_inside_one_mermaid_label():
    text = to_mermaid(hostile_design())
    node_lines = [line for line in text.splitlines() if line.startswith("    c_")]
    assert len(node_lines) == 3
    for line in node_lines:
        label = re.fullmatch(r'    c_\w+[\[\(\{/]+"([^"]*)"[\]\)\}/]+', line)
        assert label, line
        assert not re.search(r"[<>{}\[\]|]", label.group(1).replace("<br/>", ""))
    assert "#34;hi#34;" in text  # quotes become entity codes


def test_mermaid_ids_survive_reserved_words_and_dashes():
    design = parse_quick("end: client_app\nmy-ranker: ranker\nmy_ranker: ranker\nend -> my-ranker")
    text = to_mermaid(design)
    assert "c_end" in text and "c_my_ranker" in text and "c_my_ranker_2" in text
    assert " end -->" not in text


def test_dot_shows_funnel_sizes_and_latency_on_nodes():
    scenario = get_scenario("realtime-playlist-recs")
    dot = to_dot(scenario.reference_design, catalog_size=scenario.requirements.catalog_size)
    assert (
        "400 → 100 items\\n25.4 ms" in dot
    )  # the ranker: 10 + 10 for 400 items + 5.4 feature read
    assert "100M → 1k items" in dot  # a retrieval channel scans the catalog
    assert "cluster_request" in dot and "cluster_offline" in dot


def test_failing_nodes_are_outlined_and_the_critical_path_drawn():
    scenario = get_scenario("realtime-playlist-recs")
    design = parse_quick(
        "client: client_app\nretrieval: candidate_generation out_k=100000\n"
        "client -> gateway(api_gateway) -> retrieval -> ranker"
    )
    report = check_design(design, scenario)
    dot = to_dot(design, report)
    ranker_line = next(line for line in dot.splitlines() if line.strip().startswith('"ranker" ['))
    assert 'color="#E22134"' in ranker_line and "penwidth=3" in ranker_line
    assert re.search(r'"retrieval" -> "ranker" \[penwidth=2.2, color="#E22134"\]', dot)


@pytest.mark.parametrize("program", PROGRAMS)
def test_png_export_is_a_real_png(program):
    scenario = get_scenario("realtime-playlist-recs")
    png = render_dot(to_dot(scenario.reference_design), "png", program=program)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 800 and height > 300
    assert len(png) > 20_000


def test_export_gives_every_format():
    design = get_scenario("realtime-playlist-recs").reference_design
    assert export(design, "svg").startswith(b"<?xml")
    assert export(design, "dot").startswith(b"digraph design {")
    assert export(design, "mmd").startswith(b"flowchart LR")
    assert Design.from_string(export(design, "yaml").decode()) == design
    with pytest.raises(ValueError, match="unsupported image format"):
        render_dot("digraph {}", "gif")


def test_exported_images_have_an_opaque_background_white_unless_dark():
    scenario = get_scenario("skip-prediction")
    light = export(scenario.reference_design, "svg")
    dark = export(scenario.reference_design, "svg", dark=True)
    assert 'fill="#ffffff"' in light.decode().lower() and "transparent" not in light.decode()
    assert 'fill="#121212"' in dark.decode().lower()
    png = export(scenario.reference_design, "png")
    corner = Image.open(io.BytesIO(png)).convert("RGBA").getpixel((0, 0))
    assert corner == (255, 255, 255, 255)  # not transparent: arrows stay visible on dark pages
