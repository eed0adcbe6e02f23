"""The question bank as shipped, and the way the app draws from it."""

from collections import Counter

import pytest

from components.loading import InputError
from design_framework.questions import (
    QUESTION_BANK_PATH,
    load_question_bank,
    question_bank_from_string,
    questions_for_step,
    study_list,
    topics,
)
from design_framework.steps import STEP_IDS, load_framework

BANK = load_question_bank()
QUESTIONS = BANK.questions
FRAMEWORK = load_framework()


def test_the_bank_is_large_enough_to_practise_with():
    assert len(QUESTIONS) >= 40
    assert set(Counter(q.difficulty for q in QUESTIONS)) == {"easy", "medium", "hard"}


def test_ids_are_unique():
    repeated = [qid for qid, count in Counter(q.id for q in QUESTIONS).items() if count > 1]
    assert repeated == []


def test_question_texts_are_not_repeated():
    repeated = [t for t, count in Counter(q.text for q in QUESTIONS).items() if count > 1]
    assert repeated == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_every_question_is_usable(question):
    assert question.step in STEP_IDS
    assert question.topics and set(question.topics) <= set(topics())
    assert question.text.rstrip().endswith(("?", ".")), question.text
    assert set(question.points) <= set(FRAMEWORK.get(question.step).point_ids)


@pytest.mark.parametrize("step_id", STEP_IDS)
def test_every_step_has_questions(step_id):
    assert len(questions_for_step(step_id)) >= 3


@pytest.mark.parametrize("step", FRAMEWORK.steps, ids=lambda step: step.id)
def test_every_checklist_point_is_probed_by_a_question(step):
    probed = {point for q in questions_for_step(step.id) for point in q.points}
    assert [p for p in step.point_ids if p not in probed] == []


def test_questions_for_a_step_keep_bank_order_and_filter_by_topic():
    model = questions_for_step("model")
    assert [q.id for q in model] == [q.id for q in QUESTIONS if q.step == "model"]
    bandits = questions_for_step("model", ["bandits"])
    assert bandits and all("bandits" in q.topics and q.step == "model" for q in bandits)
    assert len(bandits) < len(model)
    assert questions_for_step("model", ["Bandits"]) == bandits
    assert questions_for_step("wrap_up", ["bandits"]) == []


def test_unknown_step_or_topic_is_an_error_naming_the_known_ones():
    with pytest.raises(KeyError, match="requirements, framing"):
        questions_for_step("deployment")
    with pytest.raises(KeyError, match="a/b testing"):
        questions_for_step("model", ["bandit"])
    with pytest.raises(KeyError, match="cold start"):
        study_list(["cold-start"])


def test_study_list_groups_questions_by_topic_in_the_order_asked():
    grouped = study_list(["cold start", "a/b testing"])
    assert list(grouped) == ["cold start", "a/b testing"]
    for topic, questions in grouped.items():
        assert questions == [q for q in QUESTIONS if topic in q.topics]
        assert questions
    assert study_list([]) == {}


def test_every_declared_topic_has_questions():
    grouped = study_list(topics())
    assert all(grouped[topic] for topic in topics())
    assert topics() == sorted(topics())


def _shipped():
    return QUESTION_BANK_PATH.read_text()


def _replace_once(text, old, new):
    assert old in text
    return text.replace(old, new, 1)


def test_a_point_from_another_step_is_reported_with_its_line():
    text = _replace_once(_shipped(), "points: [scale, confirm_assumptions]", "points: [ann_index]")
    with pytest.raises(InputError) as error:
        question_bank_from_string(text, "bank.yaml")
    [problem] = error.value.problems
    assert problem.source == "bank.yaml"
    assert problem.path == "questions.0.points"
    assert "'ann_index' is not a checklist point of step 'requirements'" in problem.message
    assert problem.line == text.splitlines().index("    points: [ann_index]") + 1


def test_an_unknown_step_is_rejected_with_the_steps_and_its_line():
    text = _replace_once(_shipped(), "step: wrap_up", "step: wrapup")
    with pytest.raises(InputError) as error:
        question_bank_from_string(text, "bank.yaml")
    [problem] = error.value.problems
    assert problem.path.endswith(".step")
    assert "unknown step 'wrapup' (steps: requirements, framing" in problem.message
    assert problem.line == text.splitlines().index("    step: wrapup") + 1


def test_cross_checks_name_every_problem():
    text = _replace_once(_shipped(), "topics: [requirements, latency]", "topics: [latncy]")
    text = _replace_once(text, "id: req-freshness", "id: req-peak-traffic")
    with pytest.raises(InputError) as error:
        question_bank_from_string(text, "bank.yaml")
    messages = str(error.value)
    assert "questions.1.topics: unknown topic 'latncy'" in messages
    assert "duplicate id 'req-peak-traffic' (also questions.0)" in messages
