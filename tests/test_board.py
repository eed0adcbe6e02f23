"""The canvas's side of a design: positions and sticky notes in design files, the layout of
unplaced nodes, the draw cap, what the board is sent and how what it sends back is taken."""

import pytest

from components.board import (
    FIT_RULE,
    MAX_DRAWN_COMPONENTS,
    MIN_LABEL_PX,
    NODE_BOX,
    BoardError,
    auto_layout,
    board_data,
    board_marks,
    catalog_data,
    design_from_board,
    edit_board_px,
    fitted_height,
    graphviz_layout,
    layered_layout,
    place,
    readable_fit,
    span_of,
    too_large_to_draw,
)
from components.catalog import load_catalog
from components.design import Design, allowed_params
from components.loading import InputError
from components.quick import to_quick
from design_framework.rubric import check_design
from scenarios.loader import get_scenario, shipped_scenarios

PLACED = """\
version: 1
components:
  - id: client
    type: client_app
    pos: {x: 0, y: 0}
  - id: ranker
    type: ranker
    params: {out_k: 50}
    pos: {x: 240.5, y: -30}
edges:
  - {from: client, to: ranker}
notes:
  - text: ask about cold start
    pos: {x: 10, y: 300}
  - text: unplaced note
"""


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        Design.from_string(text, "design.yaml")
    return [str(p) for p in caught.value.problems]


def test_positions_and_notes_load_and_round_trip_through_yaml():
    design = Design.from_string(PLACED, "design.yaml")
    assert design.component("ranker").pos.x == 240.5
    assert [n.text for n in design.notes] == ["ask about cold start", "unplaced note"]
    assert design.notes[1].pos is None
    text = design.to_yaml()
    assert "pos: {x: 0, y: 0}" in text  # whole pixels written without .0
    assert Design.from_string(text) == design


def test_a_design_without_positions_or_notes_saves_as_before():
    design = get_scenario("skip-prediction").reference_design
    assert "pos:" not in design.to_yaml() and "notes:" not in design.to_yaml()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            PLACED.replace("pos: {x: 0, y: 0}", 'pos: {x: "0", y: 0}'),
            "design.yaml:5: components.0.pos.x:",
            id="quoted-coordinate",
        ),
        pytest.param(
            PLACED.replace("pos: {x: 0, y: 0}", "pos: {x: 0}"),
            "design.yaml:5: components.0.pos.y:",
            id="missing-y",
        ),
        pytest.param(
            PLACED.replace("pos: {x: 0, y: 0}", "pos: {x: .nan, y: 0}"),
            "design.yaml:5: components.0.pos.x:",
            id="nan",
        ),
        pytest.param(
            PLACED.replace("  - text: unplaced note", "  - text: unplaced note\n    colour: red"),
            "design.yaml:16: notes.1.colour:",
            id="unknown-note-key",
        ),
    ],
)
def test_bad_positions_and_notes_are_refused_with_the_line(text, expected):
    assert any(p.startswith(expected) for p in problems(text)), problems(text)


def test_the_rubric_never_reads_positions_or_notes():
    scenario = get_scenario("realtime-playlist-recs")
    bare = scenario.reference_design
    placed = auto_layout(bare)
    assert all(c.pos is not None for c in placed.components)
    before = [(f.rule, f.status, f.message) for f in check_design(bare, scenario).findings]
    after = [(f.rule, f.status, f.message) for f in check_design(placed, scenario).findings]
    assert before == after


def test_quick_text_drops_positions():
    design = Design.from_string(PLACED)
    assert "pos" not in to_quick(design) and "240" not in to_quick(design)


@pytest.mark.parametrize("scenario_id", sorted(shipped_scenarios()))
def test_layout_of_every_reference_design_puts_no_two_boxes_in_one_place(scenario_id):
    design = shipped_scenarios()[scenario_id].reference_design
    positions = layered_layout(design)
    assert set(positions) == {c.id for c in design.components}
    assert len(set(positions.values())) == len(positions)
    graph = design.to_graph()
    request = [positions[n][1] for n in graph if graph.nodes[n]["role"] in ("entry", "online")]
    pipeline = [positions[n][1] for n in graph if graph.nodes[n]["role"] in ("offline",)]
    if request and pipeline:
        assert max(request) < min(pipeline)  # the request path above the batch pipeline


def test_layout_runs_along_the_request_path():
    scenario = get_scenario("realtime-playlist-recs")
    positions = layered_layout(scenario.reference_design)
    x = {n: p[0] for n, p in positions.items()}
    assert x["client"] < x["gateway"] < x["service"] < x["prerank"] < x["rank"] < x["rerank"]


