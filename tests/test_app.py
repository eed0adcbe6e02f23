"""The app's pages and flows through Streamlit's AppTest, widgets found by their keys."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from components.catalog import load_catalog
from components.design import Design
from design_framework.rubric import check_design
from design_framework.session import Session
from design_framework.steps import load_framework
from scenarios.loader import get_scenario, scenario_from_string
from storage import open_store
from tests.notes_box import component_data, component_element, notes_data, text_view, type_notes
from ui.whiteboard import TEXT_VIEWS_LABEL
from ui.widgets import STATUS_LEGEND

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Each test gets its own database; the app reads WHITEBOARD_DATA_DIR."""
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(Path(APP).parent)
    return tmp_path / "data"


@pytest.fixture
def downloads(monkeypatch):
    """Bytes behind each download button, by media URL (AppTest drops its media store after
    each run, so capture what the app hands it)."""
    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        data = path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode()
        captured[file_id] = data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return captured


def download_bytes(at: AppTest, key: str, downloads: dict) -> bytes:
    button = at.get("download_button")
    proto = next(b.proto for b in button if b.proto.id.endswith(key))
    return downloads[Path(proto.url).stem]


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def started(scenario_id: str = "realtime-playlist-recs") -> AppTest:
    at = new_app()
    at.run()
    at.button(key=f"lib_start_{scenario_id}").click().run()
    assert not at.exception, at.exception
    return at


def store():
    return open_store(os.environ["WHITEBOARD_DATA_DIR"])


def shown(markdown: str) -> str:
    """Markdown source as a reader sees it (echoed values are backslash-escaped)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def open_session_id(at: AppTest) -> str:
    return at.session_state["session"].id


def canvas_element(at: AppTest, key: str = "w_canvas"):
    """The canvas component (AppTest cannot render it, but sees what it is sent)."""
    found = [
        e
        for e in at.get("bidi_component")
        if e.proto.component_name == "whiteboard_canvas.canvas" and e.proto.id.endswith(f"-{key}")
    ]
    assert found, f"no canvas {key!r} drawn"
    return found[0]


def clock_data(at: AppTest, key: str = "w_clock") -> dict:
    """What the browser's clock was sent (design_framework.session.clock_plan)."""
    return component_data(at, "whiteboard_canvas.clock", key)


def canvas_data(at: AppTest, key: str = "w_canvas") -> dict:
    proto = canvas_element(at, key).proto
    return json.loads(proto.json or proto.mixed.json)


def canvas_send(
    at: AppTest, design: dict, seq: int = 1, key: str = "w_canvas", base: int | None = None
) -> AppTest:
    """What the browser does after a change on the board that goes through the page: set
    the ``design`` state value. ``base``: the session revision the board last knew (by
    default the one it was drawn with)."""
    element = canvas_element(at, key)
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = element.proto.id
    data = canvas_data(at, key)
    known = data.get("revision") if base is None else base
    value = {"rev": data["rev"], "seq": seq, "base": known, "design": design}
    state.json_value = json.dumps({"design": value})
    return at._run(states)


def canvas_trigger(at: AppTest, action: dict, key: str = "w_canvas") -> AppTest:
    """A request from the board (the auto-layout button): the ``action`` trigger."""
    element = canvas_element(at, key)
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = _make_trigger_id(element.proto.id, "events")
    state.json_trigger_value = json.dumps([{"event": "action", "value": action}])
    return at._run(states)


def drawn_ids(at: AppTest, key: str = "w_canvas") -> list[str]:
    return [c["id"] for c in canvas_data(at, key)["design"]["components"]]


# ---- library -------------------------------------------------------------------------------


def test_library_lists_every_scenario_and_filters_by_mode():
    at = new_app()
    at.run()
    assert not at.exception
    starts = [
        b
        for b in at.button
        if b.key and b.key.startswith("lib_start_") and b.key != "lib_start_free"
    ]
    assert len(starts) == 14
    at.button_group(key="lib_mode").set_value(["batch"]).run()
    batch = {b.key for b in at.button if b.key and b.key.startswith("lib_start_")} - {
        "lib_start_free"
    }
    assert batch == {
        "lib_start_premium-churn",
        "lib_start_discover-weekly",
        "lib_start_mood-classification",
        "lib_start_new-release-notifications",
    }


def test_a_scenario_s_figures_and_sources_are_drawn_when_its_card_is_opened():
    """Fourteen tables of figures sat in closed expanders on the first page anyone sees."""
    at = new_app()
    at.run()
    assert [e.label for e in at.expander].count("Requirements and sources") == 14
    assert not at.table
    at.session_state["lib_facts_skip-prediction"] = True
    at.run()
    assert not at.exception
    assert len(at.table) == 1
    shown = at.table[0].value
    assert "Monthly active users" in list(shown["requirement"])
    figure = get_scenario("skip-prediction").sources[0].figure
    assert any(c.value.startswith(figure) for c in at.caption)


def test_starting_a_scenario_opens_the_whiteboard_and_saves_the_session():
    at = new_app()
    at.run()
    at.button_group(key="lib_length").set_value(60).run()
    at.button(key="lib_start_skip-prediction").click().run()
    assert not at.exception
    session_id = open_session_id(at)
    assert at.query_params["s"] == [session_id] or at.query_params["s"] == session_id
    saved = store().load_session(session_id)
    assert saved.scenario_id == "skip-prediction" and saved.length_minutes == 60
    assert any("Predict" in s.value or "skip" in s.value.lower() for s in at.subheader)


def test_the_library_offers_every_length_and_untimed_starts_without_a_clock():
    at = new_app()
    at.run()
    length = at.button_group(key="lib_length")
    assert length.value == 45
    assert length.options == ["30 min", "45 min", "60 min", "Untimed"]
    length.set_value(0).run()  # the row's Untimed
    at.button(key="lib_start_skip-prediction").click().run()
    assert not at.exception
    saved = store().load_session(open_session_id(at))
    assert saved.length_minutes is None


# ---- whiteboard ----------------------------------------------------------------------------


