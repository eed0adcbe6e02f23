"""The seven steps as shipped: ids and order are the contract, budgets add up, points are detectable."""

import pytest

from components.loading import InputError
from design_framework.steps import (
    INTERVIEW_LENGTHS,
    STEP_IDS,
    STEPS_PATH,
    framework_from_string,
    load_framework,
)

FRAMEWORK = load_framework()
STEPS = FRAMEWORK.steps


def test_steps_load_with_the_contract_ids_in_order():
    assert tuple(FRAMEWORK.ids) == STEP_IDS
    assert STEP_IDS[:7] == (
        "requirements", "framing", "data", "model", "evaluation", "monitoring", "serving",
    )  # fmt: skip
    assert FRAMEWORK.get("wrap_up").optional
    assert not any(step.optional for step in STEPS if step.id != "wrap_up")


@pytest.mark.parametrize("length", INTERVIEW_LENGTHS)
def test_minute_budgets_add_up_to_the_interview_length(length):
    assert sum(FRAMEWORK.budget(length).values()) == length


@pytest.mark.parametrize("step_id", ["monitoring", "serving"])
def test_late_steps_get_real_minutes_in_a_45_minute_interview(step_id):
    assert FRAMEWORK.budget(45)[step_id] >= 4


def test_a_longer_interview_never_takes_minutes_away_from_a_step():
    short, long = FRAMEWORK.budget(45), FRAMEWORK.budget(60)
    assert all(long[step_id] >= short[step_id] for step_id in STEP_IDS)


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.id)
def test_every_step_is_fully_written(step):
    assert step.title and step.purpose
    assert 4 <= len(step.questions) <= 8
    assert 5 <= len(step.checklist) <= 10
    assert 3 <= len(step.red_flags) <= 6
    assert all(question.rstrip().endswith("?") for question in step.questions)


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.id)
def test_every_point_has_phrases_and_a_unique_id(step):
    assert len(set(step.point_ids)) == len(step.point_ids)
    for point in step.checklist:
        assert point.text, point.id
        assert point.phrases, point.id
        assert all(phrase.strip() for phrase in point.phrases), point.id
        assert len(set(point.phrases)) == len(point.phrases), f"{point.id}: repeated phrase"


def test_unknown_step_names_the_known_ones():
    with pytest.raises(KeyError, match="serving"):
        FRAMEWORK.get("deploy")


def _shipped_text():
    return STEPS_PATH.read_text()


def test_a_reordered_file_is_rejected_with_the_contract_order():
    text = (
        _shipped_text()
        .replace("- id: monitoring", "- id: TMP")
        .replace("- id: serving", "- id: monitoring")
        .replace("- id: TMP", "- id: serving")
    )
    with pytest.raises(
        InputError,
        match="requirements, framing, data, model, evaluation, "
        "monitoring, serving, wrap_up in this order",
    ):
        framework_from_string(text, "steps.yaml")


def test_a_budget_that_does_not_add_up_is_rejected():
    text = _shipped_text().replace("minutes: {45: 6, 60: 7}", "minutes: {45: 9, 60: 7}", 1)
    with pytest.raises(InputError, match="45-minute interview add up to 48"):
        framework_from_string(text, "steps.yaml")


def test_an_unknown_key_is_reported_with_file_and_line():
    text = _shipped_text().replace("    optional: true", "    optional: true\n    colour: red")
    with pytest.raises(InputError) as error:
        framework_from_string(text, "steps.yaml")
    problem = error.value.problems[0]
    assert problem.source == "steps.yaml"
    assert problem.path.endswith(".colour")
    assert problem.line == text.splitlines().index("    colour: red") + 1


def test_every_rule_says_what_starts_its_check_when_feedback_waits():
    from design_framework.rubric import RULE_MODULES
    from design_framework.waiting import waits_for

    assert set(waits_for()) == set(RULE_MODULES)
