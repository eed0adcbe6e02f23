"""The graph builder: palette, connections, edits, quick text and raw YAML.

Every change goes through ``_apply``: the new design is saved at once and the text editors
are reseeded, so all five views always show the same design. A refused edit shows its
reason and leaves the design as it was.
"""

from __future__ import annotations

import streamlit as st

from components import edit
from components.catalog import load_catalog
from components.design import Design
from components.loading import InputError
from components.markdown import escape
from components.quick import parse_quick, to_quick
from design_framework.session import Session
from ui import state

ERROR_KEY = "w_builder_error"
EDITOR_KEYS = ("w_quick_text", "w_yaml_text")


def _apply(session: Session, design: Design, message: str) -> None:
    state.set_design(session, design)
    stale = [
        k
        for k in st.session_state
        if k in EDITOR_KEYS or (str(k).startswith("w_edit_") and k != "w_edit_select")
    ]
    for key in stale:
        st.session_state.pop(key, None)
    for key in (ERROR_KEY, "w_quick_errors", "w_yaml_errors"):
        st.session_state.pop(key, None)
    st.toast(escape(message))


def _refuse(message: str) -> None:
    st.session_state[ERROR_KEY] = message


def _number(key: str):
    value = st.session_state.get(key)
    return None if value in (None, "") else value


# ---- callbacks (run before the page reruns, so the diagram redraws with the change) --------


def _add(session: Session) -> None:
    type_id = st.session_state["w_add_type"]
    component_id = (st.session_state.get("w_add_id") or "").strip() or None
    params = {"out_k": _number("w_add_out_k"), "latency_ms": _number("w_add_latency")}
    try:
        design = edit.add_component(
            session.design,
            type_id,
            component_id,
            st.session_state.get("w_add_label") or None,
            params,
        )
    except (edit.EditError, ValueError) as error:
        _refuse(str(error))
        return
    added = design.components[-1].id
    for key in ("w_add_id", "w_add_label", "w_add_out_k", "w_add_latency"):
        st.session_state.pop(key, None)
    _apply(session, design, f"Added {added}")


def _connect(session: Session) -> None:
    try:
        design = edit.connect(
            session.design,
            st.session_state["w_edge_from"],
            st.session_state["w_edge_to"],
            st.session_state.get("w_edge_label"),
        )
    except edit.EditError as error:
        _refuse(str(error))
        return
    st.session_state.pop("w_edge_label", None)
    _apply(session, design, "Connected")


def _save_component(session: Session, component_id: str) -> None:
    prefix = f"w_edit_{component_id}_"
    params = {
        name: _number(prefix + name) for name in ("out_k", "in_k", "latency_ms", "ms_per_1k_items")
    }
    try:
        design = edit.update_component(
            session.design, component_id, st.session_state.get(prefix + "label"), params
        )
        new_id = (st.session_state.get(prefix + "id") or component_id).strip()
        design = edit.rename_component(design, component_id, new_id)
    except edit.EditError as error:
        _refuse(str(error))
        return
    st.session_state["w_edit_select"] = new_id
    _apply(session, design, f"Saved {new_id}")


def _delete_component(session: Session, component_id: str) -> None:
    st.session_state.pop("w_edit_select", None)
    _apply(session, edit.remove_component(session.design, component_id), f"Deleted {component_id}")


def _delete_edge(session: Session, source: str, target: str) -> None:
    _apply(
        session, edit.disconnect(session.design, source, target), f"Removed {source} -> {target}"
    )


def _delete_selected_edge(session: Session) -> None:
    chosen = st.session_state.get("w_edge_remove_select") or ""
    source, _, target = chosen.partition(" -> ")
    st.session_state.pop("w_edge_remove_select", None)
    _delete_edge(session, source, target)


def _apply_text(session: Session, kind: str) -> None:
    text = st.session_state.get(f"w_{kind}_text", "")
    try:
        if kind == "quick":
            design = parse_quick(
                text, "quick text", title=session.design.title, scenario=session.design.scenario
            )
        else:
            design = Design.from_string(text, "design YAML")
    except InputError as error:
        st.session_state[f"w_{kind}_errors"] = [str(p) for p in error.problems]
        return
    st.session_state.pop(f"w_{kind}_errors", None)
    _apply(session, design, "Design updated from " + ("quick text" if kind == "quick" else "YAML"))


# ---- the widget ------------------------------------------------------------------------------


def palette_order(catalog) -> list[str]:
    """Type ids grouped by category, in the catalog's category order."""
    rank = {c.id: i for i, c in enumerate(catalog.categories)}
    return sorted(catalog.ids, key=lambda t: (rank[catalog.get(t).category], catalog.ids.index(t)))


