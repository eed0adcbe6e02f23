"""The notes box under AppTest: it draws nothing there, but AppTest sees what it is sent,
and a test can send what the browser sends after typing (the ``text`` state value)."""

from __future__ import annotations

import itertools
import json

from streamlit.testing.v1 import AppTest

NAME = "whiteboard_canvas.notes"
_seqs = itertools.count(1)


def component_element(at: AppTest, name: str, key: str):
    """The components-v2 element ``name`` drawn with widget key ``key``."""
    found = [
        e
        for e in at.get("bidi_component")
        if e.proto.component_name == name and e.proto.id.endswith(f"-{key}")
    ]
    assert found, f"no {name} {key!r} drawn"
    return found[0]


def component_data(at: AppTest, name: str, key: str) -> dict:
    """What the component ``name`` with key ``key`` was sent."""
    proto = component_element(at, name, key).proto
    return json.loads(proto.json or proto.mixed.json)


def notes_element(at: AppTest, step: str):
    key = f"w_notes_{step}"
    found = [
        e
        for e in at.get("bidi_component")
        if e.proto.component_name == NAME and e.proto.id.endswith(f"-{key}")
    ]
    assert found, f"no notes box for {step!r} drawn"
    return found[0]


def notes_data(at: AppTest, step: str = "requirements") -> dict:
    """What the box for ``step`` was sent: text, rev, saved, disabled, maxChars..."""
    proto = notes_element(at, step).proto
    return json.loads(proto.json or proto.mixed.json)


def type_notes(
    at: AppTest,
    step: str,
    text: str,
    seq: int | None = None,
    attempt: int | None = None,
    base: str | None = None,
) -> AppTest:
    """What the browser sends once typing in the box pauses: ``{seq, text}``; with
    ``attempt``, the watchdog's resend of that seq; with ``base``, the stored text the
    typing started from (static/notes.js)."""
    element = notes_element(at, step)
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = element.proto.id
    sent = {"seq": next(_seqs) if seq is None else seq, "text": text}
    if attempt is not None:
        sent["attempt"] = attempt
    if base is not None:
        sent["base"] = base
    state.json_value = json.dumps({"text": sent})
    return at._run(states)


def text_view(at: AppTest, kind: str = "quick") -> AppTest:
    """Open the board's text views and their Quick text or YAML tab (closed views are not
    drawn), as the user's two clicks would."""
    from ui.builder import QUICK_TAB, YAML_TAB
    from ui.whiteboard import TEXT_VIEWS_KEY

    at.session_state[TEXT_VIEWS_KEY] = True
    at.session_state["w_text_tab"] = {"quick": QUICK_TAB, "yaml": YAML_TAB}[kind]
    return at.run()
