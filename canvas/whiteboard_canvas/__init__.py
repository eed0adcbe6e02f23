"""The whiteboard's canvas as a Streamlit component (components v2, React Flow 12), and the
notes box that saves while you type.

The bundle ``static/canvas.js`` and ``static/canvas.css`` is built from ``../frontend``
(``make frontend``) and committed, so installing the app needs no Node. Streamlit finds
the files through this package's ``asset_dir`` (``pyproject.toml``), scanned at server
start, under the name ``whiteboard_canvas.canvas``. The notes box, ``whiteboard_canvas.notes``,
is two small hand-written files, ``static/notes.js`` and ``static/notes.css`` (no build), as
is the session clock, ``whiteboard_canvas.clock`` (``static/clock.js``, ``static/clock.css``),
a room's watcher, ``whiteboard_canvas.watch`` (``static/watch.js``), the whiteboard's
rubric findings, ``whiteboard_canvas.findings`` (``static/findings.js``, ``.css``), and a
room's live texts, ``whiteboard_canvas.livetext`` (``static/livetext.js``, ``.css``).
"""

from __future__ import annotations

import streamlit as st

NAME = "whiteboard_canvas.canvas"
NOTES_NAME = "whiteboard_canvas.notes"
CLOCK_NAME = "whiteboard_canvas.clock"
WATCH_NAME = "whiteboard_canvas.watch"
FINDINGS_NAME = "whiteboard_canvas.findings"
LIVETEXT_NAME = "whiteboard_canvas.livetext"

_mounts: dict = {}


def _registered(name: str, js: str, css: str | None = None, isolate_styles: bool = True):
    """The component ``name`` from this package's files, registered on first use inside a
    script run: the asset_dir manifest is known only to a running server (or AppTest), not
    at import time."""
    if name not in _mounts:
        _mounts[name] = st.components.v2.component(
            name, js=js, css=css, isolate_styles=isolate_styles
        )
    return _mounts[name]


def canvas(
    *,
    key: str,
    data: dict,
    height: int,
    on_design_change=None,
    on_action_change=None,
    on_catalog_change=None,
):
    """Mount the canvas. State ``design`` (the board as the user left it), state ``catalog``
    (the catalog id the page holds) and trigger ``action`` (a request such as auto-layout)
    come back through the callbacks."""
    callbacks = {}
    if on_design_change is not None:
        callbacks["on_design_change"] = on_design_change
    if on_action_change is not None:
        callbacks["on_action_change"] = on_action_change
    if on_catalog_change is not None:
        callbacks["on_catalog_change"] = on_catalog_change
    return _registered(NAME, "canvas.js", "canvas.css")(
        key=key, data=data, height=height, **callbacks
    )


def notes_box(*, key: str, data: dict, on_text_change=None):
    """Mount a notes box. ``data``: ``{boxKey, text, rev, saved, label, placeholder, help,
    maxChars, disabled, height}`` (see static/notes.js). What the user typed comes back,
    debounced, as the state value ``text``: ``{seq, text}``."""
    callbacks = {"on_text_change": on_text_change} if on_text_change is not None else {}
    return _registered(NOTES_NAME, "notes.js", "notes.css")(key=key, data=data, **callbacks)


def clock_face(*, key: str, data: dict, on_timeout_change=None, on_due_change=None):
    """Mount the session clock. ``data`` is ``clock_plan`` plus ``mode``, ``dark``,
    ``endAtZero`` and ``dueAt`` (see static/clock.js); it ticks in the browser and sends
    nothing back but the trigger ``timeout`` of a rehearsal whose time ran out and ``due``
    when the interview reaches ``dueAt``."""
    callbacks = {"on_timeout_change": on_timeout_change} if on_timeout_change is not None else {}
    if on_due_change is not None:
        callbacks["on_due_change"] = on_due_change
    return _registered(CLOCK_NAME, "clock.js", "clock.css")(key=key, data=data, **callbacks)


def room_watch(*, key: str, data: dict, on_moved_change):
    """Mount a room's watcher. ``data``: ``{path, room, key, seen, intervalMs}`` (see
    static/watch.js); the trigger ``moved`` fires when the polled number left ``seen``."""
    return _registered(WATCH_NAME, "watch.js")(key=key, data=data, on_moved_change=on_moved_change)


def live_text(*, key: str, data: dict):
    """Mount a text a room's screen keeps live (static/livetext.js): the candidate's notes on
    the interviewer's guide, or the interviewer's latest message on the candidate's page.
    ``data``: ``{channel, v, kind, text, step, count, messageKind, empty}``. Drawn in the
    page's own DOM, so it reads (and is found) as the page's text."""
    return _registered(LIVETEXT_NAME, "livetext.js", "livetext.css", isolate_styles=False)(
        key=key, data=data
    )


def findings_list(*, key: str, data: dict, on_show_change):
    """Mount the rubric's findings. ``data``: ``{score, counts, dark, groups, skipped}`` (see
    static/findings.js); the trigger ``show`` (``{ids}``) fires on "Show on the board"."""
    return _registered(FINDINGS_NAME, "findings.js", "findings.css")(
        key=key, data=data, on_show_change=on_show_change
    )
