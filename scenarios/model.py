"""The scenario file: a prompt, its numbers, the rubric it applies and the guide behind it."""

from __future__ import annotations

import difflib
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from components.catalog import load_catalog
from components.design import Design
from design_framework.curveballs import (
    CURVEBALL_LIMIT,
    Curveball,
    Hours,
    Items,
    Millis,
    People,
    Rate,
    Seconds,
    Slate,
    none_is_empty,
)
from design_framework.rubric.registry import (
    RULE_MODULES,
    UnknownOption,
    parse_options,
    rule_options,
)
from design_framework.steps import STEP_IDS, Point, load_framework


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Mode(StrEnum):
    realtime = "realtime"
    nearline = "nearline"
    batch = "batch"


class Requirements(Model):
    """The numbers the design is judged against."""

    mode: Mode = Field(
        description="realtime (answer within a latency budget), nearline "
        "(seconds to minutes) or batch (precomputed on a schedule)."
    )
    users: People = Field(description="Monthly active users the system serves.")
    daily_active_users: People | None = Field(None, description="Daily active users.")
    peak_qps: Rate | None = Field(None, description="Peak requests per second.")
    catalog_size: Items = Field(description="Items the first funnel stage draws from.")
    latency_budget_ms: Millis | None = Field(
        None, description="End-to-end budget of the request path (realtime and nearline)."
    )
    slate_size: Slate = Field(description="Items shown to the user in one response.")
    feature_freshness_s: Seconds | None = Field(
        None, description="How fresh features must be, in seconds (60: the current session)."
    )
    batch_window_h: Hours | None = Field(
        None, description="Hours a batch run may take (batch mode)."
    )

    @model_validator(mode="after")
    def _mode_has_its_numbers(self):
        if self.mode is Mode.realtime and self.latency_budget_ms is None:
            raise ValueError("latency_budget_ms: a realtime scenario needs a latency budget")
        if self.mode is Mode.batch and self.batch_window_h is None:
            raise ValueError("batch_window_h: a batch scenario needs a batch window")
        return self


class Source(Model):
    """Where a figure comes from."""

    figure: str = Field(description="The figure as used, e.g. '100M+ tracks'.")
    source: str = Field(description="Who published it, and when.")


class StageBounds(Model):
    """Allowed output size of one funnel stage type."""

    min_out_k: Items | None = Field(None, description="Fewest items the stage may output.")
    max_out_k: Items | None = Field(None, description="Most items the stage may output.")

    @model_validator(mode="after")
    def _ordered(self):
        if self.min_out_k and self.max_out_k and self.min_out_k > self.max_out_k:
            raise ValueError("min_out_k is larger than max_out_k")
        return self


class StepGuide(Model):
    """What an interviewer expects in one step of this scenario."""

    signals: list[Point] = Field(
        default_factory=list, description="Points a strong answer covers, with detection phrases."
    )
    follow_ups: list[str] = Field(
        default_factory=list, description="Questions an interviewer would ask next."
    )
    not_relevant: dict[str, str] = Field(
        default_factory=dict,
        description="Generic checklist points of this step (by id) that this scenario does not "
        "need, each with the reason shown to the candidate; they are never shown as missed "
        "nor scored.",
    )


