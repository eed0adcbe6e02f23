"""The command lines, as a user in a shell meets them: output, exit codes, files written."""

import json
from pathlib import Path

import pytest

from scenarios.cli import main as design_main
from scenarios.cli import main as scenarios_main
from scenarios.loader import get_scenario, shipped_scenarios

SLOW_RANKER = """\
version: 1
scenario: realtime-playlist-recs
components:
  - {id: client, type: client_app}
  - {id: gateway, type: api_gateway}
  - {id: retrieval, type: candidate_generation, params: {out_k: 200000}}
  - {id: rank, type: ranker}
edges:
  - {from: client, to: gateway}
  - {from: gateway, to: retrieval}
  - {from: retrieval, to: rank}
"""


@pytest.fixture
def reference_file(tmp_path):
    scenario = get_scenario("realtime-playlist-recs")
    path = tmp_path / "reference.yaml"
    path.write_text(
        scenario.reference_design.model_copy(update={"scenario": scenario.id}).to_yaml()
    )
    return path


def test_check_passes_a_reference_design(reference_file, capsys):
    assert design_main(["check", str(reference_file)]) == 0
    out = capsys.readouterr().out
    assert "against realtime-playlist-recs: PASSED, score 100/100" in out


def test_check_explains_a_failure_and_exits_1(tmp_path, capsys):
    path = tmp_path / "slow.yaml"
    path.write_text(SLOW_RANKER)
    assert design_main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out
    assert "FAIL latency.budget [serving] The slowest request path takes 7,030.0 ms" in out
    assert "hint: Send fewer items to the expensive stage" in out


