"""The question bank: technical and follow-up questions per framework step, by topic.

The data is question_bank.yaml. Each question belongs to one step, names its topics (all
declared at the top of the file), a difficulty, optional follow-ups, and optionally the
checklist points of its step that it probes, so an interviewer can pick questions about
what the candidate's notes have not covered yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from components.loading import parse_yaml, read_text, validate
from design_framework.steps import STEP_IDS, load_framework

QUESTION_BANK_PATH = Path(__file__).with_name("question_bank.yaml")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Question(Model):
    """One question an interviewer may ask."""

    id: str = Field(description="Stable kebab-case id.", pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    text: str = Field(min_length=1, description="The question as an interviewer would ask it.")
    step: str = Field(description=f"The framework step it belongs to ({', '.join(STEP_IDS)}).")
    topics: list[str] = Field(
        min_length=1, description="Topics it tests, each declared under `topics`."
    )
    difficulty: Literal["easy", "medium", "hard"] = Field(description="easy, medium or hard.")
    follow_ups: list[str] = Field(
        default_factory=list, description="What to ask next once it has been answered."
    )
    points: list[str] = Field(
        default_factory=list,
        description="Checklist point ids of its step that the question probes; an "
        "interviewer prefers it while the candidate's notes miss those points.",
    )
    scenarios: list[str] = Field(
        default_factory=list,
        description="Scenario ids the question is about (churn, skips, artwork...); empty: "
        "it fits any scenario. It is offered only in those.",
    )

    def fits(self, scenario_id: str | None, not_relevant: set[str] = frozenset()) -> bool:
        """Whether to offer it in a scenario: its own, or a generic one that does not probe
        only points the scenario marks not relevant."""
        if self.scenarios and scenario_id not in self.scenarios:
            return False
        return not (self.points and set(self.points) <= not_relevant)

    @field_validator("step")
    @classmethod
    def _real_step(cls, step: str) -> str:
        if step not in STEP_IDS:
            raise ValueError(f"unknown step {step!r} (steps: {', '.join(STEP_IDS)})")
        return step


class QuestionBank(Model):
    """Every question, with the topics they are grouped by."""

    topics: dict[str, str] = Field(description="Topic name (lower case) to what it covers.")
    questions: list[Question] = Field(description="The questions, grouped by step in the file.")
    rule_topics: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Rubric rule id to the topics to study when that rule fails.",
    )

    @model_validator(mode="after")
    def _cross_checks(self):
        problems = []
        framework = load_framework()
        for name in self.topics:
            if name != name.strip().casefold():
                problems.append(f"topics.{name}: topic names are lower case, without blanks")
        seen: dict[str, int] = {}
        for index, question in enumerate(self.questions):
            where = f"questions.{index}"
            if question.id in seen:
                problems.append(
                    f"{where}.id: duplicate id {question.id!r} (also questions.{seen[question.id]})"
                )
            seen.setdefault(question.id, index)
            for topic in question.topics:
                if topic not in self.topics:
                    problems.append(f"{where}.topics: unknown topic {topic!r} (declare it first)")
            step_points = framework.get(question.step).point_ids
            for point in question.points:
                if point not in step_points:
                    problems.append(
                        f"{where}.points: {point!r} is not a checklist point of step "
                        f"{question.step!r} ({', '.join(step_points)})"
                    )
        from design_framework.rubric.registry import RULE_MODULES

        for rule_id, names in self.rule_topics.items():
            if rule_id not in RULE_MODULES:
                problems.append(f"rule_topics.{rule_id}: unknown rule")
            for topic in names:
                if topic not in self.topics:
                    problems.append(f"rule_topics.{rule_id}: unknown topic {topic!r}")
        used = {topic for question in self.questions for topic in question.topics}
        for name in self.topics:
            if name not in used:
                problems.append(f"topics.{name}: no question has this topic")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def topic(self, name: str) -> str:
        """The declared topic name for ``name`` (any case); KeyError naming the known ones."""
        key = name.strip().casefold()
        if key not in self.topics:
            raise KeyError(f"unknown topic {name!r} (topics: {', '.join(self.topics)})")
        return key

    def for_step(self, step_id: str, topics: Iterable[str] | None = None) -> list[Question]:
        if step_id not in STEP_IDS:
            raise KeyError(f"unknown step {step_id!r} (steps: {', '.join(STEP_IDS)})")
        wanted = None if topics is None else {self.topic(name) for name in topics}
        return [
            q
            for q in self.questions
            if q.step == step_id and (wanted is None or wanted & set(q.topics))
        ]

    def by_topic(self, topics: Iterable[str]) -> dict[str, list[Question]]:
        names = list(dict.fromkeys(self.topic(name) for name in topics))
        return {name: [q for q in self.questions if name in q.topics] for name in names}


def question_bank_from_string(
    text: str, source: str = "<question bank>", shipped: bool = False
) -> QuestionBank:
    """Parse and validate a question bank; errors name the source, the dotted path and the line."""
    return validate(QuestionBank, parse_yaml(text, source, shipped=shipped))


@lru_cache(maxsize=1)
def load_question_bank(path: Path = QUESTION_BANK_PATH) -> QuestionBank:
    return question_bank_from_string(read_text(path), str(path), shipped=path == QUESTION_BANK_PATH)


def questions_for_step(step_id: str, topics: Iterable[str] | None = None) -> list[Question]:
    """The step's questions in bank order; with ``topics``, only those sharing one of them.

    Raises KeyError for an unknown step or topic.
    """
    return load_question_bank().for_step(step_id, topics)


def study_list(topics: Iterable[str]) -> dict[str, list[Question]]:
    """For each topic asked for (in that order), every question about it, in bank order."""
    return load_question_bank().by_topic(topics)


def topics() -> list[str]:
    """Every declared topic, in the order of the file (alphabetical)."""
    return list(load_question_bank().topics)
