"""params.plausible: every parameter a design overrides lies in its type's plausible range.

The catalog gives each type a [low, high] range per parameter (components/catalog.yaml,
``plausible``). A value outside it is reported with the range and the catalog default, so a
budget cannot be met by typing a small number: a cost below its range is also costed at the
catalog default by the latency and capacity arithmetic. Its findings are warnings: the
candidate may know something the catalog does not, and should say so.

Passing: a ranker at 20 ms per 1,000 items (range 5 to 500). Warning: a ranker at 0.01 ms
per 1,000 items, or a retrieval stage at 0 ms per 1,000 items with no index.
"""

from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule

RULE = Rule("params.plausible", "Plausible parameters", "model")


class Options(BaseOptions):
    pass


def _number(value) -> str:
    return f"{value:,g}"


def check(design, scenario, options: Options):
    outside = []
    for component in design.design.components:
        kind = design.catalog.get(component.type)
        for param in sorted(component.params.model_fields_set):
            value = getattr(component.params, param)
            if value is None or param not in kind.plausible:
                continue
            low, high = kind.plausible[param]
            if not low <= value <= high:
                outside.append(
                    {
                        "node": component.id,
                        "type": kind.id,
                        "param": param,
                        "value": value,
                        "range": [low, high],
                        "default": kind.default(param),
                    }
                )
    overridden = sum(
        1
        for c in design.design.components
        for p in c.params.model_fields_set
        if getattr(c.params, p) is not None
    )
    figures = {"overridden": overridden, "outside": outside}
    if not outside:
        return [
            RULE.passed(
                f"Every overridden parameter ({overridden}) lies in its type's plausible range.",
                figures=figures,
            )
        ]
    details = "; ".join(
        f"{o['node']} ({o['type']}) {o['param']} = {_number(o['value'])}, plausible "
        f"{_number(o['range'][0])} to {_number(o['range'][1])}"
        + (f", default {_number(o['default'])}" if o["default"] is not None else "")
        for o in outside
    )
    return [
        RULE.warned(
            f"Parameters outside what such a component costs or does: {details}.",
            nodes=sorted({o["node"] for o in outside}),
            figures=figures,
            hint="Use the catalog's figures unless you can say why yours differ (a smaller "
            "model, a faster store); the budget must be met by the design, not by the number.",
        )
    ]