def test_notes_are_saved_and_their_coverage_shows():
    at = started()
    before = at.get("progress")[0].proto.text
    type_notes(
        at,
        "requirements",
        "Peak 40k QPS, p99 latency under 200 ms, 100M tracks; the playlist being edited is "
        "the session context and the shelf must refresh in real time.",
    )
    after = at.get("progress")[0].proto.text
    assert before != after
    covered = int(after.split()[2])
    assert covered >= 4
    assert "7 earn this step's full points" in after  # half of its 13 points, rounded up
    saved = store().load_session(open_session_id(at))
    assert "40k QPS" in saved.notes["requirements"]


def test_the_checklist_shows_each_status_with_the_words_behind_it():
    at = started()
    type_notes(
        at,
        "requirements",
        "About 300M daily users and 15k refreshes a second at peak.\n"
        "Privacy is out of scope.\n"
        "- SLA, p99, latency",
    )
    lines = [m.value for m in at.markdown]
    scale = next(v for v in lines if v.startswith(":green") and "Sizes the problem" in v)
    assert "300M daily users" in scale
    privacy = next(v for v in lines if "Raises privacy" in v)
    assert privacy.startswith(":red") and "dismissed by “out of scope”" in privacy
    latency = next(v for v in lines if "Puts a number on latency, end to end and at" in v)
    assert latency.startswith(":orange") and "named in a list, not explained" in latency
    missing = next(v for v in lines if "Raises privacy" not in v and "Says whether inputs" in v)
    assert missing.startswith(":gray")


def test_moving_between_steps_records_time_and_keeps_notes():
    at = started()  # the library's Start has started the clock
    type_notes(at, "requirements", "scale: 40k qps")
    at.button(key="w_next_step").click().run()
    assert not at.exception
    session = at.session_state["session"]
    assert session.current_step == "framing"
    assert session.spent_s["requirements"] > 0
    assert notes_data(at, "framing")["text"] == ""
    at.button(key="w_prev_step").click().run()
    assert notes_data(at, "requirements")["text"] == "scale: 40k qps"


def test_the_library_start_starts_the_clock_and_pause_stops_it():
    at = started()
    session = at.session_state["session"]
    assert session.running and store().load_session(session.id).running_since is not None
    at.button(key="w_clock_pause").click().run()
    session = at.session_state["session"]
    assert not session.running and session.started
    assert store().load_session(session.id).running_since is None


CLIENT = {"id": "client", "type": "client_app", "pos": {"x": 0, "y": 0}}
RANKER = {"id": "ranker", "type": "ranker", "pos": {"x": 300, "y": 0}}


def test_the_board_sends_changes_that_are_saved_and_drawn_with_the_rubric():
    at = started()
    assert canvas_data(at)["design"]["components"] == []
    canvas_send(at, {"components": [CLIENT, RANKER], "edges": []}, seq=1)
    assert not at.exception
    assert drawn_ids(at) == ["client", "ranker"]
    assert "No request from client reaches" in _finding_text(at, "path.request")
    canvas_send(
        at, {"components": [CLIENT, RANKER], "edges": [{"from": "client", "to": "ranker"}]}, seq=2
    )
    assert "Requests reach an answer: client -> ranker" in _finding_text(at, "path.request")
    data = canvas_data(at)
    assert data["saved"] == 2 and data["readOnly"] is False
    # the rubric drawn on the board: the ranker scores the whole catalog and blows the budget
    assert data["marks"]["nodes"]["ranker"]["status"] == "fail"
    assert "100M → 200 items" in data["marks"]["nodes"]["ranker"]["lines"]
    assert data["marks"]["path"] == ["client", "ranker"]
    assert data["marks"]["pathStatus"] == "fail"
    saved = store().load_session(open_session_id(at)).design
    assert [(e.source, e.target) for e in saved.edges] == [("client", "ranker")]
    assert saved.component("ranker").pos.x == 300
    # the text views follow the board
    assert "pos: {x: 300, y: 0}" in text_view(at, "yaml").text_area(key="w_yaml_text").value


def test_drawing_while_on_requirements_is_booked_to_the_step_drawn_and_the_report_says_so():
    at = started()  # on Clarify requirements, the clock running
    session = at.session_state["session"]
    session.running_since -= 90  # a minute and a half of talk, then the drawing
    session.last_activity_at = session.running_since + 60
    gateway = {"id": "gateway", "type": "api_gateway", "pos": {"x": 150, "y": 0}}
    canvas_send(at, {"components": [CLIENT, gateway], "edges": []}, seq=1)
    assert not at.exception
    session = at.session_state["session"]
    assert session.current_step == "requirements"
    # the 30 s since the last change (plus the run's own time on a busy machine), under the cap
    assert 29 <= session.drawn_s["serving"] < 60 and "requirements" not in session.drawn_s
    assert session.spent_s["requirements"] == pytest.approx(60, abs=0.5)
    assert store().load_session(session.id).drawn_s == session.drawn_s
    drawn = re.compile(r"Drawing so far 0:[2-5]\d \(Serving 0:[2-5]\d\)")
    assert any(drawn.search(c.value) for c in at.caption)
    # saying which step the drawing is for books it there instead
    at.selectbox(key="w_drawing_for").set_value("model").run()
    session = at.session_state["session"]
    session.running_since -= 20
    session.last_activity_at -= 20
    canvas_send(at, {"components": [CLIENT, gateway, RANKER], "edges": []}, seq=2)
    session = at.session_state["session"]
    assert session.drawing_for == "model" and 19 <= session.drawn_s["model"] < 60
    at.button(key="w_finish").click().run()
    assert not at.exception
    caption = next(c.value for c in at.caption if "except time spent drawing" in c.value)
    assert re.search(r"Serving and deployment 0:[2-5]\d, of which 0:[2-5]\d drawing", caption)
    times = next(m.value for m in at.markdown if m.value.startswith("| step | spent | of which"))
    assert re.search(r"\| Serving and deployment \| 0:[2-5]\d \| 0:[2-5]\d \|", times)


def test_a_change_the_design_cannot_take_is_refused_and_the_board_reloaded():
    at = started()
    canvas_send(at, {"components": [CLIENT, RANKER], "edges": []}, seq=1)
    rev = canvas_data(at)["rev"]
    canvas_send(at, {"components": [CLIENT], "edges": [{"from": "client", "to": "ghost"}]}, seq=2)
    assert not at.exception
    data = canvas_data(at)
    assert "edges.0.to: no component has id 'ghost'" in data["error"]
    assert data["rev"] == rev + 1  # the board shows the design as it was
    assert drawn_ids(at) == ["client", "ranker"]
    assert [c.id for c in store().load_session(open_session_id(at)).design.components] == [
        "client",
        "ranker",
    ]