@pytest.mark.parametrize("scenario_id", sorted(shipped_scenarios()))
def test_graphviz_lays_out_every_reference_design_with_no_box_over_another(scenario_id):
    design = shipped_scenarios()[scenario_id].reference_design
    positions = graphviz_layout(design)
    assert positions is not None and set(positions) == {c.id for c in design.components}
    width, height = 190, 60  # the widest box the board draws, three lines high
    boxes = sorted(positions.items())
    for i, (a, (ax, ay)) in enumerate(boxes):
        for b, (bx, by) in boxes[i + 1 :]:
            apart = abs(ax - bx) >= width or abs(ay - by) >= height
            assert apart, f"{a} at {(ax, ay)} and {b} at {(bx, by)} overlap"


def test_auto_layout_draws_the_request_path_left_to_right_above_the_pipelines():
    design = get_scenario("realtime-playlist-recs").reference_design
    wide = (2600, 1200)  # a board the whole design fits at full size: nothing wraps
    placed = {c.id: c.pos for c in auto_layout(design, board=wide).components}
    path = ["client", "gateway", "experiment", "service", "two_tower", "heard", "prerank"]
    assert [placed[n].x for n in path] == sorted(placed[n].x for n in path)
    assert placed["rank"].x < placed["rerank"].x
    request_rows = {placed[n].y for n in ("client", "gateway", "service", "rank", "rerank")}
    assert len(request_rows) == 1  # one straight row
    pipelines = ("lake", "etl", "train", "registry", "embed")
    assert min(placed[n].y for n in pipelines) > max(
        placed[n].y for n in ("features", "track_index", "cooc_store")
    )  # batch below the stores, the stores below the request path
    assert min(placed[n].y for n in ("features", "track_index")) > placed["rank"].y


def _span(design):
    return span_of([(c.pos.x, c.pos.y) for c in design.components])


@pytest.mark.parametrize("scenario_id", sorted(shipped_scenarios()))
@pytest.mark.parametrize("page_width", [1280, 1440])
def test_after_auto_layout_every_reference_design_reads_at_11_px_panned_down_at_most(
    scenario_id, page_width
):
    """Issue 21: labels of at least 11 px on screen; where the whole design does not fit
    at that size, its width does, so the user only scrolls down the board."""
    board = edit_board_px(page_width)
    design = shipped_scenarios()[scenario_id].reference_design
    span = _span(auto_layout(design, board=board))
    fit = readable_fit(span, board)
    assert fit["label_px"] >= MIN_LABEL_PX - 1e-9
    usable_width = board[0] / (1 + FIT_RULE["padding"])
    assert span[0] * fit["zoom"] <= usable_width + 1e-6, "the board pans sideways"
    # what the wrapping buys: the same design in one long band pans sideways at 11 px
    unwrapped = _span(auto_layout(design, board=(10_000, 10_000)))
    assert unwrapped[0] * FIT_RULE["minZoom"] > usable_width


@pytest.mark.parametrize("page_width", [1280, 1440])
@pytest.mark.parametrize("scenario_id", sorted(shipped_scenarios()))
def test_auto_layout_puts_no_box_over_another(scenario_id, page_width):
    design = shipped_scenarios()[scenario_id].reference_design
    placed = auto_layout(design, board=edit_board_px(page_width))
    width, height = NODE_BOX  # the most room a box takes on the board
    boxes = sorted((c.id, c.pos.x, c.pos.y) for c in placed.components)
    for i, (a, ax, ay) in enumerate(boxes):
        for b, bx, by in boxes[i + 1 :]:
            apart = abs(ax - bx) >= width or abs(ay - by) >= height
            assert apart, f"{a} at {(ax, ay)} and {b} at {(bx, by)} overlap"


def test_a_long_request_path_wraps_into_rows_that_read_left_to_right():
    design = get_scenario("realtime-playlist-recs").reference_design
    placed = {c.id: c.pos for c in auto_layout(design, board=edit_board_px(1280)).components}
    path = ["client", "gateway", "experiment", "service", "prerank", "rank", "rerank"]
    rows = sorted({placed[n].y for n in path})
    assert len(rows) >= 2  # wrapped: one row would be 1,900 px wide
    reading = sorted(path, key=lambda n: (placed[n].y, placed[n].x))
    assert reading == path  # row by row, left to right, as text wraps
    xs = [p.x for p in placed.values()]
    assert max(xs) - min(xs) + NODE_BOX[0] <= edit_board_px(1280)[0]


def test_the_fit_rule_never_draws_labels_under_11_px():
    board = (800, 600)
    small = readable_fit((400, 200), board)
    assert not small["pans"] and small["zoom"] == FIT_RULE["maxZoom"]
    tall = readable_fit((700, 3000), board)  # its width fits: fitted to it, scrolled down
    assert tall["pans"] and tall["label_px"] == pytest.approx(13 * 800 / 1.1 / 700)
    huge = readable_fit((5000, 3000), board)  # not even its width: the minimum, panned
    assert huge["pans"] and huge["label_px"] == pytest.approx(MIN_LABEL_PX, abs=0.01)


