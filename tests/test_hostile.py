"""The hostile sweep: every entry point over the corpus in tests/hostile.py.

Entry points: the command line (check, render, scenarios validate), the Files page (a
design file, a session file), the author page, the quick-text and YAML editors, and the
interviewer's form. For every input: no traceback (on the page or the terminal), a clear
message naming the file (and the line, where the input has one), and the open session
untouched.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.design import Design
from components.loading import InputError
from design_framework.report import build_report, to_markdown
from design_framework.session import Feedback, Session
from scenarios.cli import main as design_main
from scenarios.cli import main as scenarios_main
from storage import open_store
from tests import hostile
from tests.hostile import DENSE, DESIGNS, FEEDBACK, QUICK, SCENARIOS, SESSIONS, Case
from tests.notes_box import text_view, type_notes

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
KEPT_NOTES = "keep me: 40k QPS, p99 200 ms"
KEPT_DESIGN = "client: client_app\nclient -> gateway(api_gateway) -> ranker\n"


def test_the_corpus_is_large_enough():
    assert hostile.count() >= 80


def readable(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def assert_clear(message: str, case: Case, source: str) -> None:
    assert "Traceback" not in message and 'File "' not in message, message
    assert source in message, f"{case.name}: the message does not name {source}: {message}"
    if case.line is not None:
        assert f"{source}:{case.line}:" in message, (
            f"{case.name}: the message does not name line {case.line}: {message}"
        )


def is_valid_design(case: Case) -> bool:
    try:
        Design.from_string(case.text, "x")
    except InputError:
        return False
    return True


# ---- command line ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", DESIGNS, ids=lambda c: c.name)
def test_cli_check_and_render_refuse_cleanly(case, tmp_path, capsys):
    path = tmp_path / f"{case.name}.yaml"
    path.write_text(case.text, encoding="utf-8", newline="")
    for argv in (["check", str(path)], ["render", str(path), "-o", str(tmp_path / "out.svg")]):
        code = design_main(argv)
        err = capsys.readouterr().err
        assert code in (0, 1, 2)
        if is_valid_design(case) and not case.name.startswith("scenario-"):
            continue
        assert code == 2, f"{case.name}: {argv[0]} exited {code}"
        assert_clear(err, case, str(path))
    assert "root:" not in err and "PATH=" not in err  # nothing read from outside its folder


def test_a_design_may_name_a_scenario_file_beside_it_but_not_elsewhere(tmp_path, capsys):
    folder = tmp_path / "designs"
    folder.mkdir()
    scenario = (ROOT / "scenarios/pack/skip-prediction.yaml").read_text(encoding="utf-8")
    (folder / "mine.yaml").write_text(scenario, encoding="utf-8")
    (tmp_path / "outside.yaml").write_text(scenario, encoding="utf-8")
    beside = folder / "beside.yaml"
    beside.write_text("version: 1\nscenario: mine.yaml\n", encoding="utf-8")
    assert design_main(["check", str(beside), "--format", "json"]) == 1
    assert '"scenario": "skip-prediction"' in capsys.readouterr().out
    escaping = folder / "escaping.yaml"
    escaping.write_text("version: 1\nscenario: ../outside.yaml\n", encoding="utf-8")
    assert design_main(["check", str(escaping)]) == 2
    assert "in the design file's folder" in capsys.readouterr().err


@pytest.mark.parametrize("case", SCENARIOS, ids=lambda c: c.name)
def test_scenarios_validate_refuses_cleanly(case, tmp_path, capsys):
    path = tmp_path / f"{case.name}.yaml"
    path.write_text(case.text, encoding="utf-8")
    assert scenarios_main(["validate", str(path)]) == 2
    assert_clear(capsys.readouterr().err, case, str(path))


# ---- the app ---------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The whiteboard with a session whose notes and design must survive the sweep."""
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.button(key="lib_start_realtime-playlist-recs").click().run()
    type_notes(at, "requirements", KEPT_NOTES)
    text_view(at)
    at.text_area(key="w_quick_text").set_value(KEPT_DESIGN)
    at.button(key="w_quick_apply").click().run()
    assert not at.exception
    at.kept = open_store(os.environ["WHITEBOARD_DATA_DIR"]).load_session(
        at.session_state["session"].id
    )
    assert at.kept.notes["requirements"] == KEPT_NOTES and at.kept.design.components
    return at


def messages(at: AppTest) -> str:
    return readable(
        "\n".join(
            e.value
            for kind in ("error", "warning", "info", "success", "exception")
            for e in getattr(at, kind)
        )
    )


def assert_untouched(at: AppTest, name: str) -> None:
    assert not at.exception, f"{name}: {at.exception}"
    assert at.session_state["session"].id == at.kept.id, name
    stored = open_store(os.environ["WHITEBOARD_DATA_DIR"]).load_session(at.kept.id)
    assert stored.notes == at.kept.notes and stored.design == at.kept.design, name


def test_files_page_design_upload(app):
    app.switch_page("ui/files.py").run()
    for case in DESIGNS:
        name = f"{case.name}.yaml"
        app.file_uploader(key="w_upload_design").upload(name, case.text.encode()).run()
        assert_untouched(app, case.name)
        if not is_valid_design(case):
            assert_clear(messages(app), case, name)
        assert not [i for i in app.get("imgs") if "127.0.0.1:9" in str(i.proto)]