def test_auto_layout_places_every_component_and_reloads_the_board():
    at = started()
    text_view(at)
    at.text_area(key="w_quick_text").set_value(
        "client: client_app\nclient -> gateway(api_gateway) -> ranker\nfeature_store -> ranker"
    ).run()
    at.button(key="w_quick_apply").click().run()
    stacked = [
        {"id": c, "type": t, "pos": {"x": 0, "y": 0}}
        for c, t in [("client", "client_app"), ("gateway", "api_gateway"), ("ranker", "ranker")]
    ] + [{"id": "feature_store", "type": "feature_store", "pos": {"x": 0, "y": 0}}]
    canvas_send(at, {"components": stacked, "edges": canvas_data(at)["design"]["edges"]})
    rev = canvas_data(at)["rev"]
    canvas_trigger(at, {"kind": "layout", "seq": 2})
    assert not at.exception
    data = canvas_data(at)
    assert data["rev"] == rev + 1
    places = {c["id"]: (c["pos"]["x"], c["pos"]["y"]) for c in data["design"]["components"]}
    assert len(set(places.values())) == 4  # no two boxes on top of each other
    assert places["client"][0] < places["gateway"][0] < places["ranker"][0]
    assert places["feature_store"][1] > places["ranker"][1]  # stores sit under the path
    saved = store().load_session(open_session_id(at)).design
    assert saved.component("ranker").pos.x == places["ranker"][0]
    assert data["fit"]["minZoom"] * 13 >= 11  # the board never fits under 11 px labels


def test_auto_layout_wraps_to_the_board_that_asked():
    at = started()
    reference = get_scenario("realtime-playlist-recs").reference_design.to_dict()
    canvas_send(at, {"components": reference["components"], "edges": reference["edges"]})

    def width_after_layout(seq, **board):
        canvas_trigger(at, {"kind": "layout", "seq": seq, **board})
        assert not at.exception
        xs = [c["pos"]["x"] for c in canvas_data(at)["design"]["components"]]
        return max(xs) - min(xs) + 190

    narrow = width_after_layout(2, width=631, height=598)
    wide = width_after_layout(3, width=2600, height=1200)
    assert narrow <= 631 < 1500 < wide  # rows on a narrow board, one long band on a wide one


def findings_data(at: AppTest) -> dict:
    """What the whiteboard's findings list was sent (ui.widgets.board_findings)."""
    return component_data(at, "whiteboard_canvas.findings", "w_findings")


def findings_trigger(at: AppTest, value: dict) -> AppTest:
    """The list's trigger, as its "Show on the board" sends it."""
    element = component_element(at, "whiteboard_canvas.findings", "w_findings")
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = _make_trigger_id(element.proto.id, "events")
    state.json_trigger_value = json.dumps([{"event": "show", "value": value}])
    return at._run(states)


def test_a_finding_selects_its_nodes_on_the_board():
    at = started()
    canvas_send(at, {"components": [CLIENT, RANKER], "edges": [{"from": "client", "to": "ranker"}]})
    data = findings_data(at)
    latency = next(f for g in data["groups"] for f in g["items"] if f["rule"] == "latency.budget")
    assert latency["status"] == "fail" and latency["show"], "it offers to show its nodes"
    assert latency["tables"][0]["columns"] == ["node", "ms"]  # the budget, node by node
    findings_trigger(at, {"ids": latency["nodes"]})
    assert not at.exception
    selected = canvas_data(at)["select"]
    assert "ranker" in selected["ids"] and selected["token"]


def test_the_board_findings_are_grouped_by_step_worst_first_with_the_score():
    at = started()
    canvas_send(at, {"components": [CLIENT, RANKER], "edges": [{"from": "client", "to": "ranker"}]})
    data = findings_data(at)
    session = at.session_state["session"]
    report = check_design(session.design, get_scenario(session.scenario_id))
    # checks about parts not drawn yet wait on the Requirements step (issue 24): listed
    # apart, they cost no score
    from design_framework.waiting import waiting_rules
    from ui.findings_data import without_waiting

    waiting = waiting_rules(report, session.design, session.current_step)
    assert waiting and {w["rule"] for w in data["waiting"]} == waiting
    assert data["score"] == without_waiting(report, waiting).score
    steps = [s.id for s in load_framework().steps]
    assert [g["id"] for g in data["groups"]] == sorted(
        (g["id"] for g in data["groups"]), key=steps.index
    )
    order = {"fail": 0, "warn": 1, "pass": 2}
    for group in data["groups"]:
        ranks = [order[f["status"]] for f in group["items"]]
        assert ranks == sorted(ranks) and group["worst"] == group["items"][0]["status"]
    assert sum(data["counts"].values()) + len(data["skipped"]) == len(report.findings)


def _finding_text(at: AppTest, rule: str) -> str:
    for group in findings_data(at)["groups"]:
        for f in group["items"]:
            if f["rule"] == rule:
                return f["message"]
    raise AssertionError(f"no finding for {rule}")


def test_quick_text_keeps_the_places_of_the_components_it_still_names():
    at = started()
    note = {"text": "ask about cold start", "pos": {"x": 10, "y": 400}}
    canvas_send(at, {"components": [CLIENT, RANKER], "edges": [], "notes": [note]})
    text_view(at)
    at.text_area(key="w_quick_text").set_value(
        "client: client_app\nclient -> gateway(api_gateway) -> ranker"
    ).run()
    at.button(key="w_quick_apply").click().run()
    design = at.session_state["session"].design
    assert design.component("ranker").pos.x == 300
    assert design.component("gateway").pos is None  # placed on the board, saved when moved
    assert [n.text for n in design.notes] == ["ask about cold start"]
    drawn = {c["id"]: c["pos"] for c in canvas_data(at)["design"]["components"]}
    assert drawn["gateway"] and drawn["ranker"] == {"x": 300, "y": 0}


