"""Build a variant of a design by patching it: how mistake fixtures stay small and readable.

A patch is a mapping with any of: ``remove_components`` (ids; their edges go too),
``remove_edges`` ({from, to}), ``add_components``, ``add_edges`` (as in a design file) and
``set_params`` ({component id: {param: value}}).
"""

from __future__ import annotations

from components.design import Design


def apply_patch(design: Design, patch: dict) -> Design:
    data = design.to_dict()
    removed = set(patch.get("remove_components", []))
    unknown = removed - {c["id"] for c in data["components"]}
    assert not unknown, f"patch removes unknown components {sorted(unknown)}"
    data["components"] = [c for c in data["components"] if c["id"] not in removed]
    drop = {(e["from"], e["to"]) for e in patch.get("remove_edges", [])}
    existing = {(e["from"], e["to"]) for e in data["edges"]}
    assert drop <= existing, f"patch removes edges that do not exist: {sorted(drop - existing)}"
    data["edges"] = [
        e
        for e in data["edges"]
        if e["from"] not in removed and e["to"] not in removed and (e["from"], e["to"]) not in drop
    ]
    data["components"] += patch.get("add_components", [])
    data["edges"] += patch.get("add_edges", [])
    for component_id, params in patch.get("set_params", {}).items():
        component = next(c for c in data["components"] if c["id"] == component_id)
        component["params"] = {**component.get("params", {}), **params}
    return Design.model_validate(data)
