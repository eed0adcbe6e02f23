"""The notes of one step: a box that saves while you type, its checklist and follow-ups.

The box is the components-v2 component ``whiteboard_canvas.notes`` (static/notes.js): it
sends what was typed about 0.7 s after the last keystroke (and at once on blur, Ctrl+Enter,
page hide and unload) as the state value ``text`` = ``{seq, text}``. The panel runs as a
fragment, so a save reruns only the notes and their checklist, not the board or the page.

State contract (Python side): ``NOTES_REV`` moves when Python replaces the notes itself
(another tab saved, a merge); only then does the box replace what it shows, so the echo of
an older send never overwrites characters typed since. ``NOTES_SAVED`` holds per step the
seq of the last send stored, which the box shows as "Saved".
"""

from __future__ import annotations

import streamlit as st
from whiteboard_canvas import notes_box

from components.markdown import no_images
from design_framework.consistency import mismatches
from design_framework.coverage import MAX_ASSESSED_CHARS, step_coverage
from design_framework.interview import follow_ups
from design_framework.session import MAX_NOTES_CHARS, Session
from ui import state
from ui.findings_data import DISAGREE_DRAWN, disagreement_keys
from ui.widgets import checklist

NOTES_REV = "w_notes_rev"
NOTES_SAVED = "w_notes_saved"
NOTES_HEIGHT = 220
PLACEHOLDER = "Write as you would speak: numbers, choices, trade-offs. Saved as you type."
HELP = (
    f"Up to {MAX_NOTES_CHARS:,} characters per step; the checklist reads the first "
    f"{MAX_ASSESSED_CHARS:,}. A point counts when a sentence commits to it (a decision, a "
    "number, a reason); a bare list of terms or a dismissal (“we won't…”) does not."
)


def notes_key(step_id: str) -> str:
    return f"w_notes_{step_id}"


def notes_replaced() -> None:
    """Python changed the notes itself (another tab, a merge): the boxes show the new text."""
    st.session_state[NOTES_REV] = st.session_state.get(NOTES_REV, 0) + 1


def merge_texts(base: str, mine: str, theirs: str) -> tuple[str, bool]:
    """Three-way merge of one step's notes: ``(text, clean)``. Where both sides only added
    to ``base`` (the common case: two tabs typing on), their additions then mine; where one
    side left ``base`` as it was (or the store holds only an older state of this box's own
    text), the other; otherwise mine, not clean (the caller keeps theirs as a copy)."""
    if theirs == base or base.startswith(theirs) or mine.startswith(theirs):
        # unchanged, or only an older state of this box's own typing (its earlier send,
        # stored while the box still named an older base): this text already holds it
        return mine, True
    if mine == base or theirs.startswith(mine):
        # nothing typed here since, or this send is older than what the store holds
        return theirs, True
    if mine.startswith(base) and theirs.startswith(base):
        added = mine[len(base) :]
        joiner = "" if theirs.endswith(("\n", " ")) or added.startswith(("\n", " ")) else "\n"
        return theirs + joiner + added, True
    return mine, False


def apply_notes_state(session: Session, step_id: str, value) -> bool:
    """Take what the box sent for ``step_id``; returns whether the notes changed. A finished
    session is read-only, and text past MAX_NOTES_CHARS is cut (the box stops there too)."""
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        return False
    if session.finished_at is not None:
        return False
    seq = value.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool):
        seq = None
    if seq is not None and seq <= st.session_state.get(NOTES_SAVED, {}).get(step_id, 0):
        return False  # taken already: the browser resends a box's last state after it unmounts
    text = value["text"][:MAX_NOTES_CHARS]
    current = session.notes.get(step_id, "")
    base = value.get("base")
    if isinstance(base, str) and base != current and text != current:
        # Typed on a text that has changed since (another tab's notes merged in while this
        # box still showed the old text): keep both sides, and show the box the result.
        text, clean = merge_texts(base, text, current)
        text = text[:MAX_NOTES_CHARS]
        if not clean:
            state.keep_their_copy(session, step_id, current)
        notes_replaced()
    changed = text != current
    stored = True
    if changed:
        session.record_notes(step_id, text)
    # A resend after a failed save finds the text in memory already: it is stored only
    # when the store takes it, and only then is the box told "Saved".
    if changed or st.session_state.get(state.UNSAVED):
        stored = state.save(session)
    if stored and seq is not None:
        st.session_state[NOTES_SAVED] = {**st.session_state.get(NOTES_SAVED, {}), step_id: seq}
    return changed


