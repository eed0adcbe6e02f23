"""The judgement suite: the rubric agrees with an expert's verdicts, rule by rule, on
published architectures, unusual-but-valid shapes and realistic mistakes."""

import json
from collections import Counter

import pytest

from components.loading import InputError
from tests import judgement
from tests.judgement import judge, load_suite, main

SUITE = load_suite()


def _disagreement_text(result) -> str:
    lines = [f"{result.judged.id} ({result.judged.kind}, {result.judged.scenario}):"]
    if result.judged.dropped_params:
        lines.append(
            "  loaded only without the model v2 params the loader rejects: "
            + ", ".join(result.judged.dropped_params)
        )
    for d in result.disagreements:
        lines.append(f"  {d.rule}: expected {d.expected}, got {d.got}")
        lines.append(f"    expert: {d.reason}")
        lines.append(f"    tool:   {d.message}")
    return "\n".join(lines)


@pytest.mark.parametrize("judged", SUITE, ids=[j.id for j in SUITE])
def test_rubric_agrees_with_the_expert(judged):
    result = judge(judged)
    if judged.dropped_params or result.disagreements:
        pytest.fail(_disagreement_text(result), pytrace=False)


def test_suite_covers_what_issue_7_asks_for():
    kinds = Counter(j.kind for j in SUITE)
    assert len(SUITE) >= 44
    assert len({j.scenario for j in SUITE}) >= 9
    assert kinds["published"] >= 12 and kinds["mistake"] >= 18 and kinds["valid"] >= 1
    assert all(j.source for j in SUITE if j.kind == "published")
    # a mistake names what must flag it; otherwise it tests nothing
    assert all(
        any(v.status in ("fail", "warn") for v in j.expect.values())
        for j in SUITE
        if j.kind == "mistake"
    )


GOOD = """\
designs:
  - id: tiny
    scenario: skip-prediction
    kind: mistake
    why: A skip model with nothing around it.
    quick: |
      client: client_app
      client -> gateway(api_gateway) -> model_server
    expect:
      loop.feedback: "fail: nothing is logged"
"""


def _problems(tmp_path, text, name="bad.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_suite(path)
    return [str(p) for p in caught.value.problems]


def test_a_well_formed_file_loads(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    (tiny,) = load_suite(path)
    assert (tiny.id, tiny.scenario, tiny.kind) == ("tiny", "skip-prediction", "mistake")
    assert tiny.expect["loop.feedback"].status == "fail"
    assert tiny.expect["loop.feedback"].reason == "nothing is logged"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "loop.feedback:",
            "loop.feedbak:",
            "bad.yaml:10: designs.0.expect.loop.feedbak: design 'tiny': unknown rule "
            "'loop.feedbak' (did you mean 'loop.feedback'?)",
        ),
        (
            "scenario: skip-prediction",
            "scenario: skip-predictoin",
            "bad.yaml:3: designs.0.scenario: design 'tiny': unknown scenario "
            "'skip-predictoin' (did you mean 'skip-prediction'?)",
        ),
        (
            '"fail: nothing is logged"',
            '"failed: nothing is logged"',
            "bad.yaml:10: designs.0.expect.loop.feedback: design 'tiny': bad status 'failed' "
            "for loop.feedback",
        ),
        (
            '"fail: nothing is logged"',
            '"fail"',
            "bad.yaml:10: designs.0.expect.loop.feedback: design 'tiny': verdict for "
            "loop.feedback needs a reason",
        ),
        (
            "loop.feedback:",
            "funnel.bounds:",
            "bad.yaml:10: designs.0.expect.funnel.bounds: design 'tiny': rule 'funnel.bounds' "
            "is not applied by scenario 'skip-prediction'",
        ),
        (
            "loop.feedback:",
            "capacity.batch_window:",
            "design 'tiny': rule 'capacity.batch_window' is not applied by scenario "
            "'skip-prediction'",
        ),
        (
            "kind: mistake",
            "kind: mistakes",
            "bad.yaml:4: designs.0.kind: design 'tiny': unknown kind 'mistakes' "
            "(kinds: published, valid, mistake)",
        ),
        (
            "    why: A skip model with nothing around it.\n",
            "",
            "bad.yaml:2: designs.0: design 'tiny': missing field 'why'",
        ),
        (
            "    kind: mistake\n",
            "    kind: mistake\n    verdict: wrong\n",
            "bad.yaml:5: designs.0.verdict: design 'tiny': unknown field 'verdict'",
        ),
        (
            "client -> gateway(api_gateway) -> model_server",
            "client -> gateway(api_gateway) -> modelserver",
            "bad.yaml:8: designs.0.quick: design 'tiny': 'modelserver' is not declared",
        ),
        (
            "id: tiny",
            "id: Tiny_Design",
            "designs.0.id: design 'Tiny_Design': id must be kebab-case",
        ),
    ],
)
def test_malformed_fixtures_name_file_design_and_field(tmp_path, old, new, expected):
    assert old in GOOD
    problems = _problems(tmp_path, GOOD.replace(old, new))
    assert any(expected in p for p in problems), problems


