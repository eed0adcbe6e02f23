"""Renderers: DOT and Mermaid text, PNG and SVG images."""

import io
import math
import re
import shutil
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from components.design import Design
from components.quick import parse_quick
from components.render import export, render_dot, to_dot, to_mermaid
from design_framework.rubric import check_design
from scenarios.loader import get_scenario, shipped_scenarios

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


def edge_labels(svg: bytes) -> dict[str, list[tuple[float, float, float, str]]]:
    """Per edge ("tail->head"), its path's points and its label texts (x, y, size, text)."""
    ns = "{http://www.w3.org/2000/svg}"
    found = {}
    for group in ElementTree.fromstring(svg).iter(f"{ns}g"):
        if group.get("class") != "edge":
            continue
        numbers = [
            float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", group.find(f"{ns}path").get("d"))
        ]
        controls = list(zip(numbers[::2], numbers[1::2], strict=True))
        points = [controls[0]]
        for i in range(1, len(controls) - 2, 3):  # M p0 C p1 p2 p3 (p1 p2 p3)...
            p0, p1, p2, p3 = controls[i - 1 : i + 3]
            for step in range(21):
                t = step / 20
                points.append(
                    tuple(
                        (1 - t) ** 3 * a
                        + 3 * (1 - t) ** 2 * t * b
                        + 3 * (1 - t) * t**2 * c
                        + t**3 * d
                        for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
                    )
                )
        texts = [
            (float(t.get("x")), float(t.get("y")), float(t.get("font-size")), t.text or "")
            for t in group.findall(f"{ns}text")
        ]
        found[group.find(f"{ns}title").text.replace("&#45;&gt;", "->")] = (points, texts)
    return found


@pytest.mark.parametrize("scenario_id", sorted(shipped_scenarios()))
def test_every_edge_label_is_drawn_beside_its_own_edge(scenario_id):
    """The issue's "label floats far from its edge": on an edge between two clusters (the
    feature store feeding a request-path stage) dot's label was left up to 50 pt from its
    path, on the border of a cluster (music-search-ranking), and one in artificial-streams
    was not drawn at all."""
    design = get_scenario(scenario_id).reference_design
    drawn = edge_labels(export(design, "svg"))
    for edge in design.edges:
        if not edge.label:
            continue
        points, texts = drawn[f"{edge.source}->{edge.target}"]
        assert [text for *_, text in texts] == [edge.label], f"{edge.source}->{edge.target}"
        x, y, size, text = texts[0]
        # the text's centre, within half its width (0.6 em a character, more than
        # Helvetica takes) plus 10 pt of some point of the edge's path
        reach = 0.3 * size * len(text) + 10
        gap = min(math.hypot(x - px, y - size / 3 - py) for px, py in points)
        assert gap <= reach, f"{text!r} is {gap:.0f} pt from {edge.source}->{edge.target}"


# ---- the design inside an exported picture (issue 21 item 6) ---------------------------------


def _placed_design() -> Design:
    from components.board import auto_layout

    design = auto_layout(hostile_design())  # positions, a title and labels that need escaping
    data = design.to_dict()
    data["notes"] = [{"text": "cache ]]> & <tags> stay text", "pos": {"x": 10, "y": 400}}]
    return Design.model_validate(data)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_an_exported_picture_reopens_as_the_same_design(fmt):
    from components.embedded import design_text

    design = _placed_design()
    picture = export(design, fmt)
    assert Design.from_string(design_text(picture, f"shared.{fmt}"), f"shared.{fmt}") == design


def test_the_picture_with_its_design_is_still_an_ordinary_image():
    design = get_scenario("skip-prediction").reference_design
    png = Image.open(io.BytesIO(export(design, "png")))
    png.load()  # every chunk read: the text chunk breaks no decoder
    assert png.format == "PNG" and "ml-whiteboard-design" in png.text
    svg = ElementTree.fromstring(export(design, "svg"))
    (metadata,) = svg.iter("{http://www.w3.org/2000/svg}metadata")
    assert "components:" in "".join(metadata.itertext())


def test_a_2x_png_has_twice_the_pixels_and_the_same_design():
    from components.embedded import design_text

    design = get_scenario("realtime-playlist-recs").reference_design
    one = Image.open(io.BytesIO(export(design, "png")))
    two_bytes = export(design, "png", scale=2)
    two = Image.open(io.BytesIO(two_bytes))
    assert abs(two.width - 2 * one.width) <= 2 and abs(two.height - 2 * one.height) <= 2
    assert Design.from_string(design_text(two_bytes, "x.png")) == design


def test_a_picture_without_a_design_is_refused_saying_so():
    from components.embedded import design_text
    from components.loading import InputError

    design = get_scenario("skip-prediction").reference_design
    plain_png = render_dot(to_dot(design), "png")  # drawn elsewhere: no design inside
    with pytest.raises(InputError) as caught:
        design_text(plain_png, "photo.png")
    assert str(caught.value).startswith("photo.png: this PNG holds no design:")
    with pytest.raises(InputError, match="drawing.svg: this SVG holds no design"):
        design_text(render_dot(to_dot(design), "svg"), "drawing.svg")
    damaged = bytearray(export(design, "png"))
    damaged[-40] ^= 0xFF  # inside the design's chunk: its CRC no longer matches
    with pytest.raises(InputError, match="shared.png: the PNG's iTXt chunk is damaged"):
        design_text(bytes(damaged), "shared.png")
    with pytest.raises(InputError, match="notes.png: not an SVG file"):
        design_text(b"just some text", "notes.png")