def test_the_text_views_are_drawn_only_once_opened_and_then_follow_the_board():
    """The board is the editor; Quick text and YAML wait in a closed expander, because the
    text views redrawn on every change on the board cost a quarter of its latency."""
    at = started()
    assert not [t for t in at.text_area if t.key in ("w_quick_text", "w_yaml_text")]
    assert [e.label for e in at.expander].count(TEXT_VIEWS_LABEL) == 1
    canvas_send(at, {"components": [CLIENT, RANKER], "edges": []}, seq=1)
    text_view(at)
    quick = at.text_area(key="w_quick_text").value
    assert "client" in quick and "ranker" in quick
    canvas_send(
        at, {"components": [CLIENT, RANKER], "edges": [{"from": "client", "to": "ranker"}]}, seq=2
    )
    assert "client -> ranker" in at.text_area(key="w_quick_text").value  # kept open


def test_quick_text_errors_name_the_line_and_keep_the_design():
    at = started()
    text_view(at)
    at.text_area(key="w_quick_text").set_value("client: client_app\nclient -> ranker").run()
    at.button(key="w_quick_apply").click().run()
    at.text_area(key="w_quick_text").set_value("client: client_app\nx: rankr\nclient -> x").run()
    at.button(key="w_quick_apply").click().run()
    errors = [e.value for e in at.error]
    assert any("quick text:2:" in e and "unknown component type 'rankr'" in e for e in errors)
    assert [c.id for c in at.session_state["session"].design.components] == ["client", "ranker"]


def test_yaml_editor_applies_a_design_and_reports_errors_inline():
    at = started()
    good = "version: 1\ncomponents:\n  - {id: client, type: client_app}\n  - {id: m, type: model_server}\nedges:\n  - {from: client, to: m}\n"
    text_view(at, "yaml")
    assert not [t for t in at.text_area if t.key == "w_quick_text"]  # the closed tab is not run
    at.text_area(key="w_yaml_text").set_value(good).run()
    at.button(key="w_yaml_apply").click().run()
    assert [c.id for c in at.session_state["session"].design.components] == ["client", "m"]
    at.text_area(key="w_yaml_text").set_value(good.replace("model_server", "modelserver")).run()
    at.button(key="w_yaml_apply").click().run()
    assert any(
        "design YAML:4: components.1.type: unknown component type 'modelserver'" in e.value
        for e in at.error
    )
    assert [c.id for c in at.session_state["session"].design.components] == ["client", "m"]


def test_hints_are_revealed_one_at_a_time_and_recorded():
    at = started()
    at.button(key="w_hint").click().run()
    session = at.session_state["session"]
    assert session.hints_used == {"requirements": [0]}
    assert any(i.value.startswith("Hint:") for i in at.info)


def test_follow_up_questions_rotate():
    at = started()
    first = [m.value for m in at.markdown if m.value.startswith("- ")]
    at.button(key="w_followup_next_requirements").click().run()
    second = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert first != second


def test_a_refresh_restores_the_session_from_the_url():
    at = started()
    type_notes(at, "requirements", "peak 40k qps")
    session_id = open_session_id(at)
    fresh = new_app()  # a new browser tab: empty session state, the id in the URL
    fresh.query_params["s"] = session_id
    fresh.switch_page("ui/practice.py")
    fresh.query_params["s"] = session_id
    fresh.run()
    assert not fresh.exception
    assert notes_data(fresh, "requirements")["text"] == "peak 40k qps"


# ---- report and exports --------------------------------------------------------------------


def test_finishing_shows_the_report_with_every_export(downloads):
    at = started()
    text_view(at)
    at.text_area(key="w_quick_text").set_value(
        "client: client_app\nretrieval: candidate_generation out_k=200000\n"
        "client -> gateway(api_gateway) -> retrieval -> ranker"
    ).run()
    at.button(key="w_quick_apply").click().run()
    at.button(key="w_finish").click().run()
    assert not at.exception
    scores = {m.label: m.value for m in at.metric}
    assert scores["Overall score"].endswith("/100")
    reasons = " ".join(m.value for m in at.markdown if m.value.startswith("**−"))
    assert "latency.budget failed" in reasons
    png = download_bytes(at, "w_export_png", downloads)
    assert png.startswith(b"\x89PNG")
    png2x = download_bytes(at, "w_export_png2x", downloads)
    assert int.from_bytes(png2x[16:20], "big") >= 2 * int.from_bytes(png[16:20], "big") - 2
    assert download_bytes(at, "w_export_svg", downloads).startswith(b"<?xml")
    # side by side, read-only: the candidate's design with its verdict, the reference design
    mine, reference = canvas_data(at, "w_report_mine"), canvas_data(at, "w_report_reference")
    assert mine["readOnly"] and reference["readOnly"]
    assert "retrieval" in drawn_ids(at, "w_report_mine")
    assert mine["marks"]["pathStatus"] == "fail"
    assert len(reference["design"]["components"]) > len(mine["design"]["components"])
    assert download_bytes(at, "w_export_mmd", downloads).startswith(b"flowchart LR")
    design = Design.from_string(download_bytes(at, "w_export_yaml", downloads).decode())
    assert design.component("retrieval").params.out_k == 200000
    session = Session.from_string(download_bytes(at, "w_export_session", downloads).decode())
    assert session.finished_at is not None
    markdown = download_bytes(at, "w_export_markdown", downloads).decode()
    assert markdown.startswith("# Real-time track recommendations")
    assert "## Points lost" in markdown and "```mermaid" in markdown
    assert store().attempts()[0].session_id == session.id


# ---- files and authoring -------------------------------------------------------------------


def test_a_step_s_notes_checklist_in_the_report_is_drawn_when_opened():
    """The report's seven checklists, about fifteen lines each, sat in closed expanders."""
    at = started("skip-prediction")
    at.switch_page("ui/report.py").run()
    assert not at.exception
    assert not [c for c in at.caption if c.value == STATUS_LEGEND]
    at.session_state["w_report_notes_requirements"] = True
    at.run()
    assert not at.exception
    assert len([c for c in at.caption if c.value == STATUS_LEGEND]) == 1
    point = load_framework().get("requirements").checklist[0].text
    assert any(point in m.value for m in at.markdown)