def builder(session: Session) -> None:
    catalog = load_catalog()
    if st.session_state.get(ERROR_KEY):
        st.error(escape(st.session_state[ERROR_KEY]))
    add_tab, connect_tab, edit_tab, quick_tab, yaml_tab = st.tabs(
        [
            ":material/add: Add",
            ":material/link: Connect",
            ":material/edit: Edit",
            ":material/keyboard: Quick text",
            ":material/description: YAML",
        ]
    )
    ids = [c.id for c in session.design.components]

    with add_tab:
        categories = {c.id: c.label for c in catalog.categories}
        type_id = st.selectbox(
            "Component type",
            palette_order(catalog),
            key="w_add_type",
            format_func=lambda t: f"{categories[catalog.get(t).category]} · {catalog.get(t).label}",
        )
        kind = catalog.get(type_id)
        st.caption(
            f"{kind.description}  \nRole: **{kind.role.value}** · e.g. "
            f"{', '.join(kind.technologies) or '-'}"
            + (f" · default {kind.latency_ms:g} ms" if kind.latency_ms else "")
            + (f" + {kind.ms_per_1k_items:g} ms per 1k items" if kind.ms_per_1k_items else "")
            + (f" · keeps {kind.out_k:,} items" if kind.out_k else "")
        )
        c1, c2 = st.columns(2)
        c1.text_input("Id", key="w_add_id", placeholder=edit.suggest_id(session.design, type_id))
        c2.text_input("Label", key="w_add_label", placeholder=kind.label)
        c3, c4 = st.columns(2)
        if kind.funnel_stage:
            c3.number_input(
                "Items it outputs (out_k)",
                min_value=1,
                value=None,
                step=100,
                key="w_add_out_k",
                placeholder=str(kind.out_k or "pass-through"),
            )
        if kind.latency_ms is not None:
            c4.number_input(
                "Latency (ms)",
                min_value=0.0,
                value=None,
                step=1.0,
                key="w_add_latency",
                placeholder=f"{kind.latency_ms:g}",
            )
        st.button(
            "Add component", key="w_add_button", type="primary", on_click=_add, args=(session,)
        )

    with connect_tab:
        if len(ids) < 2:
            st.caption("Add two components to connect them.")
        else:
            c1, c2 = st.columns(2)
            c1.selectbox("From", ids, key="w_edge_from")
            c2.selectbox("To", ids, key="w_edge_to", index=min(1, len(ids) - 1))
            st.text_input(
                "Label (what flows)", key="w_edge_label", placeholder="e.g. online features"
            )
            st.button(
                "Connect", key="w_edge_button", type="primary", on_click=_connect, args=(session,)
            )
            st.caption("Arrows are data flow: a request or data goes from → to.")
        if session.design.edges:
            edges = [f"{e.source} -> {e.target}" for e in session.design.edges]
            c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
            c1.selectbox(
                "Remove an edge",
                edges,
                key="w_edge_remove_select",
                help=f"{len(edges)} edges in the design",
            )
            c2.button(
                "Remove",
                key="w_edge_remove",
                icon=":material/close:",
                on_click=_delete_selected_edge,
                args=(session,),
            )

    with edit_tab:
        if not ids:
            st.caption("Nothing to edit yet.")
        else:
            selected = st.selectbox("Component", ids, key="w_edit_select")
            component = session.design.component(selected)
            kind = catalog.get(component.type)
            prefix = f"w_edit_{selected}_"
            params = component.params
            st.caption(f"Type: {kind.label} ({kind.role.value})")
            c1, c2 = st.columns(2)
            c1.text_input("Id", key=state.widget_value(prefix + "id", component.id))
            c2.text_input(
                "Label",
                key=state.widget_value(prefix + "label", component.label or ""),
                placeholder=kind.label,
            )
            c3, c4 = st.columns(2)
            if kind.funnel_stage:
                c3.number_input(
                    "out_k",
                    min_value=1,
                    step=100,
                    placeholder=str(kind.out_k or "-"),
                    key=state.widget_value(prefix + "out_k", params.out_k),
                )
                c4.number_input(
                    "in_k (first stage on its own list)",
                    min_value=1,
                    step=100,
                    placeholder="from upstream",
                    key=state.widget_value(prefix + "in_k", params.in_k),
                )
            if kind.latency_ms is not None:
                c5, c6 = st.columns(2)
                c5.number_input(
                    "latency_ms",
                    min_value=0.0,
                    step=1.0,
                    placeholder=f"{kind.latency_ms:g}",
                    key=state.widget_value(prefix + "latency_ms", params.latency_ms),
                )
                c6.number_input(
                    "ms_per_1k_items",
                    min_value=0.0,
                    step=1.0,
                    placeholder=f"{kind.ms_per_1k_items:g}",
                    key=state.widget_value(prefix + "ms_per_1k_items", params.ms_per_1k_items),
                )
            b1, b2 = st.columns(2)
            b1.button(
                "Save",
                key="w_edit_save",
                type="primary",
                on_click=_save_component,
                args=(session, selected),
            )
            b2.button(
                "Delete component",
                key="w_edit_delete",
                on_click=_delete_component,
                args=(session, selected),
            )

    with quick_tab:
        _text_editor(
            session,
            "quick",
            "One line per component or chain of edges",
            "Apply quick text",
            seed=lambda: to_quick(session.design),
            height=260,
            help='`retrieval: candidate_generation out_k=1000 "Two-tower"` declares a '
            "component; `client -> gateway(api_gateway) -> retrieval -> ranker` chains "
            "edges (an id equal to a type id needs no declaration); `a -> b : label`.",
        )
    with yaml_tab:
        _text_editor(
            session,
            "yaml",
            "Design YAML (version: 1)",
            "Apply YAML",
            seed=session.design.to_yaml,
            height=320,
        )


def _text_editor(
    session: Session, kind: str, label: str, button: str, seed, height: int, help: str | None = None
) -> None:
    """A text view of the design: edit, apply, and see each problem with its line."""
    st.text_area(label, height=height, key=state.widget_value(f"w_{kind}_text", seed), help=help)
    for problem in st.session_state.get(f"w_{kind}_errors", []):
        st.error(escape(problem))
    st.button(
        button, key=f"w_{kind}_apply", type="primary", on_click=_apply_text, args=(session, kind)
    )
