"""Which scenario a session file practises: the link between sessions and scenarios.

It lives here, not in design_framework.session, so that the packages point one way:
``scenarios`` builds on ``design_framework`` (the steps, the rubric, the session), and no
library module of ``design_framework`` imports ``scenarios``.
"""

from __future__ import annotations

from components.loading import InputError, LoadedYaml, Problem, parse_yaml
from design_framework.session import Session
from scenarios.loader import scenario_from_string


def load_session_text(text: str, source: str, pack: dict):
    """A session file's session and scenario; InputError lists every problem with its line."""
    loaded = parse_yaml(text, source)
    session = Session.from_loaded(loaded)
    scenario, problems = resolve_scenario(session, pack, source, loaded)
    if problems:
        raise InputError(problems)
    return session, scenario


def resolve_scenario(
    session: Session, pack: dict, source: str = "<session>", loaded: LoadedYaml | None = None
):
    """The scenario a session practises, and what in the file does not fit it.

    A session names a shipped scenario or embeds an authored one; its hint indexes must
    point at that scenario's hints. Checked when a file is opened, so a bad file is refused
    with reasons instead of breaking the whiteboard later.
    """
    problems: list[Problem] = []

    def line(path: str) -> int | None:
        return loaded.line_of_dotted(path) if loaded else None

    scenario = None
    if session.scenario_yaml:
        try:
            scenario = scenario_from_string(session.scenario_yaml, "embedded scenario")
        except InputError as error:
            problems += [
                Problem(
                    source,
                    "scenario_yaml",
                    f"the embedded scenario is invalid: {p}",
                    line("scenario_yaml"),
                )
                for p in error.problems
            ]
    elif session.scenario_id:
        scenario = pack.get(session.scenario_id)
        if scenario is None:
            problems.append(
                Problem(
                    source,
                    "scenario_id",
                    f"unknown scenario {session.scenario_id!r} (known: {', '.join(sorted(pack))})",
                    line("scenario_id"),
                )
            )
    hints = len(scenario.hints) if scenario else 0
    for step, indexes in session.hints_used.items():
        bad = [i for i in indexes if not 0 <= i < hints] + [
            i for n, i in enumerate(indexes) if i in indexes[:n]
        ]
        if bad:
            problems.append(
                Problem(
                    source,
                    f"hints_used.{step}",
                    f"hint {bad[0]} does not exist or repeats (the scenario has {hints} hints)",
                    line(f"hints_used.{step}"),
                )
            )
    return scenario, problems