def test_uploading_a_session_file_continues_it():
    at = started()
    original = open_session_id(at)
    other = Session(scenario_id="discover-weekly", notes={"data": "co-occurrence of playlists"})
    at.switch_page("ui/files.py").run()
    at.file_uploader(key="w_upload_session").upload(
        "mine.session.yaml", other.to_yaml().encode()
    ).run()
    assert any("mine.session.yaml" in s.value for s in at.success)
    at.button(key="w_open_session").click().run()
    assert not at.exception
    assert open_session_id(at) == other.id != original


def test_a_broken_session_upload_names_the_problem_and_keeps_the_open_session():
    at = started()
    type_notes(at, "requirements", "keep me")
    original = open_session_id(at)
    broken = (
        Session(scenario_id="skip-prediction")
        .to_yaml()
        .replace("current_step: requirements", "current_step: lunch")
    )
    at.switch_page("ui/files.py").run()
    at.file_uploader(key="w_upload_session").upload("broken.session.yaml", broken.encode()).run()
    errors = shown(" ".join(e.value for e in at.error))
    assert "your current session is untouched" in errors
    line = broken.splitlines().index("current_step: lunch") + 1
    assert f"broken.session.yaml:{line}: current_step: unknown step 'lunch'" in errors
    assert open_session_id(at) == original
    assert store().load_session(original).notes["requirements"] == "keep me"


def test_uploading_a_design_file_checks_it():
    at = new_app()
    at.run()
    at.switch_page("ui/files.py").run()
    text = (
        "version: 1\nscenario: skip-prediction\ncomponents:\n  - {id: client, type: client_app}\n"
        "  - {id: model, type: model_server}\nedges:\n  - {from: client, to: model}\n"
    )
    at.file_uploader(key="w_upload_design").upload("d.yaml", text.encode()).run()
    assert not at.exception
    assert any("against skip-prediction" in m.value for m in at.markdown)
    assert "model" in drawn_ids(at, "w_files_board")
    assert canvas_data(at, "w_files_board")["readOnly"] is True
    at.file_uploader(key="w_upload_design").upload(
        "bad.yaml", b"version: 1\nedges: [{from: a}]\n"
    ).run()
    assert any("bad.yaml:2:" in e.value for e in at.error)


def test_an_exported_png_opens_as_its_design_and_a_plain_one_is_refused():
    from components.render import export, render_dot, to_dot

    reference = get_scenario("skip-prediction").reference_design
    design = reference.model_copy(update={"scenario": "skip-prediction"})
    at = new_app()
    at.run()
    at.switch_page("ui/files.py").run()
    at.file_uploader(key="w_upload_design").upload("shared.png", export(design, "png")).run()
    assert not at.exception and not at.error
    assert any("**shared.png** against skip-prediction" in m.value for m in at.markdown)
    assert sorted(drawn_ids(at, "w_files_board")) == sorted(c.id for c in design.components)
    plain = render_dot(to_dot(design), "png")
    at.file_uploader(key="w_upload_design").upload("screenshot.png", plain).run()
    (error,) = at.error
    assert "This picture cannot be opened as a design" in error.value
    assert "screenshot.png: this PNG holds no design" in error.value


def test_authoring_a_scenario_validates_with_lines_and_can_be_practised():
    at = new_app()
    at.run()
    at.switch_page("ui/author.py").run()
    at.button(key="w_author_example").click().run()
    text = at.text_area(key="w_author_text").value
    assert "realtime-playlist-recs" in text
    custom = text.replace("id: realtime-playlist-recs", "id: my-custom-scenario")
    broken = custom.replace("latency.budget: {}", "latency.budgt: {}")
    at.text_area(key="w_author_text").set_value(broken).run()
    line = next(i for i, t in enumerate(broken.splitlines(), 1) if "latency.budgt" in t)
    assert any(
        f"scenario.yaml:{line}: rules.latency.budgt: unknown rule" in e.value for e in at.error
    )
    # the offending line is shown under the error, numbered, as an editor would
    assert any(f"> {line} |" in c.value and "latency.budgt" in c.value for c in at.code)
    at.text_area(key="w_author_text").set_value(custom).run()
    assert any("my-custom-scenario" in s.value for s in at.success)
    at.button(key="w_author_practise").click().run()
    assert not at.exception
    session = at.session_state["session"]
    assert session.scenario_id == "my-custom-scenario" and session.scenario_yaml


# ---- history ------------------------------------------------------------------------


def test_history_lists_finished_attempts_and_says_what_to_practise_next():
    at = started()
    at.button(key="w_finish").click().run()
    at.switch_page("ui/history.py").run()
    assert not at.exception
    table = at.dataframe[0].value  # the attempts, newest first
    assert list(table["scenario"]) == [
        "Real-time track recommendations while a user builds a playlist"
    ]
    assert table.index[0].startswith("#1 ")  # a named attempt, not an axis at 1.000000
    advice = next(m.value for m in at.markdown if m.value.startswith("**Practise next: "))
    reason = next(c.value for c in at.caption if "attempts;" in c.value or "notes on" in c.value)
    assert "realtime-playlist-recs" not in advice  # something new, with the reason
    assert reason
    at.button(key="w_history_next").click().run()
    assert not at.exception
    session = at.session_state["session"]
    assert session.scenario_id != "realtime-playlist-recs" and session.finished_at is None
    assert session.scenario_id in reason


# ---- review fixes: work is never lost, bad files never break the board ---------------------


def test_a_session_file_whose_hints_do_not_exist_is_refused():
    at = started()
    original = open_session_id(at)
    bad = Session(scenario_id="realtime-playlist-recs", hints_used={"requirements": [42]})
    at.switch_page("ui/files.py").run()
    at.file_uploader(key="w_upload_session").upload(
        "bad.session.yaml", bad.to_yaml().encode()
    ).run()
    assert not at.exception
    errors = shown(" ".join(e.value for e in at.error))
    line = bad.to_yaml().splitlines().index("hints_used:") + 2  # the step's own line
    assert f"bad.session.yaml:{line}: hints_used.requirements: hint 42 does not exist" in errors
    assert not [b for b in at.button if b.key == "w_open_session"]
    assert open_session_id(at) == original


