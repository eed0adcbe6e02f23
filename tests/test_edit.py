"""Builder edits: each returns a new design or refuses with a reason, never half-applies."""

import pytest

from components import edit
from components.quick import parse_quick

BASE = parse_quick("client: client_app\nclient -> gateway(api_gateway) -> ranker")


def test_add_suggests_a_free_id():
    design = edit.add_component(BASE, "ranker")
    assert design.components[-1].id == "ranker_2"
    assert len(BASE.components) == 3  # the original is untouched


def test_add_refuses_duplicates_bad_ids_and_unknown_types():
    for args, message in [
        (("ranker", "gateway"), "already a component called 'gateway'"),
        (("ranker", "Big Ranker"), "not a valid id"),
        (("rankr",), "unknown component type"),
    ]:
        with pytest.raises(edit.EditError, match=message):
            edit.add_component(BASE, *args)


def test_rename_rewires_edges():
    design = edit.rename_component(BASE, "gateway", "edge")
    assert [(e.source, e.target) for e in design.edges] == [("client", "edge"), ("edge", "ranker")]


def test_update_sets_label_and_params_and_clears_them():
    design = edit.update_component(BASE, "ranker", "DCN", {"out_k": 50, "latency_ms": None})
    assert design.component("ranker").label == "DCN"
    assert design.component("ranker").params.out_k == 50
    cleared = edit.update_component(design, "ranker", "", {"out_k": None})
    assert (
        cleared.component("ranker").label is None
        and cleared.component("ranker").params.out_k is None
    )


def test_update_refuses_bad_numbers():
    with pytest.raises(edit.EditError, match="params.out_k: Input should be greater than 0"):
        edit.update_component(BASE, "ranker", None, {"out_k": 0})


def test_remove_takes_its_edges_along():
    design = edit.remove_component(BASE, "gateway")
    assert [c.id for c in design.components] == ["client", "ranker"] and design.edges == []


def test_connect_and_disconnect():
    design = edit.connect(BASE, "client", "ranker", "direct")
    assert design.edges[-1].label == "direct"
    with pytest.raises(edit.EditError, match="already connected"):
        edit.connect(design, "client", "ranker")
    with pytest.raises(edit.EditError, match="two different"):
        edit.connect(design, "client", "client")
    assert len(edit.disconnect(design, "client", "ranker").edges) == 2
