"""Rule ids to rule modules. Ids are a contract (design.md); so is this order."""

from __future__ import annotations

import difflib
from importlib import import_module
from types import ModuleType

RULE_MODULES = {
    "components.required": "components_required",
    "path.request": "path_request",
    "latency.budget": "latency_budget",
    "funnel.narrows": "funnel_narrows",
    "funnel.bounds": "funnel_bounds",
    "features.online_store": "features_online_store",
    "features.train_serve_parity": "features_train_serve_parity",
    "serving.no_offline_reads": "serving_no_offline_reads",
    "loop.feedback": "loop_feedback",
    "experiment.ab_layer": "experiment_ab_layer",
    "monitoring.coverage": "monitoring_coverage",
    "freshness.streaming": "freshness_streaming",
    "cold_start.content_path": "cold_start_content_path",
    "deploy.registry": "deploy_registry",
    "batch.pipeline": "batch_pipeline",
    "params.plausible": "params_plausible",
    "capacity.batch_window": "capacity_batch_window",
    "capacity.serving": "capacity_serving",
}


class UnknownRule(KeyError):
    def __init__(self, rule_id: str):
        close = difflib.get_close_matches(rule_id, list(RULE_MODULES), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        super().__init__(f"unknown rule {rule_id!r}{hint}")
        self.message = f"unknown rule {rule_id!r}{hint}"

    def __str__(self) -> str:
        return self.message


class UnknownOption(ValueError):
    pass


def _is_branch(part) -> bool:
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def get_rule(rule_id: str) -> ModuleType:
    try:
        module_name = RULE_MODULES[rule_id]
    except KeyError:
        raise UnknownRule(rule_id) from None
    return import_module(f"design_framework.rubric.rules.{module_name}")


def all_rules() -> list[ModuleType]:
    return [get_rule(rule_id) for rule_id in RULE_MODULES]


def parse_options(rule_id: str, options: dict | None):
    """Validate a scenario's options for a rule; errors name the rule and the option."""
    from pydantic import ValidationError

    rule = get_rule(rule_id)
    try:
        return rule.Options.model_validate(options or {})
    except ValidationError as error:
        items = error.errors(include_url=False)
        # a union (type id or any-of list) reports a miss per branch; keep the real reason
        specific = [i for i in items if i["type"] not in ("string_type", "list_type")] or items
        lines = []
        for item in specific:
            option = ".".join(str(p) for p in item["loc"] if not _is_branch(p)) or "(options)"
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                allowed = ", ".join(rule.Options.model_fields) or "none"
                lines.append(f"rule {rule_id!r} has no option {option!r} (options: {allowed})")
            else:
                lines.append(f"rule {rule_id!r} option {option!r}: {message}")
        raise UnknownOption("; ".join(lines)) from None


def rule_options(config: dict) -> dict:
    """A scenario's rule entry without the reserved keys."""
    return {k: v for k, v in config.items() if k != "severity"}
