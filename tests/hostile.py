"""A corpus of hostile inputs for every entry point: broken, huge, deep, out-of-range,
injecting, and path-escaping files and texts.

Each case has a name (the test id), the text, and the line a good message must name
(None where the file has no line to blame, such as an empty file or one over the size cap;
the message must still name the file). ``tests/test_hostile.py`` sweeps them through the
command line, the file pages, the author page, the quick-text and YAML editors and the
interviewer's form.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from components.loading import MAX_FILE_BYTES


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    line: int | None = None
    """Line the message must name; None: only the file."""


HEAD = "version: 1\ncomponents:\n  - {id: client, type: client_app}\n"
BIG_INT = "1" + "0" * 5000
INJECTIONS = [
    "![b](http://127.0.0.1:9/pixel.png)",
    '<img src=x onerror="alert(1)">',
    "<script>alert(1)</script>",
    '"}; digraph x { a -> b',
    "[click](javascript:alert(1))",
    ":red[**boom**] $$x$$",
    "\u202eevil\u200b",
]


def _design(body: str) -> str:
    return HEAD + body


DESIGNS: list[Case] = [
    Case("empty", ""),
    Case("only-comment", "# nothing here\n"),
    Case("not-a-mapping", "- just\n- a list\n", 1),
    Case("scalar", "42\n", 1),
    Case("no-version", "components: []\nedges: []\n", 1),
    Case("version-2", "version: 2\n", 1),
    Case("version-true", "version: true\n", 1),
    Case("bad-yaml", "version: 1\ncomponents: [\n", 3),
    Case("tab-indent", "version: 1\ncomponents:\n\t- {id: a, type: ranker}\n", 3),
    Case("nul-byte", "version: 1\ntitle: a\x00b\n", 2),
    Case("duplicate-key", "version: 1\ntitle: a\ntitle: b\n", 3),
    Case("unknown-key", "version: 1\nowner: me\n", 2),
    Case("unknown-type", _design("  - {id: r, type: rankr}\n"), 4),
    Case("duplicate-id", _design("  - {id: client, type: ranker}\n"), 4),
    Case("bad-id", _design("  - {id: 'Bad Id!', type: ranker}\n"), 4),
    Case("long-id", _design(f"  - {{id: {'a' * 500}, type: ranker}}\n"), 4),
    Case("edge-unknown", _design("edges:\n  - {from: client, to: nowhere}\n"), 5),
    Case("self-loop", _design("edges:\n  - {from: client, to: client}\n"), 5),
    Case("edge-duplicate", _design("edges:\n  - {from: client, to: client2}\n" * 1), 5),
    Case("nan", _design("  - {id: r, type: ranker, params: {latency_ms: .nan}}\n"), 4),
    Case("inf", _design("  - {id: r, type: ranker, params: {latency_ms: .inf}}\n"), 4),
    Case("negative", _design("  - {id: r, type: ranker, params: {latency_ms: -5}}\n"), 4),
    Case("e308", _design("  - {id: r, type: ranker, params: {latency_ms: 1e308}}\n"), 4),
    Case("big-int", _design(f"  - {{id: r, type: ranker, params: {{out_k: {BIG_INT}}}}}\n"), 4),
    Case(
        "big-float",
        _design(f"  - {{id: r, type: ranker, params: {{latency_ms: {BIG_INT}.5}}}}\n"),
        4,
    ),
    Case("zero-count", _design("  - {id: r, type: ranker, params: {out_k: 0}}\n"), 4),
    Case("quoted-number", _design("  - {id: r, type: ranker, params: {out_k: '100'}}\n"), 4),
    Case("bool-number", _design("  - {id: r, type: ranker, params: {out_k: yes}}\n"), 4),
    Case("unknown-param", _design("  - {id: r, type: ranker, params: {gpu: 8}}\n"), 4),
    Case("param-not-used", _design("  - {id: l, type: data_lake, params: {latency_ms: 5}}\n"), 4),
    Case("params-list", _design("  - {id: r, type: ranker, params: [1, 2]}\n"), 4),
    Case("components-mapping", "version: 1\ncomponents: {a: b}\n", 2),
    Case("edges-scalar", "version: 1\nedges: 5\n", 2),
    Case("long-title", "version: 1\ntitle: " + "t" * 300 + "\n", 2),
    Case("long-label", _design("  - {id: r, type: ranker, label: " + "l" * 300 + "}\n"), 4),
    Case(
        "alias-bomb",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
            for i in range(8)
        ),
        None,
    ),
    Case("deep-flow", "version: 1\ntitle: " + "[" * 5000 + "]" * 5000 + "\n", 2),
    Case(
        "deep-block",
        "version: 1\ntitle:\n"
        + "".join("  " * i + "- \n" for i in range(1, 3))
        + "x: "
        + "{a: " * 2000
        + "1"
        + "}" * 2000
        + "\n",
        5,
    ),
    Case("over-size-cap", "version: 1\ntitle: x\n# " + "p" * MAX_FILE_BYTES + "\n"),
    Case("binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1),
    Case("bom-and-crlf", "\ufeffversion: 1\r\ncomponents: [{id: a, type: rankr}]\r\n", 2),
    Case("scenario-traversal", "version: 1\nscenario: ../../../../etc/passwd\n", 2),
    Case("scenario-proc", "version: 1\nscenario: /proc/self/environ\n", 2),
    Case("scenario-absolute-yaml", "version: 1\nscenario: /etc/hosts.yaml\n", 2),
    Case("scenario-unknown", "version: 1\nscenario: no-such-scenario\n", 2),
    Case("scenario-number", "version: 1\nscenario: 5\n", 2),
    *[
        Case(f"inject-type-{n}", _design(f"  - {{id: r, type: {text!r}}}\n"), 4)
        for n, text in enumerate(INJECTIONS)
    ],
]
"""Design files (command line, Files page, YAML editor)."""

# A design that hits the node and edge caps but is valid YAML (the drawing guard).
DENSE = (
    "version: 1\ncomponents:\n"
    + "".join(f"  - {{id: n{i}, type: monitoring}}\n" for i in range(200))
    + "edges:\n"
    + "".join(f"  - {{from: n{i}, to: n{j}}}\n" for i in range(200) for j in range(200) if i < j)[
        :900_000
    ].rsplit("\n", 1)[0]
    + "\n"
)

SESSION_HEAD = "kind: session\nversion: 1\nid: hostile0000001\n"


def _session(body: str) -> str:
    return SESSION_HEAD + body


SESSIONS: list[Case] = [
    Case("design-file-not-session", "version: 1\ncomponents: []\n", 1),
    Case("session-empty", ""),
    Case("spent-e308", _session("spent_s: {requirements: 1e308, data: 1e308}\n"), 4),
    Case("spent-negative", _session("spent_s: {requirements: -1}\n"), 4),
    Case("spent-big-int", _session(f"spent_s: {{requirements: {BIG_INT}}}\n"), 4),
    Case("created-far-future", _session("created_at: 1e300\n"), 4),
    Case("running-since-nan", _session("running_since: .nan\n"), 4),
    Case("finished-inf", _session("finished_at: .inf\n"), 4),
    Case("unknown-step", _session("notes: {old_step: text}\n"), 4),
    Case("current-step-unknown", _session("current_step: nope\n"), 4),
    Case("length-7", _session("length_minutes: 7\n"), 4),
    Case("length-big", _session(f"length_minutes: {BIG_INT}\n"), 4),
    Case("bad-id", "kind: session\nversion: 1\nid: '../../etc'\n", 3),
    Case("unknown-scenario", _session("scenario_id: no-such\n"), 4),
    Case(
        "hint-out-of-range", _session("scenario_id: skip-prediction\nhints_used: {data: [99]}\n"), 5
    ),
    Case("hint-big-int", _session(f"hints_used: {{data: [{BIG_INT}]}}\n"), 4),
    Case("embedded-scenario-broken", _session("scenario_yaml: 'id: x'\n"), 4),
    Case("embedded-design-broken", _session("design: {version: 1, components: [{id: a}]}\n"), 4),
    Case("feedback-summary-long", _session("feedback: {summary: " + "s" * 10_001 + "}\n"), 4),
    Case(
        "feedback-comment-long",
        _session("feedback: {ratings: {data: {comment: " + "c" * 5001 + "}}}\n"),
        4,
    ),
    Case("feedback-score-9", _session("feedback: {ratings: {data: {score: 9}}}\n"), 4),
    Case("notes-not-text", _session("notes: {data: [1, 2]}\n"), 4),
    Case(
        "session-injection-title",
        _session("design: {version: 1, title: '![x](http://127.0.0.1:9/a.png)'}\n"),
        None,
    ),
]
"""Session files (Files page). The last one is valid: it must open with its title escaped."""

SCENARIO_OK = (Path(__file__).parent.parent / "scenarios/pack/skip-prediction.yaml").read_text(
    encoding="utf-8"
)


def _scenario_with(old: str, new: str) -> str:
    assert old in SCENARIO_OK, old
    return SCENARIO_OK.replace(old, new, 1)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _scenario_case(name: str, old: str, new: str, blamed: str | None = None) -> Case:
    """The shipped skip-prediction scenario with ``old`` replaced by ``new``; the message
    must name the line holding ``blamed`` (default: the first line of ``new``)."""
    text = _scenario_with(old, new)
    return Case(name, text, _line_of(text, blamed or new.splitlines()[0]))


SCENARIO_WITH_IMAGE = (
    _scenario_with(
        "Just before a track", "![pixel](http://127.0.0.1:9/p.png) <img src=x> Just before a track"
    )
    .replace(
        "  - The most useful signal is what happened two tracks ago.",
        "  - ![h](http://127.0.0.1:9/h.png) The most useful signal is what happened two tracks ago.",
    )
    .replace("  - ![h]", "  - >-\n    ![h]")
)
"""A valid scenario whose text tries to load remote images: it must validate, and no page
may render an image from it."""

SCENARIOS: list[Case] = [
    Case("scenario-empty", ""),
    Case("scenario-list", "- a\n", 1),
    Case("scenario-bad-yaml", "id: x\ntitle: [\n", 3),
    Case("scenario-missing-fields", "id: x\n", 1),
    _scenario_case("scenario-users-big", "users:", f"users: {BIG_INT}\n  x_users:"),
    _scenario_case("scenario-users-e308", "users:", "users: 1e308\n  x_users:"),
    _scenario_case("scenario-bad-rule", "rules:", "rules:\n  latency.budgett: {}", "budgett"),
    _scenario_case("scenario-bad-step", "steps:", "steps:\n  old_step: {}", "old_step"),
    _scenario_case("scenario-users-negative", "users:", "users: -5\n  x_users:", "users: -5"),
    _scenario_case("scenario-budget-e308", "latency_budget_ms: 50", "latency_budget_ms: 1e308"),
    Case("scenario-over-cap", SCENARIO_OK + "\n# " + "p" * 600_000 + "\n"),
    Case("scenario-deep", "id: x\ntitle: " + "[" * 3000 + "]" * 3000 + "\n", 2),
]
"""Scenario files (``python -m scenarios validate``, the author page)."""

QUICK: list[Case] = [
    Case("quick-nan", "client: client_app\nr: ranker latency_ms=nan\n", 2),
    Case("quick-inf", "client: client_app\nr: ranker latency_ms=inf\n", 2),
    Case("quick-big-int", f"client: client_app\nr: ranker out_k={BIG_INT}\n", 2),
    Case("quick-e308", "client: client_app\nr: ranker latency_ms=1e308\n", 2),
    Case("quick-negative", "r: ranker\nx: ranker latency_ms=-1\n", 2),
    Case("quick-self-loop", "client: client_app\nr: ranker\nr -> r\n", 3),
    Case("quick-long-label", 'client: client_app\nr: ranker "' + "l" * 300 + '"\n', 2),
    Case(
        "quick-long-edge-label",
        "client: client_app\nr: ranker\nclient -> r : " + "e" * 300 + "\n",
        3,
    ),
    Case("quick-long-id", f"{'a' * 100}: ranker\n", 1),
    Case("quick-unknown-type", "r: rankr\n", 1),
    Case("quick-undeclared", "a -> b\n", 1),
    Case("quick-unbalanced-quote", 'r: ranker "oops\n', 1),
    Case("quick-garbage", "!!!\n", 1),
    Case("quick-image-type", "r: ![b](http://127.0.0.1:9/q.png)\n", 1),
    Case("quick-duplicate-edge", "client: client_app\nr: ranker\nclient -> r\nclient -> r\n", 4),
]
"""Quick-text inputs (the whiteboard's quick editor)."""

FEEDBACK = {
    "summary": "s" * 10_001,
    "comment": "c" * 5_001,
    "summary-injection": "<img src=x onerror=alert(1)> ![x](http://127.0.0.1:9/f.png)",
}
"""Interviewer form inputs: over the limits, and injecting."""


def count() -> int:
    return len(DESIGNS) + len(SESSIONS) + len(SCENARIOS) + len(QUICK) + len(FEEDBACK) + 1
