"""The practice session: clock arithmetic, budgets, the session file."""

import pytest

from components.loading import InputError
from components.quick import parse_quick
from design_framework.session import Session, clock_plan, clock_view, mmss, step_budgets
from scenarios.loader import shipped_scenarios
from scenarios.sessions import resolve_scenario

T0 = 1_000_000.0


def test_time_is_booked_to_the_step_being_left():
    session = Session(scenario_id="skip-prediction")
    session.start(T0)
    session.go_to("framing", T0 + 300)
    session.go_to("data", T0 + 420)
    session.pause(T0 + 480)
    assert session.spent_s == {"requirements": 300, "framing": 120, "data": 60}
    assert session.elapsed_seconds(T0 + 10_000) == 480  # paused: no time passes


def test_moving_while_paused_books_nothing_and_stays_paused():
    session = Session()
    session.go_to("model", T0)
    assert not session.running and session.spent_s == {}


def test_finish_stops_the_clock_and_cannot_restart():
    session = Session()
    session.start(T0)
    session.finish(T0 + 60)
    session.start(T0 + 120)
    assert not session.running and session.elapsed_seconds(T0 + 500) == 60


def test_budgets_add_up_for_every_length():
    for length in (30, 45, 60):
        assert sum(step_budgets(length).values()) == pytest.approx(length)
    assert sum(step_budgets(None).values()) == pytest.approx(45)


def test_an_overrun_shrinks_what_is_left_for_later_steps():
    session = Session(length_minutes=45)
    budgets = step_budgets(45)
    session.start(T0)
    overrun = 4 * 60
    view = clock_view(session, T0 + budgets["requirements"] * 60 + overrun)
    assert view.step_left_s == -overrun
    assert view.overrun_s == overrun
    later_total = sum(view.later_budgets_s.values())
    assert later_total == pytest.approx((45 - budgets["requirements"]) * 60 - overrun)
    assert view.total_left_s == pytest.approx(later_total)


def test_on_plan_later_budgets_are_unchanged():
    session = Session(length_minutes=60)
    session.start(T0)
    view = clock_view(session, T0 + 60)
    assert view.overrun_s == 0
    assert view.later_budgets_s["serving"] == step_budgets(60)["serving"] * 60


def test_untimed_sessions_have_no_total_budget():
    session = Session(length_minutes=None)
    session.start(T0)
    assert clock_view(session, T0 + 30).total_left_s is None


def advanced(plan: dict, dt: float) -> dict:
    """What static/clock.js shows ``dt`` seconds after the plan came (the same arithmetic)."""
    dt = dt if plan["running"] else 0.0
    behind = plan["behind"] + dt
    total_left = None if plan["totalLeft"] is None else plan["totalLeft"] - dt
    later_planned = sum(budget for _, budget in plan["later"])
    scale = 1.0
    if total_left is not None and later_planned > 0:
        scale = min(1.0, max(0.0, total_left - max(0.0, -behind)) / later_planned)
    return {
        "step_left": plan["stepLeft"] - dt,
        "total_left": total_left,
        "elapsed": plan["elapsed"] + dt,
        "overrun": max(0.0, behind),
        "later": [budget * scale for _, budget in plan["later"]],
    }


@pytest.mark.parametrize("length", [30, 45, None])
@pytest.mark.parametrize("dt", [0, 1, 59, 61, 400, 4000])
def test_the_browser_clock_advanced_from_its_plan_agrees_with_the_clock_later(length, dt):
    # 20 s before the requirements budget runs out, with framing walked early: the plan
    # crosses from ahead to behind within the dt range
    session = Session(length_minutes=length)
    budgets = step_budgets(length)
    session.start(T0)
    session.go_to("framing", T0 + 30)
    session.go_to("requirements", T0 + 30 + budgets["framing"] * 60 - 40)
    now = T0 + budgets["requirements"] * 60 + budgets["framing"] * 60 - 60
    shown = advanced(clock_plan(session, now), dt)
    later = clock_view(session, now + dt)
    assert shown["step_left"] == pytest.approx(later.step_left_s, abs=0.2)
    assert shown["elapsed"] == pytest.approx(later.total_elapsed_s, abs=0.2)
    assert shown["overrun"] == pytest.approx(later.overrun_s, abs=0.2)
    assert shown["later"] == pytest.approx(list(later.later_budgets_s.values()), abs=0.5)
    if length is None:
        assert shown["total_left"] is None and later.total_left_s is None
    else:
        assert shown["total_left"] == pytest.approx(later.total_left_s, abs=0.2)