def test_files_page_refuses_to_draw_a_huge_design_and_says_how_big(app):
    app.switch_page("ui/files.py").run()
    app.file_uploader(key="w_upload_design").upload("dense.yaml", DENSE.encode()).run()
    assert_untouched(app, "dense")
    edges = DENSE.count("{from:")
    assert f"Too large to draw: 200 components and {edges:,} edges" in messages(app)
    assert not app.get("bidi_component")  # no board drawn


def test_files_page_session_upload(app):
    app.switch_page("ui/files.py").run()
    for case in SESSIONS:
        name = f"{case.name}.session.yaml"
        app.file_uploader(key="w_upload_session").upload(name, case.text.encode()).run()
        assert_untouched(app, case.name)
        if case.name == "session-injection-title":
            assert "![x]" not in "".join(m.value for m in app.success)  # shown escaped
            continue
        assert_clear(messages(app), case, name)
        assert not [b for b in app.button if b.key == "w_open_session"], case.name


def test_author_page(app):
    app.switch_page("ui/author.py").run()
    for case in SCENARIOS:
        app.text_area(key="w_author_text").set_value(case.text).run()
        assert_untouched(app, case.name)
        if case.text.strip():
            assert_clear(messages(app), case, "scenario.yaml")
    app.text_area(key="w_author_text").set_value(hostile.SCENARIO_WITH_IMAGE).run()
    assert "Valid" in messages(app)
    app.button(key="w_author_practise").click().run()  # a scenario that validates practises
    assert not app.exception
    prompt = " ".join(m.value for m in app.markdown if "Just before a track" in m.value)
    assert "![pixel]" not in prompt and "!\\[pixel]" in prompt


def test_quick_text_editor(app):
    app.switch_page("ui/practice.py").run()
    for case in QUICK:
        text_view(app)
        app.text_area(key="w_quick_text").set_value(case.text)
        app.button(key="w_quick_apply").click().run()
        assert_untouched(app, case.name)
        assert_clear(messages(app), case, "quick text")


def test_yaml_editor(app):
    app.switch_page("ui/practice.py").run()
    text_view(app, "yaml")  # only the open tab is drawn
    for case in DESIGNS:
        if is_valid_design(case):
            continue  # a valid design is applied, by design; the refused ones must not be
        app.text_area(key="w_yaml_text").set_value(case.text)
        app.button(key="w_yaml_apply").click().run()
        assert_untouched(app, case.name)
        assert_clear(messages(app), case, "design YAML")


def test_interviewer_form_limits_are_shown_and_enforced(app):
    interviewer = AppTest.from_file(APP, default_timeout=60)
    interviewer.switch_page("ui/mock.py").run()
    interviewer.button(key="w_mock_host").click().run()  # the interviewer hosts the room
    code = interviewer.query_params["room"]
    summary = interviewer.text_area(key="w_fb_summary")
    assert summary.max_chars == 10_000 and "10,000" in summary.help
    assert interviewer.text_input(key="w_fb_problem_comment").max_chars == 5_000
    interviewer.text_area(key="w_fb_summary").set_value(FEEDBACK["summary"])
    interviewer.text_input(key="w_fb_data_comment").set_value(FEEDBACK["comment"])
    interviewer.button(key="FormSubmitter:w_feedback_form-Save feedback").click().run()
    assert not interviewer.exception
    store = open_store(os.environ["WHITEBOARD_DATA_DIR"])
    saved = store.load_feedback(code)
    # the widgets stop text at the limits (the server cuts it too): saved, never dropped
    assert saved.summary == FEEDBACK["summary"][:10_000]
    assert saved.ratings["data"].comment == FEEDBACK["comment"][:5_000]
    interviewer.text_area(key="w_fb_summary").set_value(FEEDBACK["summary-injection"])
    interviewer.text_input(key="w_fb_data_comment").set_value("fine")
    interviewer.button(key="FormSubmitter:w_feedback_form-Save feedback").click().run()
    assert store.load_feedback(code).summary == FEEDBACK["summary-injection"]


def test_the_markdown_report_escapes_what_users_and_authors_wrote():
    from scenarios.loader import scenario_from_string

    scenario = scenario_from_string(hostile.SCENARIO_WITH_IMAGE, "s.yaml")
    evil = '<img src=x onerror="alert(1)"> ![x](http://127.0.0.1:9/r.png)'
    session = Session(
        scenario_id=scenario.id,
        notes={"requirements": evil},
        feedback=Feedback(summary=evil, verdict="hire"),
    )
    session.design.title = evil
    text = to_markdown(build_report(session, scenario))
    free = to_markdown(build_report(session, None))  # the design title heads a free design
    for report in (text, free):
        assert "<img" not in report
        assert not re.search(r"(?<!\\)!\[", report)  # every image opener escaped
        assert "&lt;img src=x" in report and "!\\[x](http" in report
    assert "!\\[pixel](http" in text  # the authored prompt too


def test_the_server_listens_on_localhost_and_refuses_big_uploads_before_reading_them():
    import tomllib

    from components.loading import MAX_FILE_BYTES

    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    megabytes = config["server"]["maxUploadSize"]
    assert MAX_FILE_BYTES <= megabytes * 1024 * 1024 < 2 * MAX_FILE_BYTES
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "ADDRESS ?= 127.0.0.1" in makefile and "--server.address $(ADDRESS)" in makefile