def _on_text(session: Session, step_id: str) -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    apply_notes_state(
        session, step_id, (st.session_state.get(notes_key(step_id)) or {}).get("text")
    )


def box_data(session: Session, step_id: str) -> dict:
    """What the box for one step is sent (see static/notes.js)."""
    base = st.session_state.get(state.BASE)
    stored = base.notes.get(step_id, "") if base is not None else ""
    pending = bool(st.session_state.get(state.UNSAVED)) and session.notes.get(step_id, "") != stored
    return {
        # the text waits for a failed save: a box mounted again must not call it saved
        "pending": pending,
        "storedText": stored if pending else None,
        "boxKey": f"{session.id}:{step_id}",
        "text": session.notes.get(step_id, ""),
        "rev": f"{session.id}:{st.session_state.get(NOTES_REV, 0)}",
        "saved": st.session_state.get(NOTES_SAVED, {}).get(step_id, 0),
        # why the last save failed, shown by the box until a save goes through
        "unsaved": st.session_state.get(state.UNSAVED) or "",
        "label": "Your notes for this step",
        "placeholder": PLACEHOLDER,
        "help": HELP,
        "maxChars": MAX_NOTES_CHARS,
        "disabled": session.finished_at is not None,
        "height": NOTES_HEIGHT,
    }


def page_view(session: Session) -> tuple:
    """What the page around the panel shows of the session: when a page-level button's
    callback changed it during one of the panel's own runs, the page must run again."""
    hints = sum(len(v) for v in session.hints_used.values())
    return (session.current_step, session.finished_at, session.running, hints)


@st.fragment
def notes_panel(session: Session, scenario, step, shown: tuple) -> None:
    """The notes box of ``step``, the checklist it ticks and the interviewer's follow-ups.
    ``shown`` is ``page_view`` as of the page's last full run."""
    if page_view(session) != shown:
        # A click on Next, Finish or Pause that lands while a save of the notes is on its
        # way runs its callback in this fragment's run (Streamlit folds the two requests
        # into one): the step bar, the clock buttons and the page switch need the page.
        st.rerun()
    state.rerun_page_if_stale()  # a merge, or the banner of a failed save to draw or clear
    state.show_notices()  # a failed save's toast (see state.notify)
    coached = not session.rehearsing  # in a rehearsal what the notes cover waits for the end
    if coached and DISAGREE_DRAWN in st.session_state:
        found = mismatches(session.notes, session.design, scenario)
        if disagreement_keys(found) != st.session_state[DISAGREE_DRAWN]:
            st.rerun()  # the notes now agree or disagree with the board otherwise: list it
    notes_box(
        key=notes_key(step.id),
        data=box_data(session, step.id),
        on_text_change=lambda: _on_text(session, step.id),
    )
    if coached:
        coverage = step_coverage(session.notes.get(step.id, ""), step.id, scenario)
        st.progress(
            coverage.credit,
            text=f"Notes cover {coverage.covered} of {coverage.total} points "
            f"({coverage.target} earn this step's full points)",
        )
        with st.expander("Checklist", expanded=True):
            checklist(coverage)
    with st.expander("Questions to ask yourself"):
        for question in step.questions:
            st.markdown(f"- {question}")
        if coached and step.red_flags:
            st.markdown("**Red flags**")
            for flag in step.red_flags:
                st.markdown(f"- {flag}")
    if not coached:
        return
    with st.expander("The interviewer asks", expanded=True):
        offset_key = f"w_followup_offset_{step.id}"
        st.session_state.setdefault(offset_key, 0)
        for question in follow_ups(
            step.id, coverage, scenario, offset=st.session_state[offset_key]
        ):
            st.markdown(f"- {no_images(question)}")
        shown_offset = st.session_state[offset_key]
        st.button(
            "Another question",
            key=f"w_followup_next_{step.id}",
            # from the offset drawn, so a click delivered twice moves on once
            on_click=lambda: st.session_state.__setitem__(offset_key, shown_offset + 3),
        )