def test_a_full_width_view_is_as_tall_as_the_design_needs():
    big = get_scenario("realtime-playlist-recs").reference_design
    small = Design.model_validate(
        {"components": [{"id": "client", "type": "client_app"}, {"id": "r", "type": "ranker"}]}
    )
    assert fitted_height(small) == 380  # the floor: a row of two boxes
    assert 380 < fitted_height(big) <= 900


def test_place_keeps_placed_components_and_puts_newcomers_below():
    design = Design.model_validate(
        {
            "components": [
                {"id": "client", "type": "client_app", "pos": {"x": 500, "y": 40}},
                {"id": "ranker", "type": "ranker"},
                {"id": "features", "type": "feature_store"},
            ],
            "edges": [{"from": "features", "to": "ranker"}],
            "notes": [{"text": "hello"}],
        }
    )
    placed = place(design)
    assert placed.component("client").pos.model_dump() == {"x": 500, "y": 40}
    for new in ("ranker", "features"):
        assert placed.component(new).pos.y > 40
    assert placed.component("ranker").pos != placed.component("features").pos
    assert placed.notes[0].pos is not None
    assert place(placed) == placed  # nothing left to place


def test_a_design_too_large_to_draw_says_so_with_its_counts():
    components = [{"id": f"m{i}", "type": "model_server"} for i in range(MAX_DRAWN_COMPONENTS + 1)]
    big = Design.model_validate({"components": components})
    message = too_large_to_draw(big)
    assert f"{MAX_DRAWN_COMPONENTS + 1:,} components and 0 edges" in message
    assert too_large_to_draw(get_scenario("realtime-playlist-recs").reference_design) is None


def test_what_the_board_sends_becomes_a_design_keeping_scenario_and_title():
    base = Design.model_validate({"scenario": "skip-prediction", "title": "Mine"})
    sent = {
        "rev": 0,
        "seq": 3,
        "design": {
            "components": [{"id": "m", "type": "model_server", "pos": {"x": 1, "y": 2}}],
            "edges": [],
            "notes": [{"text": "why 50 ms?", "pos": {"x": 0, "y": 90}}],
        },
    }
    design = design_from_board(sent, base)
    assert (design.scenario, design.title) == ("skip-prediction", "Mine")
    assert design.component("m").pos.y == 2 and design.notes[0].text == "why 50 ms?"


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        pytest.param(None, "the canvas sent no design", id="nothing"),
        pytest.param({"design": "x"}, "the canvas sent no design", id="not-a-mapping"),
        pytest.param(
            {"design": {"components": [{"id": "m", "type": "modelserver"}]}},
            "components.0.type: Value error, unknown component type 'modelserver'",
            id="unknown-type",
        ),
        pytest.param(
            {"design": {"components": [{"id": "m", "type": "ranker", "params": {"out_k": -1}}]}},
            "components.0.params.out_k: Input should be greater than 0",
            id="negative-param",
        ),
        pytest.param(
            {"design": {"components": [], "edges": [{"from": "a", "to": "b"}]}},
            "no component has id 'a'",
            id="edge-to-nothing",
        ),
    ],
)
def test_what_the_board_sends_is_refused_with_a_reason(sent, expected):
    with pytest.raises(BoardError) as caught:
        design_from_board(sent, Design())
    assert expected in str(caught.value)


def test_the_board_is_sent_the_rubric_drawn_on_the_nodes():
    scenario = get_scenario("realtime-playlist-recs")
    design = Design.model_validate(
        {
            "components": [
                {"id": "client", "type": "client_app"},
                {"id": "ranker", "type": "ranker"},
                {"id": "features", "type": "feature_store"},
            ],
            "edges": [{"from": "client", "to": "ranker"}, {"from": "features", "to": "ranker"}],
        }
    )
    report = check_design(design, scenario)
    marks = board_marks(design, report, scenario.requirements.catalog_size)
    assert marks["nodes"]["ranker"]["status"] == "fail"
    assert any(r.startswith("fail: latency.budget") for r in marks["nodes"]["ranker"]["rules"])
    assert marks["nodes"]["ranker"]["lines"][0] == "100M → 200 items"
    assert marks["nodes"]["features"]["lines"] == ["5 ms read"]
    assert marks["path"] == ["client", "ranker"] and marks["pathStatus"] == "fail"
    data = board_data(design, report, rev=4, read_only=True)
    assert data["rev"] == 4 and data["readOnly"] is True
    assert all(c["pos"] for c in data["design"]["components"])  # laid out for drawing


def test_the_palette_and_editor_specs_come_from_the_catalog():
    catalog = load_catalog()
    data = catalog_data(catalog)
    assert data["categoryOrder"] == [c.id for c in catalog.categories]
    for kind in catalog.types:
        sent = data["types"][kind.id]
        assert sent["description"] == kind.description
        assert list(sent["params"]) == list(allowed_params(kind))
    ranker = data["types"]["ranker"]["params"]
    assert ranker["latency_ms"]["default"] == catalog.get("ranker").latency_ms
    assert ranker["out_k"]["integer"] and not ranker["latency_ms"]["integer"]