def test_check_json_has_the_contract_shape(tmp_path, capsys):
    path = tmp_path / "slow.yaml"
    path.write_text(SLOW_RANKER)
    assert design_main(["check", str(path), "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"scenario", "passed", "score", "findings"}
    assert result["scenario"] == "realtime-playlist-recs" and result["passed"] is False
    assert 0 <= result["score"] < 100
    latency = next(f for f in result["findings"] if f["rule"] == "latency.budget")
    assert set(latency) == {"rule", "status", "step", "message", "nodes", "figures", "hint"}
    assert latency["status"] == "fail" and latency["figures"]["budget_ms"] == 200
    assert latency["figures"]["total_ms"] == 7030.0  # 5 + (15 + 2,000 scan) + (10 + 5,000)


def test_check_with_scenario_option_and_no_scenario(tmp_path, capsys):
    path = tmp_path / "bare.yaml"
    path.write_text(SLOW_RANKER.replace("scenario: realtime-playlist-recs\n", ""))
    assert design_main(["check", str(path), "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["scenario"] is None
    statuses = {f["rule"]: f["status"] for f in result["findings"]}
    assert statuses["latency.budget"] == "skip"  # no budget without a scenario
    # --scenario also takes a scenario file, for authors trying one out
    assert (
        design_main(
            ["check", str(path), "--scenario", "scenarios/pack/realtime-playlist-recs.yaml"]
        )
        == 1
    )
    assert "against realtime-playlist-recs: FAILED" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "version: 1\ncomponents:\n  - {id: a, type: rankr}\n",
            "bad.yaml:3: components.0.type: unknown component type 'rankr'",
        ),
        ("version: 1\ncomponents: [", "bad.yaml:2: invalid YAML"),
        (
            "version: 1\nscenario: no-such-scenario\n",
            "bad.yaml:2: scenario: unknown scenario 'no-such-scenario'",
        ),
    ],
)
def test_check_exits_2_on_unreadable_input(tmp_path, capsys, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    assert design_main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_render_writes_png_svg_dot_and_mermaid(reference_file, tmp_path, capsys):
    for suffix, start in (
        (".png", b"\x89PNG"),
        (".svg", b"<?xml"),
        (".dot", b"digraph"),
        (".mmd", b"flowchart LR"),
    ):
        out = tmp_path / f"design{suffix}"
        assert design_main(["render", str(reference_file), "-o", str(out)]) == 0
        assert out.read_bytes().startswith(start)
    assert "wrote" in capsys.readouterr().out


def test_render_refuses_an_unknown_output_type(reference_file, tmp_path, capsys):
    assert design_main(["render", str(reference_file), "-o", str(tmp_path / "x.gif")]) == 2
    assert "unknown output type" in capsys.readouterr().err


def test_scenarios_list_shows_the_pack(capsys):
    assert scenarios_main(["list"]) == 0
    out = capsys.readouterr().out
    for scenario_id in shipped_scenarios():
        assert scenario_id in out


def test_scenarios_schema_is_a_json_schema(capsys):
    assert scenarios_main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"id", "requirements", "rules", "reference_design"} <= set(schema["required"])


def test_scenarios_validate_the_pack_and_a_broken_file(tmp_path, capsys):
    assert scenarios_main(["validate", "scenarios/pack"]) == 0
    assert f"{len(shipped_scenarios())} valid, 0 invalid" in capsys.readouterr().out
    broken = tmp_path / "broken.yaml"
    original = Path("scenarios/pack/realtime-playlist-recs.yaml").read_text()
    broken.write_text(
        original.replace("latency.budget: {}", "latency.budgt: {}").replace(
            "funnel.bounds: {}", "funnel.bounds: {colour: red}"
        )
    )
    assert scenarios_main(["validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "rules.latency.budgt: unknown rule (did you mean 'latency.budget'?)" in err
    assert "rule 'funnel.bounds' has no option 'colour'" in err
    line = next(i for i, t in enumerate(original.splitlines(), 1) if "latency.budget: {}" in t)
    assert f"broken.yaml:{line}: rules.latency.budgt" in err


def test_scenarios_validate_reports_a_reference_design_that_fails(tmp_path, capsys):
    original = Path("scenarios/pack/realtime-playlist-recs.yaml").read_text()
    broken = tmp_path / "weak.yaml"
    broken.write_text(
        original.replace("    - {from: experiment, to: service}\n", "").replace(
            "    - {from: gateway, to: experiment}\n", "    - {from: gateway, to: service}\n"
        )
    )
    assert scenarios_main(["validate", str(broken)]) == 2
    assert "reference_design: fails experiment.ab_layer" in capsys.readouterr().err


def test_render_refuses_a_design_too_large_to_draw_before_checking_it(
    tmp_path, capsys, monkeypatch
):
    # issue 20: render ran the rubric (31-51 s) on a design it then refused to draw
    import scenarios.commands as cli

    monkeypatch.setattr(cli, "check_design", lambda *a, **k: pytest.fail("the rubric ran"))
    edges = "\n".join(f"  - {{from: n{i}, to: n{j}}}" for i in range(60) for j in range(i + 1, 60))
    nodes = "\n".join(f"  - {{id: n{i}, type: ranker}}" for i in range(60))
    path = tmp_path / "big.yaml"
    path.write_text(f"version: 1\ncomponents:\n{nodes}\nedges:\n{edges}\n")
    assert design_main(["render", str(path), "-o", str(tmp_path / "big.png")]) == 2
    assert "Too large to draw: 60 components and 1,770 edges" in capsys.readouterr().err


def test_check_answers_what_if_with_other_numbers(tmp_path, capsys):
    """Issue 22: `check --set` tries other numbers without a scenario file of its own."""
    design = tmp_path / "design.yaml"
    design.write_text(get_scenario("realtime-playlist-recs").reference_design.to_yaml())
    args = ["check", str(design), "--scenario", "realtime-playlist-recs", "--format", "json"]
    assert design_main(args) == 0
    capsys.readouterr()
    assert design_main([*args, "--set", "latency_budget_ms=60", "--set", "qps=150,000"]) == 1
    found = {f["rule"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    assert found["latency.budget"]["status"] == "fail"
    assert found["latency.budget"]["figures"]["budget_ms"] == 60
    for bad, says in [
        ("qps=lots", "'lots' is not a number"),
        ("speed=3", "unknown number"),
        ("latency_budget_ms=-5", "latency_budget_ms"),
    ]:
        assert design_main([*args, "--set", bad]) == 2
        assert says in capsys.readouterr().err
    assert design_main(["check", str(design), "--set", "qps=5"]) == 2
    assert "give --scenario" in capsys.readouterr().err


def test_report_tells_how_a_session_adapted_to_its_curveballs(tmp_path, capsys):
    from components.catalog import load_catalog
    from design_framework.curveballs import custom_curveball, deliver, note_recovery
    from design_framework.rubric import check_design
    from design_framework.session import Session

    scenario = get_scenario("realtime-playlist-recs")
    session = Session(scenario_id=scenario.id, design=scenario.reference_design, length_minutes=45)
    session.start(now=1000.0)
    ball = custom_curveball(session, {"latency_budget_ms": 60}, "Now 60 ms.", "interviewer")
    deliver(session, ball, "interviewer", scenario, check_design, now=1600.0)
    kept = session.design.model_dump(by_alias=True)
    kept["components"] = [c for c in kept["components"] if c["id"] != "trending"]
    kept["edges"] = [e for e in kept["edges"] if "trending" not in (e["from"], e["to"])]
    session.design = type(session.design).model_validate(kept)
    catalog = load_catalog()
    for component in session.design.components:  # every box nearly free: fits 60 ms
        kind = catalog.get(component.type)
        if kind.latency_ms is not None and kind.role not in ("entry", "offline"):
            component.params.latency_ms = 1
    changed = scenario.with_curveballs(session.curveballs)
    note_recovery(session, check_design(session.design, changed), now=1990.0)
    session.updated_at = 2000.0
    path = tmp_path / "s.session.yaml"
    path.write_text(session.to_yaml())
    assert design_main(["report", str(path), "--format", "json"]) == 0
    (outcome,) = json.loads(capsys.readouterr().out)["curveballs"]
    assert outcome["changed"] == ["latency budget 200 ms → 60 ms"]
    assert outcome["broke"] == [{"rule": "latency.budget", "before": "pass", "after": "fail"}]
    assert outcome["passed_again_after_s"] == 390.0 and outcome["removed"] == ["trending"]
    assert design_main(["report", str(path), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "## Curveballs" in markdown
    assert "the design passed again 6:30 later" in markdown
    assert design_main(["report", str(path)]) == 0
    assert "Curveballs:" in capsys.readouterr().out


def test_render_scale_2_draws_twice_the_pixels_and_carries_the_design(reference_file, tmp_path):
    from components.design import Design
    from components.embedded import design_text

    one, two = tmp_path / "one.png", tmp_path / "two.png"
    assert design_main(["render", str(reference_file), "-o", str(one)]) == 0
    assert design_main(["render", str(reference_file), "-o", str(two), "--scale", "2"]) == 0
    width = int.from_bytes(one.read_bytes()[16:20], "big")
    assert abs(int.from_bytes(two.read_bytes()[16:20], "big") - 2 * width) <= 2
    assert Design.from_string(design_text(two.read_bytes(), "two.png")) == Design.from_path(
        reference_file
    )


def test_render_scale_is_for_png_only(reference_file, tmp_path, capsys):
    out = str(tmp_path / "x.svg")
    assert design_main(["render", str(reference_file), "-o", out, "--scale", "2"]) == 2
    assert "--scale 2: only a PNG has a scale (this is svg)" in capsys.readouterr().err


def test_the_contract_s_command_line_runs_as_python_m_design_framework(tmp_path):
    """The design names `python -m design_framework check|render|report`: it stays so."""
    import subprocess
    import sys

    design = tmp_path / "design.yaml"
    design.write_text(get_scenario("realtime-playlist-recs").reference_design.to_yaml())
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "design_framework",
            "check",
            str(design),
            "--scenario",
            "realtime-playlist-recs",
            "--set",
            "latency_budget_ms=60",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and "FAIL latency.budget" in run.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "design_framework", "check", str(tmp_path / "none.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "none.yaml" in bad.stderr