def test_duplicate_design_ids_across_files_are_named(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_suite(tmp_path)
    assert "b.yaml:2: designs.0.id: duplicate design id 'tiny' (also in" in str(caught.value)


def test_the_cli_exits_2_naming_the_bad_file(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("loop.feedback:", "loop.feedbak:"), encoding="utf-8")
    assert main([str(path)]) == 2
    assert "bad.yaml:10" in capsys.readouterr().err


def test_expected_fail_matches_a_warn_only_where_the_scenario_says_warn():
    assert judgement.matches("fail", "warn", "warn")
    assert not judgement.matches("fail", "warn", "fail")
    assert not judgement.matches("warn", "fail", "fail")
    assert not judgement.matches("pass", "skip", "fail")


def test_report_counts_agreement_per_rule_and_lists_each_disagreement(tmp_path, capsys):
    # the expert is deliberately wrong here (this design has no feedback loop at all)
    path = tmp_path / "one.yaml"
    path.write_text(GOOD.replace('"fail: nothing is logged"', '"pass: wrong on purpose"'))
    assert main([str(path), "--format", "json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["designs"] == 1
    assert summary["by_rule"]["loop.feedback"] == {"agreed": 0, "judged": 1, "percent": 0.0}
    (row,) = [d for d in summary["disagreements"] if d["rule"] == "loop.feedback"]
    assert (row["design"], row["expected"], row["got"]) == ("tiny", "pass", "fail")
    assert row["reason"] == "wrong on purpose" and row["message"]
    assert main([str(path)]) == 1
    text = capsys.readouterr().out
    assert "loop.feedback" in text and "expected pass, got fail" in text
    assert "expert: wrong on purpose" in text


@pytest.mark.parametrize("form", ["quick", "design"])
def test_a_model_v2_param_loads_or_is_reported_as_dropped(tmp_path, form):
    if form == "quick":
        body = GOOD.replace("-> model_server", "-> skip(model_server)").replace(
            "      client: client_app\n",
            "      client: client_app\n      skip: model_server replicas=3\n",
        )
    else:
        body = GOOD.replace(
            "    quick: |\n"
            "      client: client_app\n"
            "      client -> gateway(api_gateway) -> model_server\n",
            "    design:\n"
            "      version: 1\n"
            "      components:\n"
            "        - {id: client, type: client_app}\n"
            "        - {id: skip, type: model_server, params: {replicas: 3}}\n"
            "      edges:\n"
            "        - {from: client, to: skip}\n",
        )
    path = tmp_path / "v2.yaml"
    path.write_text(body, encoding="utf-8")
    (tiny,) = load_suite(path)
    replicas = getattr(tiny.design.component("skip").params, "replicas", None)
    assert replicas == 3 or tiny.dropped_params == ["replicas=3"]