def test_a_paused_or_finished_clock_plan_stands_still():
    session = Session(length_minutes=45)
    session.start(T0)
    session.pause(T0 + 100)
    plan = clock_plan(session, T0 + 500)
    assert plan["status"] == "paused" and not plan["running"]
    assert advanced(plan, 300)["step_left"] == plan["stepLeft"]
    session.start(T0 + 600)
    session.finish(T0 + 700)
    plan = clock_plan(session, T0 + 900)
    assert plan["status"] == "finished" and not plan["running"]
    assert plan["elapsed"] == 200


def test_the_session_file_round_trips_with_its_design():
    session = Session(
        scenario_id="realtime-playlist-recs",
        notes={"data": "feature store"},
        design=parse_quick("client: client_app\nclient -> ranker : request"),
    )
    session.start(T0)
    session.go_to("data", T0 + 30)
    again = Session.from_string(session.to_yaml(), "s.yaml")
    assert again == session


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\ncomponents: []\n", "s.yaml:1: kind: not a session file"),
        ("kind: session\ncurrent_step: lunch\n", "s.yaml:2: current_step: unknown step 'lunch'"),
        ("kind: session\nnotes:\n  dessert: cake\n", "s.yaml:3: notes.dessert: unknown step"),
        ("kind: session\nlength_minutes: 50\n", "s.yaml:2: length_minutes: 50 is not offered"),
        (
            "kind: session\ndesign:\n  components:\n    - {id: a, type: rankr}\n",
            "s.yaml:4: design.components.0.type: unknown component type 'rankr'",
        ),
    ],
)
def test_bad_session_files_name_file_path_and_line(text, expected):
    with pytest.raises(InputError) as caught:
        Session.from_string(text, "s.yaml")
    assert any(expected in str(p) for p in caught.value.problems), caught.value


def test_mmss():
    assert mmss(65) == "1:05" and mmss(-65) == "-1:05" and mmss(0) == "0:00"


def test_a_session_is_checked_against_its_scenario_when_opened():
    pack = shipped_scenarios()
    good = Session(scenario_id="skip-prediction", hints_used={"data": [0]})
    scenario, problems = resolve_scenario(good, pack, "s.yaml")
    assert scenario.id == "skip-prediction" and problems == []
    bad = Session(scenario_id="skip-prediction", hints_used={"data": [0, 0], "model": [42]})
    _, problems = resolve_scenario(bad, pack, "s.yaml")
    count = len(scenario.hints)
    assert [str(p) for p in problems] == [
        f"s.yaml: hints_used.data: hint 0 does not exist or repeats (the scenario has {count} hints)",
        f"s.yaml: hints_used.model: hint 42 does not exist or repeats (the scenario has {count} hints)",
    ]
    _, problems = resolve_scenario(Session(scenario_id="nope"), pack, "s.yaml")
    assert str(problems[0]).startswith("s.yaml: scenario_id: unknown scenario 'nope'")
    _, problems = resolve_scenario(Session(scenario_yaml="id: ["), pack, "s.yaml")
    assert "s.yaml: scenario_yaml: the embedded scenario is invalid" in str(problems[0])


def test_a_new_session_id_carries_128_random_bits():
    ids = {Session().id for _ in range(50)}
    assert len(ids) == 50 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
