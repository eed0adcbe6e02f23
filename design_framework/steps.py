"""The seven steps of an ML system-design interview, as data (steps.yaml) plus their model."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from components.loading import parse_yaml, read_text, validate

STEPS_PATH = Path(__file__).with_name("steps.yaml")
INTERVIEW_LENGTHS = (45, 60)

STEP_IDS = (
    "requirements",
    "framing",
    "data",
    "model",
    "evaluation",
    "monitoring",
    "serving",
    "wrap_up",
)
"""Step ids are a contract (design.md); steps.yaml must list exactly these, in this order."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Point(Model):
    """Something a candidate should say, detectable in notes by words and phrases."""

    id: str = Field(description="Stable snake_case id.", pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(description="The point as a candidate would phrase it.")
    phrases: list[str] = Field(
        min_length=1,
        description="Words or phrases that show the point was covered (case, plurals and "
        "punctuation are ignored; any one is enough).",
    )
    needs: Literal["quantity"] | None = Field(
        None,
        description="`quantity`: only numbers with units cover the point (sizing, a latency "
        "budget); a phrase without one leaves it `listed`.",
    )
    units: list[Literal["audience", "rate", "items", "latency", "duration", "data", "share"]] = (
        Field(
            default_factory=list,
            description="With `needs: quantity`, the kinds of unit that count (see "
            "coverage_terms.yaml, `quantities.units`); empty means any.",
        )
    )
    quantities: int = Field(
        1, ge=1, le=10, description="With `needs: quantity`, how many numbers one sentence needs."
    )
    absence_counts: bool = Field(
        False,
        description="Stating an absence covers the point ('no PII in features', 'no leakage'): "
        "plain negators (no, not, without) do not negate it; dismissals (won't, no need) still do.",
    )


class Step(Model):
    """One step of the framework."""

    id: str = Field(
        description="Stable id: requirements, framing, data, model, evaluation, "
        "monitoring, serving or wrap_up."
    )
    title: str = Field(description="Title shown in the app.")
    purpose: str = Field(description="Why this step matters, one or two sentences.")
    questions: list[str] = Field(
        default_factory=list, description="Questions to ask oneself during the step."
    )
    checklist: list[Point] = Field(default_factory=list, description="Points to cover.")
    red_flags: list[str] = Field(default_factory=list, description="What interviewers mark down.")
    minutes: dict[int, int] = Field(description="Minute budget per interview length (45, 60).")
    optional: bool = Field(False, description="Whether the step may be skipped (wrap-up).")
    draws: list[str] = Field(
        default_factory=list,
        description="Component categories or type ids (components/catalog.yaml) whose "
        "drawing belongs to this step: time spent drawing them is booked here. A type id "
        "wins over its category.",
    )

    @property
    def short_title(self) -> str:
        """One word for tight places (the step bar, a metric): "Framing", "Wrap-up"."""
        return self.id.replace("_", "-").capitalize()

    @model_validator(mode="after")
    def _budget_for_each_length(self):
        missing = [length for length in INTERVIEW_LENGTHS if length not in self.minutes]
        if missing:
            raise ValueError(f"minutes: no budget for {missing} minute interviews")
        unknown = sorted(set(self.minutes) - set(INTERVIEW_LENGTHS))
        if unknown:
            raise ValueError(
                f"minutes: {unknown} are not interview lengths "
                f"({', '.join(map(str, INTERVIEW_LENGTHS))})"
            )
        negative = [length for length, value in self.minutes.items() if value < 0]
        if negative:
            raise ValueError(f"minutes: negative budget for {negative} minute interviews")
        return self

    @model_validator(mode="after")
    def _unique_point_ids(self):
        seen: set[str] = set()
        problems = []
        for index, point in enumerate(self.checklist):
            if point.id in seen:
                problems.append(f"checklist.{index}.id: duplicate point id {point.id!r}")
            seen.add(point.id)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def point_ids(self) -> list[str]:
        return [point.id for point in self.checklist]

    def point(self, point_id: str) -> Point:
        for point in self.checklist:
            if point.id == point_id:
                return point
        raise KeyError(
            f"unknown point {point_id!r} in step {self.id!r} (points: {', '.join(self.point_ids)})"
        )


class Framework(Model):
    """All steps in interview order."""

    steps: list[Step] = Field(description="Steps in the order they are walked.")

    @model_validator(mode="after")
    def _ids_are_the_contract(self):
        if tuple(self.ids) != STEP_IDS:
            raise ValueError(
                f"steps: ids must be exactly {', '.join(STEP_IDS)} in this order, "
                f"not {', '.join(self.ids)}"
            )
        return self

    @model_validator(mode="after")
    def _budgets_add_up(self):
        for length in INTERVIEW_LENGTHS:
            total = sum(step.minutes[length] for step in self.steps)
            if total != length:
                raise ValueError(
                    f"steps: minute budgets for a {length}-minute interview add up to {total}"
                )
        return self

    @property
    def ids(self) -> list[str]:
        return [step.id for step in self.steps]

    def get(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(f"unknown step {step_id!r} (steps: {', '.join(self.ids)})")

    def budget(self, length: int) -> dict[str, int]:
        """Minutes per step id for an interview of ``length`` minutes (45 or 60)."""
        if length not in INTERVIEW_LENGTHS:
            raise KeyError(
                f"no budget for a {length}-minute interview "
                f"(lengths: {', '.join(map(str, INTERVIEW_LENGTHS))})"
            )
        return {step.id: step.minutes[length] for step in self.steps}


def framework_from_string(text: str, source: str = "<steps>", shipped: bool = False) -> Framework:
    """Parse and validate a steps file; errors name the source, the dotted path and the line."""
    return validate(Framework, parse_yaml(text, source, shipped=shipped))


@lru_cache(maxsize=1)
def load_framework(path: Path = STEPS_PATH) -> Framework:
    return framework_from_string(read_text(path), str(path), shipped=path == STEPS_PATH)
