"""experiment.ab_layer: an A/B assignment layer on the request path routes users to the
model variants, so a new model is judged online before it takes all traffic.

Passing: client -> gateway -> ab_testing -> service -> ranker. Failing: an ab_testing box
drawn beside the diagram with no request passing through it.
"""

import networkx as nx
from pydantic import Field

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, TypeId, names

RULE = Rule("experiment.ab_layer", "A/B layer", "evaluation")


class Options(BaseOptions):
    model_types: list[TypeId] = Field(
        default_factory=lambda: [
            "candidate_generation",
            "pre_ranker",
            "ranker",
            "re_ranker",
            "model_server",
            "bandit_policy",
        ],
        description="Types whose variants the experiment routes between.",
    )


def check(design, scenario, options: Options):
    layers = design.of_type("ab_testing")
    if not layers:
        return [
            RULE.failed(
                "There is no A/B assignment layer, so a new model cannot be "
                "compared online with the current one.",
                hint="Put an ab_testing node on the request path before the models.",
            )
        ]
    routed = [layer for layer in layers if design.on_request_path(layer)]
    if not routed:
        return [
            RULE.failed(
                f"{names(layers)} is not on the request path: no request passes through it.",
                nodes=layers,
                hint="Connect it between the gateway and the models.",
            )
        ]
    for layer in routed:
        models = sorted(
            n
            for n in nx.descendants(design.request, layer)
            if design.type(n) in options.model_types
        )
        if models:
            return [
                RULE.passed(
                    f"{layer} assigns each request to a variant before {names(models)}.",
                    figures={"layer": layer, "models": models},
                )
            ]
    return [
        RULE.failed(
            f"{names(routed)} routes requests, but no model comes after it.",
            nodes=routed,
            hint="Place the assignment before the models it compares.",
        )
    ]