def test_importing_an_older_export_of_a_saved_session_opens_a_copy():
    at = started()
    type_notes(at, "requirements", "v1 notes")
    exported = at.session_state["session"].to_yaml()
    type_notes(at, "requirements", "v2 notes, much more work")
    saved_id = open_session_id(at)
    at.switch_page("ui/files.py").run()
    at.file_uploader(key="w_upload_session").upload("old.session.yaml", exported.encode()).run()
    assert any("opens as a copy" in i.value for i in at.info)
    at.button(key="w_open_session").click().run()
    assert open_session_id(at) != saved_id
    assert store().load_session(saved_id).notes["requirements"] == "v2 notes, much more work"
    assert at.session_state["session"].notes["requirements"] == "v1 notes"


def test_recent_sessions_can_be_resumed_from_the_library():
    at = started("skip-prediction")
    first = open_session_id(at)
    at.switch_page("ui/library.py").run()
    at.button(key="lib_start_discover-weekly").click().run()
    assert open_session_id(at) != first
    at.switch_page("ui/library.py").run()
    at.button(key=f"lib_resume_{first}").click().run()
    assert not at.exception
    assert open_session_id(at) == first


def test_the_author_draft_survives_leaving_the_page():
    at = new_app()
    at.run()
    at.switch_page("ui/author.py").run()
    at.text_area(key="w_author_text").set_value("id: my-draft\ntitle: half written").run()
    at.switch_page("ui/library.py").run()
    at.switch_page("ui/author.py").run()
    assert at.text_area(key="w_author_text").value == "id: my-draft\ntitle: half written"


def test_a_good_apply_clears_the_other_editors_old_errors():
    at = started()
    text_view(at, "yaml").text_area(key="w_yaml_text").set_value(
        "version: 1\ncomponents:\n  - {id: c, type: clientapp}\n"
    ).run()
    at.button(key="w_yaml_apply").click().run()
    assert any("clientapp" in e.value for e in at.error)
    text_view(at, "quick")
    at.text_area(key="w_quick_text").set_value("client: client_app\nclient -> ranker").run()
    at.button(key="w_quick_apply").click().run()
    text_view(at, "yaml")
    assert [t.key for t in at.text_area] == ["w_yaml_text"]
    assert not any("clientapp" in e.value for e in at.error)


def test_a_non_utf8_upload_is_refused_with_a_reason():
    at = new_app()
    at.run()
    at.switch_page("ui/author.py").run()
    at.file_uploader(key="w_author_upload").upload("latin.yaml", "id: café".encode("latin-1")).run()
    assert any("latin.yaml: not UTF-8 text" in e.value for e in at.error)
    assert at.text_area(key="w_author_text").value == ""


def test_the_palette_lists_types_grouped_by_category():
    at = started()
    catalog = canvas_data(at)["catalog"]
    categories = [catalog["types"][t]["category"] for t in catalog["order"]]
    runs = [c for i, c in enumerate(categories) if i == 0 or c != categories[i - 1]]
    assert len(runs) == len(set(categories))  # each category appears as one block
    assert sorted(catalog["order"]) == sorted(load_catalog().ids)
    ranker = catalog["types"]["ranker"]["params"]
    assert ranker["out_k"]["default"] == load_catalog().get("ranker").out_k


def canvas_state(at: AppTest, value: dict, key: str = "w_canvas") -> AppTest:
    """The board's whole state as the browser holds it (each setStateValue merges a key)."""
    element = canvas_element(at, key)
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = element.proto.id
    state.json_value = json.dumps(value)
    return at._run(states)


def test_the_catalog_travels_until_the_board_says_it_holds_it():
    at = started()
    data = canvas_data(at)
    assert data["catalog"]["types"]["ranker"]
    held = data["catalogId"]
    canvas_state(at, {"catalog": held})
    assert "catalog" not in canvas_data(at)  # not re-sent with every change
    change = {"rev": 0, "seq": 1, "design": {"components": [CLIENT], "edges": []}}
    canvas_state(at, {"catalog": held, "design": change})
    assert drawn_ids(at) == ["client"] and "catalog" not in canvas_data(at)
    canvas_state(at, {"catalog": None, "design": change})  # a page that lost it
    assert canvas_data(at)["catalog"]["types"]["ranker"]


def test_a_finished_session_is_read_only_and_continue_practising_starts_a_new_attempt():
    at = started()
    type_notes(at, "requirements", "40k QPS at peak")
    at.button(key="w_finish").click().run()
    at.switch_page("ui/practice.py").run()
    assert not at.exception
    finished = at.session_state["session"]
    assert finished.finished_at is not None
    assert notes_data(at, "requirements")["disabled"]
    text_view(at)  # even asked for, a finished session has no text editors
    assert not [t for t in at.text_area if t.key == "w_quick_text"]
    assert clock_data(at)["status"] == "finished"  # the clock shows no budget warning then
    at.button(key="w_continue").click().run()
    assert not at.exception
    again = at.session_state["session"]
    assert again.id != finished.id and again.finished_at is None
    assert again.notes["requirements"] == "40k QPS at peak"
    assert again.design == finished.design
    assert store().load_session(finished.id).finished_at == finished.finished_at
    assert not notes_data(at, "requirements")["disabled"]
    assert again.running  # its clock runs from the click, as after Start in the library
    assert store().load_session(again.id).running_since is not None
    assert clock_data(at)["status"] == "running"


# ---- rehearsal: the verdicts wait for the end (issue 24) ---------------------------------


def rehearsal_started(scenario_id: str = "realtime-playlist-recs") -> AppTest:
    at = new_app()
    at.run()
    at.segmented_control(key="lib_practice_as").set_value("Rehearsal").run()
    at.button(key=f"lib_start_{scenario_id}").click().run()
    assert not at.exception, at.exception
    return at


def _feedback_shown(at: AppTest) -> dict:
    findings = [e for e in at.get("bidi_component") if "findings" in e.proto.component_name]
    return {
        "findings": bool(findings),
        "checklist": any(e.label == "Checklist" for e in at.expander),
        "follow-ups": any(e.label == "The interviewer asks" for e in at.expander),
        "hints": any(b.key == "w_hint" for b in at.button),
        "marks": bool(canvas_data(at)["marks"]["nodes"]),
    }