def _did_you_mean(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _rule_problems(where: str, rules: dict) -> list[str]:
    """What is wrong with rules applied by id with options (a scenario's, a curveball's)."""
    problems = []
    for rule_id, options in rules.items():
        if rule_id not in RULE_MODULES:
            problems.append(
                f"{where}.{rule_id}: unknown rule{_did_you_mean(rule_id, RULE_MODULES)}"
            )
            continue
        try:
            parse_options(rule_id, rule_options(options))
        except UnknownOption as error:
            problems.append(f"{where}.{rule_id}: {error}")
        severity = (options or {}).get("severity", "fail")
        if severity not in ("fail", "warn"):
            problems.append(f"{where}.{rule_id}.severity: must be fail or warn, not {severity!r}")
    return problems


class Scenario(Model):
    """One practice problem."""

    id: str = Field(description="Stable kebab-case id.", pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(description="Short title.")
    prompt: str = Field(description="The question as an interviewer would say it.")
    difficulty: Literal["easy", "medium", "hard"] = Field(description="easy, medium or hard.")
    tags: list[str] = Field(default_factory=list, description="Topics, for filtering.")
    requirements: Requirements = Field(description="Numbers the design is judged against.")
    sources: list[Source] = Field(default_factory=list, description="Where the figures come from.")
    assumptions: list[str] = Field(
        default_factory=list, description="Numbers with no public figure, stated as assumptions."
    )
    funnel: dict[str, StageBounds] = Field(
        default_factory=dict, description="Output bounds per funnel stage type."
    )
    rules: dict[str, Annotated[dict[str, Any], BeforeValidator(none_is_empty)]] = Field(
        min_length=1,
        description="Rubric rules this scenario applies, by id, with options (`rule.id:` alone "
        "applies it with defaults). The reserved option 'severity: warn' turns failures of "
        "that rule into warnings.",
    )
    steps: dict[str, StepGuide] = Field(
        default_factory=dict, description="Interviewer guide per framework step."
    )
    hints: list[str] = Field(default_factory=list, description="Nudges a candidate may ask for.")
    pitfalls: list[str] = Field(default_factory=list, description="Common mistakes.")
    reference_design: Design = Field(description="A design that passes every rule applied.")
    curveballs: list[Curveball] = Field(
        default_factory=list,
        max_length=CURVEBALL_LIMIT,
        description="Changes of requirements an interviewer may throw in, in the order they "
        "suit the interview (solo practice can deliver one at its minute).",
    )

    @model_validator(mode="after")
    def _cross_checks(self):
        problems = []
        catalog = load_catalog()
        for type_id in self.funnel:
            if type_id not in catalog or not catalog.get(type_id).funnel_stage:
                funnel_types = ", ".join(sorted(catalog.funnel_types()))
                problems.append(f"funnel.{type_id}: not a funnel stage type ({funnel_types})")
        problems += _rule_problems("rules", self.rules)
        for step_id, guide in self.steps.items():
            if step_id not in STEP_IDS:
                problems.append(f"steps.{step_id}: unknown step (steps: {', '.join(STEP_IDS)})")
                continue
            known = load_framework().get(step_id).point_ids
            for point_id in guide.not_relevant:
                if point_id not in known:
                    problems.append(
                        f"steps.{step_id}.not_relevant.{point_id}: not a checklist point of "
                        f"this step (points: {', '.join(known)})"
                    )
        problems += self._curveball_problems(catalog)
        if self.reference_design.scenario not in (None, self.id):
            problems.append(
                f"reference_design.scenario: names {self.reference_design.scenario!r}"
                f", not this scenario {self.id!r}"
            )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _curveball_problems(self, catalog) -> list[str]:
        problems = []
        seen: set[str] = set()
        for index, ball in enumerate(self.curveballs):
            where = f"curveballs.{index}"
            if ball.id in seen:
                problems.append(f"{where}.id: {ball.id!r} is used twice")
            seen.add(ball.id)
            for type_index, type_id in enumerate(ball.requires):
                if type_id not in catalog:
                    hint = _did_you_mean(type_id, catalog.ids)
                    problems.append(f"{where}.requires.{type_index}: unknown component type{hint}")
            problems += _rule_problems(f"{where}.rules", ball.rules)
            try:
                self.with_curveballs([ball])
            except ValueError as error:  # the changed numbers no longer fit the mode
                problems.append(f"{where}.changes: {str(error).splitlines()[0]}")
        return problems

    def with_curveballs(self, balls: list[Curveball]) -> Scenario:
        """This scenario as it stands after ``balls``, in order: their numbers replace the
        requirements', their required types join components.required, their rules apply
        (a rule already applied takes the curveball's options)."""
        if not balls:
            return self
        numbers = self.requirements.model_dump()
        rules = {rule_id: dict(options) for rule_id, options in self.rules.items()}
        for ball in balls:
            numbers.update(ball.changes.changed())
            for rule_id, options in ball.rules.items():
                rules[rule_id] = dict(options)
            if ball.requires:
                required = rules.setdefault("components.required", {})
                types = list(required.get("types", []))
                types += [t for t in ball.requires if t not in types]
                required["types"] = types
        requirements = Requirements.model_validate(numbers)
        return self.model_copy(update={"requirements": requirements, "rules": rules})

    def severity(self, rule_id: str) -> str:
        return self.rules.get(rule_id, {}).get("severity", "fail")
