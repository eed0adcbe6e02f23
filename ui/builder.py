"""The design as text: quick text and raw YAML, two views of what the canvas shows.

Applying either replaces the design (a refused text shows each problem with its line and
leaves the design as it was); the board then reloads it. Quick text has no positions, so
components it still names keep their place on the board and sticky notes stay.
"""

from __future__ import annotations

import streamlit as st

from components.design import Design
from components.loading import InputError
from components.markdown import escape
from components.quick import parse_quick, to_quick
from design_framework.session import Session
from ui import state
from ui.canvas import EDITOR_KEYS, bump_rev


def _apply(session: Session, design: Design, message: str, kept: str | None = None) -> None:
    """Make ``design`` the session's; the text views reseed from it, except ``kept`` (the
    text just applied stays as typed: Streamlit can run a click's callback twice, and a
    second Apply must read the same text, not an empty box)."""
    state.set_design(session, design)
    for key in EDITOR_KEYS:
        if key != kept:
            st.session_state.pop(key, None)
    bump_rev()
    state.notify(escape(message))


def keep_layout(new: Design, old: Design) -> Design:
    """``new`` with the positions of the components ``old`` already placed, and its notes."""
    placed = {c.id: c.pos for c in old.components if c.pos is not None}
    data = new.to_dict()
    for component in data["components"]:
        if "pos" not in component and component["id"] in placed:
            component["pos"] = placed[component["id"]].model_dump()
    if not data.get("notes") and old.notes:
        data["notes"] = [n.model_dump(exclude_none=True) for n in old.notes]
    return Design.model_validate(data)


def _apply_text(session: Session, kind: str) -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    text = st.session_state.get(f"w_{kind}_text", "")
    try:
        if kind == "quick":
            design = parse_quick(
                text, "quick text", title=session.design.title, scenario=session.design.scenario
            )
            design = keep_layout(design, session.design)
        else:
            design = Design.from_string(text, "design YAML")
    except InputError as error:
        st.session_state[f"w_{kind}_errors"] = [str(p) for p in error.problems]
        return
    st.session_state.pop(f"w_{kind}_errors", None)
    st.session_state.pop(_draft_key(kind), None)  # applied: nothing is waiting any more
    st.session_state.pop(_restored_key(kind), None)
    st.session_state[f"w_{kind}_applied"] = text
    _apply(
        session,
        design,
        "Design updated from " + ("quick text" if kind == "quick" else "YAML"),
        kept=f"w_{kind}_text",
    )


QUICK_TAB = ":material/keyboard: Quick text"
YAML_TAB = ":material/description: YAML"


def text_views(session: Session) -> None:
    """Quick text and YAML, in tabs of which only the open one runs: a board change reruns
    the board's fragment, and the closed view (the YAML of a large design, most of all) is
    neither built nor sent (``bench/browser_canvas.py``)."""
    quick_tab, yaml_tab = st.tabs([QUICK_TAB, YAML_TAB], key="w_text_tab", on_change="rerun")
    if quick_tab.open:
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
                "edges (an id equal to a type id needs no declaration); `a -> b : label`. "
                "Quick text has no positions: components it keeps stay where they are on "
                "the board, new ones are placed automatically.",
            )
    if yaml_tab.open:
        with yaml_tab:
            _text_editor(
                session,
                "yaml",
                "Design YAML (version: 1, with positions and sticky notes)",
                "Apply YAML",
                seed=session.design.to_yaml,
                height=320,
            )


def _draft_key(kind: str) -> str:
    return f"w_{kind}_draft"


def _keep_draft(kind: str) -> None:
    """Text typed into a view and not applied outlives the view: closing "Edit as text" or a
    change on the board (which reseeds the views) drops the widget, not what was typed."""
    text = st.session_state.get(f"w_{kind}_text", "")
    if text != st.session_state.get(f"w_{kind}_applied"):  # Apply's own click is no draft
        st.session_state[_draft_key(kind)] = text


def _restored_key(kind: str) -> str:
    return f"w_{kind}_restored"


def _discard_draft(kind: str) -> None:
    st.session_state.pop(_restored_key(kind), None)
    st.session_state.pop(_draft_key(kind), None)
    st.session_state.pop(f"w_{kind}_text", None)
    st.session_state.pop(f"w_{kind}_errors", None)


def _text_editor(
    session: Session, kind: str, label: str, button: str, seed, height: int, help: str | None = None
) -> None:
    """A text view of the design: edit, apply, and see each problem with its line."""
    draft = st.session_state.get(_draft_key(kind))
    restored = _restored_key(kind)
    if f"w_{kind}_text" not in st.session_state and draft is not None and draft != seed():
        # drawn again (the view was closed, or the board reseeded it) with text typed before
        st.session_state[restored] = True
    st.text_area(
        label,
        height=height,
        key=state.widget_value(f"w_{kind}_text", lambda: seed() if draft is None else draft),
        help=help,
        on_change=_keep_draft,
        args=(kind,),
    )
    for problem in st.session_state.get(f"w_{kind}_errors", []):
        st.error(escape(problem))
    # Nothing appears above the Apply button while the view is open: a warning drawn by the
    # run that a blur starts would move the button from under a click already on its way.
    st.button(
        button, key=f"w_{kind}_apply", type="primary", on_click=_apply_text, args=(session, kind)
    )
    if st.session_state.get(restored):
        st.warning(
            "This text is not applied: it was typed earlier and kept. Apply it, or discard it "
            "to see the design as it is now.",
            icon=":material/edit_note:",
        )
        st.button(
            "Discard the unapplied text",
            key=f"w_{kind}_discard",
            on_click=_discard_draft,
            args=(kind,),
        )