def test_a_rehearsal_shows_no_verdict_until_it_is_finished():
    at = rehearsal_started()
    assert at.session_state["session"].rehearsal is True
    canvas_send(at, {"components": [CLIENT, RANKER], "edges": [{"from": "client", "to": "ranker"}]})
    type_notes(at, "requirements", "peak 15k QPS, p99 under 200 ms")
    assert not at.exception
    assert not any(_feedback_shown(at).values()), _feedback_shown(at)
    assert "Rehearsal" in " ".join(c.value for c in at.caption)
    at.button(key="w_finish").click().run()
    at.switch_page("ui/report.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "latency.budget" in text or "Latency budget" in text  # everything, after the end


def test_a_coached_session_still_shows_its_feedback_as_it_goes():
    at = started()
    canvas_send(at, {"components": [CLIENT, RANKER], "edges": [{"from": "client", "to": "ranker"}]})
    shown_now = _feedback_shown(at)
    assert shown_now["findings"] and shown_now["checklist"] and shown_now["hints"]
    assert shown_now["marks"]


def test_the_board_route_sends_a_rehearsal_no_verdict():
    from ui.board_route import board_answer, board_token

    data = store()
    session = Session(scenario_id="realtime-playlist-recs", rehearsal=True)
    session.start()
    revision = data.save_session(session)
    body = json.dumps(
        {
            "session": session.id,
            "token": board_token(session.id),
            "base": revision,
            "seq": 1,
            "design": {"components": [{"id": "ranker", "type": "ranker"}], "edges": []},
        }
    ).encode()
    status, answer = board_answer(data, body)
    assert status == 200 and answer["findings"] is None
    assert answer["marks"] == {"nodes": {}, "path": [], "pathStatus": "pass"}


def test_a_coached_empty_board_shows_no_failure_and_checks_count_once_their_step_comes():
    # issue 24: at minute zero the candidate was told seven times they had failed at
    # things they had not reached yet
    at = started()
    data = findings_data(at)
    assert data["counts"]["fail"] == 0 and data["counts"]["warn"] == 0
    assert data["score"] is None and data["counts"]["waiting"] >= 7
    assert "monitoring.coverage" in {w["rule"] for w in data["waiting"]}
    at.session_state["session"].current_step = "monitoring"  # the step is reached
    at.run()
    data = findings_data(at)
    failing = {f["rule"] for g in data["groups"] for f in g["items"] if f["status"] == "fail"}
    assert "monitoring.coverage" in failing


def test_history_tells_rehearsals_from_coached_attempts_and_keeps_their_scores_apart():
    at = started()
    at.button(key="w_finish").click().run()
    at.switch_page("ui/library.py").run()
    at.segmented_control(key="lib_practice_as").set_value("Rehearsal").run()
    at.button(key="lib_start_skip-prediction").click().run()
    at.switch_page("ui/practice.py").run()
    at.button(key="w_finish").click().run()
    at.switch_page("ui/history.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert sorted(table["practice"]) == ["coached", "rehearsal"]
    labels = {m.label for m in at.metric}
    assert {"Best coached", "Best rehearsal"} <= labels


def test_a_rehearsal_opened_after_its_time_ran_out_is_finished():
    import time as clock

    session = Session(scenario_id="skip-prediction", length_minutes=30, rehearsal=True)
    session.start(now=clock.time() - 31 * 60)
    store().save_session(session)
    at = new_app()
    at.switch_page("ui/practice.py")
    at.query_params["s"] = session.id
    at.run()
    assert not at.exception
    assert store().load_session(session.id).finished_at is not None


def test_a_read_only_link_opens_the_report_for_reading_and_stops_when_revoked():
    """Issue 20: without login the session's address opens it for writing, so sharing it
    handed out the pen. The report makes a link of its own that only reads."""
    at = started()
    session_id = open_session_id(at)
    type_notes(at, "requirements", "Peak 40k QPS, p99 under 200 ms.")
    at.switch_page("ui/report.py").run()
    at.button(key="w_share_create").click().run()
    assert not at.exception
    key = store().share_key(session_id)
    assert key and key != session_id and any(key in c.value for c in at.get("code"))
    viewer = new_app()  # another browser, which owns nothing here
    viewer.query_params["view"] = key
    viewer.switch_page("ui/report.py")
    viewer.query_params["view"] = key
    viewer.run()
    assert not viewer.exception
    assert any("read-only copy" in i.value for i in viewer.info)
    assert viewer.title[0].value == at.title[0].value  # the same session's report
    for absent in ("w_report_finish", "w_share_create", "w_share_stop"):
        assert not [b for b in viewer.button if b.key == absent]
    assert "session" not in viewer.session_state  # not opened as the viewer's own session
    before = store().session_revision(session_id)
    viewer.run()
    assert store().session_revision(session_id) == before  # reading writes nothing
    at.button(key="w_share_stop").click().run()
    assert store().share_key(session_id) is None
    viewer.run()
    assert any("opens no session" in e.value for e in viewer.error)


def test_a_solo_curveball_arrives_at_its_minute_and_the_board_checks_the_new_numbers():
    """Issue 22: with curveballs on, one arrives at its minute (here the page finds it due
    on its next run, as after the clock's trigger), says what changed, and the rubric checks
    the same design against the new numbers."""
    from tests.test_curveballs import TRAFFIC, with_curveballs

    text = with_curveballs(
        [
            {
                **TRAFFIC,
                "id": "budget-60",
                "title": "Budget 60 ms",
                "say": "Product wants the shelf inside 60 ms end to end.",
                "at_minute": 10,
                "changes": {"latency_budget_ms": 60},
            }
        ]
    )
    scenario = scenario_from_string(text)
    session = Session(scenario_yaml=text, length_minutes=45, design=scenario.reference_design)
    session.start(now=time.time() - 5 * 60)  # five minutes in
    store().save_session(session)
    at = new_app()
    at.switch_page("ui/practice.py")
    at.query_params["s"] = session.id
    at.run()
    assert not at.exception
    at.toggle(key="w_curveballs_on").set_value(True).run()
    assert store().load_session(session.id).curveball_plan == "budget-60"
    assert not [w for w in at.warning if "Curveball" in w.value]  # not due yet
    assert canvas_data(at)["marks"]  # the reference passes at 200 ms
    budget = next(f for f in state_rubric(at) if f.rule == "latency.budget")
    assert budget.status == "pass"
    # eleven minutes in: due
    stored = store().load_session(session.id)
    stored.running_since -= 6 * 60
    store().save_session(stored)
    fresh = new_app()
    fresh.switch_page("ui/practice.py")
    fresh.query_params["s"] = session.id
    fresh.run()
    assert not fresh.exception
    (arrived,) = store().load_session(session.id).curveballs
    assert arrived.id == "budget-60" and arrived.broke == ["latency.budget"]
    shown = next(w.value for w in fresh.warning if "Curveball at" in w.value)
    assert "Budget 60 ms" in shown and "latency budget 200 ms → 60 ms" in shown
    budget = next(f for f in state_rubric(fresh) if f.rule == "latency.budget")
    assert budget.status == "fail" and "60 ms budget" in budget.message


def state_rubric(at: AppTest):
    from ui.board_route import checked

    session = at.session_state["session"]
    return checked(
        session.design, session.scenario_id, session.scenario_yaml, session.curveballs
    ).findings


def test_what_if_numbers_recheck_the_board_without_changing_the_session_until_kept():
    """Issue 22: other numbers tried on the whiteboard re-mark the board and the findings;
    the session keeps its own until "Keep as a curveball" makes them one."""
    at = started()
    session_id = open_session_id(at)
    stored, revision = store().load_versioned(session_id)
    stored.design = get_scenario("realtime-playlist-recs").reference_design
    store().save_session(stored, expected=revision)
    at.run()
    listed = {f["rule"]: f for g in findings_data(at)["groups"] for f in g["items"]}
    assert "latency.budget" not in listed or listed["latency.budget"]["status"] == "pass"
    at.number_input(key="w_whatif_latency_budget_ms").set_value(60).run()
    assert not at.exception
    banner = next(w.value for w in at.warning if "What if:" in w.value)
    assert "latency budget 200 ms → 60 ms" in banner
    listed = {f["rule"]: f for g in findings_data(at)["groups"] for f in g["items"]}
    assert listed["latency.budget"]["status"] == "fail"
    assert "60 ms budget" in listed["latency.budget"]["message"]
    assert canvas_data(at)["direct"] is None  # changes go through the page while trying
    assert store().load_session(session_id).curveballs == []  # the session is unchanged
    at.button(key="w_whatif_back").click().run()
    assert not [w for w in at.warning if "What if:" in w.value]
    at.number_input(key="w_whatif_latency_budget_ms").set_value(60).run()
    at.button(key="w_whatif_keep").click().run()
    assert not at.exception
    (kept,) = store().load_session(session_id).curveballs
    assert (kept.id, kept.source, kept.broke) == ("what-if-1", "self", ["latency.budget"])
    assert not [w for w in at.warning if "What if:" in w.value]
    assert any("Curveball at" in w.value for w in at.warning)


def test_the_author_page_shows_what_each_curveball_does_and_where_one_is_wrong():
    from tests.test_curveballs import TRAFFIC, with_curveballs

    at = new_app()
    at.switch_page("ui/author.py").run()
    budget = {**TRAFFIC, "id": "budget-60", "title": "Budget 60 ms"}
    budget["changes"] = {"latency_budget_ms": 60}
    at.text_area(key="w_author_text").set_value(with_curveballs([budget])).run()
    assert not at.exception
    shown = next(m.value for m in at.markdown if "Curveballs" in m.value)
    assert "Budget 60 ms" in shown and "breaks latency.budget" in shown
    wrong = {**budget, "requires": ["feture_store"]}
    at.text_area(key="w_author_text").set_value(with_curveballs([wrong])).run()
    said = at.error[0].value
    assert re.search(r"scenario\.yaml:\d+: curveballs\.0\.requires\.0", said)  # file:line
    assert "did you mean 'feature\\_store'" in said  # Markdown-escaped underscore


def test_numbers_in_the_notes_that_the_board_contradicts_are_listed_with_both_places():
    """Issue 22: "notes: the ranker scores 500 candidates; board: 400" is a warning on the
    whiteboard's findings and on the report."""
    at = started()
    session_id = open_session_id(at)
    stored, revision = store().load_versioned(session_id)
    stored.design = get_scenario("realtime-playlist-recs").reference_design
    store().save_session(stored, expected=revision)
    at.run()
    groups = {g["id"]: g for g in findings_data(at)["groups"]}
    assert "notes-board" not in groups
    type_notes(at, "requirements", "The ranker scores 500 candidates from the pre-ranker.")
    assert not at.exception
    at.run()  # the notes panel saw the list change and asked for the page
    groups = {g["id"]: g for g in findings_data(at)["groups"]}
    (item,) = groups["notes-board"]["items"]
    assert item["status"] == "warn" and item["nodes"]
    assert "500 candidates" in item["message"] and "outputs 400" in item["message"]
    at.switch_page("ui/report.py").run()
    assert "Notes and board disagree" in [h.value for h in at.subheader]


def test_the_report_replays_the_session_and_draws_its_verdicts_over_time():
    """Issue 23: the report plays the session back: the board, the notes and the verdicts
    at any moment, and each rule's status over time."""
    at = started()
    session_id = open_session_id(at)
    type_notes(at, "requirements", "Peak 15k QPS.")
    text_view(at)
    at.text_area(key="w_quick_text").set_value(
        "client: client_app\nranker: ranker\nclient -> ranker"
    )
    at.button(key="w_quick_apply").click().run()
    at.text_area(key="w_quick_text").set_value(
        "client: client_app\nranker: ranker\nfeatures: feature_store\n"
        "client -> ranker\nfeatures -> ranker"
    )
    at.button(key="w_quick_apply").click().run()
    kinds = [e.kind for e in store().history(session_id)]
    assert kinds[:1] == ["start"] and kinds.count("design") == 2 and "notes" in kinds
    at.switch_page("ui/report.py").run()
    assert not at.exception
    assert "Replay" in [h.value for h in at.subheader]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # the verdict timeline
    assert at.slider(key="w_replay_at").value >= 0
    # the first moment: nothing drawn yet; the last: three boxes
    at.slider(key="w_replay_at").set_value(0).run()
    assert any("0 boxes" in m.value for m in at.markdown)
    at.slider(key="w_replay_at").set_value(at.slider(key="w_replay_at").max).run()
    assert any("3 boxes" in m.value for m in at.markdown)
    assert any("Peak 15k QPS." in t.value for t in at.text)
