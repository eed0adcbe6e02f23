"""Live rooms in the browser: poll one integer, redraw when it moved, apply what arrived.

Nothing here knows how a design is drawn. A page that must follow a room calls
``watch(seat, read, key)``: the browser polls the server's ``/api/room-watch`` every
``POLL_S`` seconds for one integer (``Store.room_version`` on the candidate's side,
``Store.room_watch`` on the interviewer's) and reruns the page only when it differs from
what the page last drew. A quiet room costs one primary-key read per browser per poll, an
HTTP request, and no script run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import streamlit as st
from whiteboard_canvas import live_text, room_watch

from components.markdown import escape
from design_framework.room import PUSHED, ROOM_HOURS, RoomEvent, apply_all, project
from design_framework.session import Session
from design_framework.steps import load_framework
from storage import Room, StorageError
from ui import state
from ui.room_route import BOOT_ID, WATCH_PATH

POLL_S = 0.4
"""Poll interval: half of it is the mean wait before a change is seen."""
ICONS = {
    "question": ":material/help:",
    "hint": ":material/lightbulb:",
    "time_call": ":material/timer:",
    "pointer": ":material/my_location:",
    "curveball": ":material/bolt:",
}
KEY_PARAM = "key"
HOURS_ENV = "WHITEBOARD_ROOM_HOURS"


def room_hours() -> float:
    """How long a room's links work: WHITEBOARD_ROOM_HOURS, default 12."""
    try:
        return max(0.0, float(os.environ.get(HOURS_ENV, ROOM_HOURS)))
    except ValueError:
        return ROOM_HOURS


SEEN = "live_seen_{}"
REPORT_DUE = "live_report_due"
LEFT = "live_left"
LEFT_S = 3.0
"""How long after a switch a watcher of the page left is taken for a late one."""


LONG_POLL_MS = 15_000
"""How long one of a live page's polls may wait for a change (the route's ``WAIT_S``)."""


def channel(seat: Seat) -> str:
    """The name a room's screen goes by between its watcher and what it keeps live."""
    return f"room:{seat.room.code}:{seat.role}"


def seen(key: str) -> int:
    """The watched number the page was drawn with (``mark_seen``), -1 before any."""
    value = st.session_state.get(SEEN.format(key))
    return value if isinstance(value, int) else -1


def live_of(seat: Seat, key: str) -> dict:
    """What a live text, clock or board of this page is told: its channel and the number
    the page drew it with (the watcher's newer ones replace it)."""
    return {"channel": channel(seat), "v": seen(key)}


def watch(
    seat: Seat,
    read: Callable[[], int],
    key: str,
    interval: float = POLL_S,
    live: bool = False,
) -> None:
    """Rerun the page when the room's number leaves the one the page drew with.

    The browser polls (whiteboard_canvas.room_watch, the server's ``/api/room-watch``
    route in serve.py) and asks for a run only when the number moved. A polling fragment
    used to run here every ``POLL_S``: each of its runs could collide with the user's own
    change (a drop, a Next click) and lose it. ``read`` gives the number as of now, for a
    page that did not mark what it drew (``mark_seen``).

    ``live``: the poll is a long poll whose answer carries what the page shows of the other
    side (ui/room_live.py), drawn in the browser at once (the board, the notes, the clock,
    the messages); the run it asks for then draws the rest.
    """
    seen_key = SEEN.format(key)
    seen = st.session_state.get(seen_key)
    if seen is None:
        try:
            seen = read()
        except StorageError:
            seen = -1  # the page shows storage errors; the first poll catches up
        st.session_state[seen_key] = seen
    widget_key = f"w_watch_{key}"

    def moved() -> None:
        value = (st.session_state.get(widget_key) or {}).get("moved")
        if isinstance(value, int) and not isinstance(value, bool):
            st.session_state[seen_key] = value
        left = st.session_state.get(LEFT)
        if left and time.time() - left[2] < LEFT_S:
            # The watcher of a page this tab just left: it saw the number that the switch
            # itself moved (the end, round 2) and asked before the browser knew of the
            # switch. Its run would draw the page left (a rerun takes the newest request's
            # page); go where the switch went instead.
            st.switch_page(left[0], query_params=left[1])

    data = {
        "path": WATCH_PATH,
        "boot": BOOT_ID,
        "room": seat.room.code,
        "key": seat.key,
        "seen": seen,
        "intervalMs": int(interval * 1000),
        # a run asked while the page runs one (its own click's, say) cut that one short
        "defer": True,
    }
    if live:
        data["live"] = {"channel": channel(seat)}
        data["waitMs"] = LONG_POLL_MS
    room_watch(key=widget_key, data=data, on_moved_change=moved)


def switch_page(page: str, params: dict[str, str]) -> NoReturn:
    """``st.switch_page``, with the fragments of the page being left forgotten first.

    Room pages used to poll in a fragment every ``POLL_S`` and tick a clock every second
    (both are in the browser now; the guard stays for any fragment a page still has). A
    switch (like ``st.stop``) ends the run early, and Streamlit keeps a page's fragments
    until a run completes: a timer that fired just then reran a fragment of the old page
    into the
    new page's tree, where its place no longer exists. Chromium threw "Bad delta path
    index" and the page went blank, about one switch in five on a busy machine. Forgotten
    fragments make such a late timer a no-op (the server logs that the fragment "does not
    exist anymore"); the new page registers its own.
    """
    _forget_fragments()
    st.session_state[LEFT] = (page, dict(params), time.time())
    st.switch_page(page, query_params=params)


def _forget_fragments() -> None:
    # Streamlit has no public call for this; its own end-of-run clean-up is the same call.
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    storage = getattr(get_script_run_ctx(), "fragment_storage", None)
    if storage is not None:
        storage.clear()


def mark_seen(key: str, value: int) -> None:
    """What the page is about to draw: read before loading, so no change slips between."""
    st.session_state[SEEN.format(key)] = value


# ---- who is this browser in the room ---------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    room: Room
    role: str  # "candidate" | "interviewer"

    @property
    def key(self) -> str:
        return self.room.key_for(self.role)


def seat_from_link() -> tuple[Seat | None, str | None]:
    """The room and role the URL's ``room`` and ``key`` grant, or why they grant none."""
    code = (st.query_params.get(state.ROOM_PARAM) or "").strip().upper()
    if not code:
        return None, None
    try:
        room = state.store().room(code)
    except StorageError as error:
        return None, str(error)
    # One answer whether the room is missing or the key is wrong, so a link without its
    # key cannot tell which room codes exist.
    role = room.role_for(st.query_params.get(KEY_PARAM)) if room is not None else None
    if role is None:
        return None, (
            f"This link does not open room {code}: it may have ended, or the link lacks the "
            "key its host sent (a room is joined with that link, not with the code alone)."
        )
    return Seat(room, role), None


def seat_of_session(session: Session | None) -> Seat | None:
    """The candidate's seat, proved by holding the session the room is on."""
    if session is None or not session.room:
        return None
    try:
        room = state.store().room(session.room)
    except StorageError:
        return None
    if room is None or room.session_id != session.id:
        return None
    return Seat(room, "candidate")


def over(room: Room) -> bool:
    """The interview is over: ended by the interviewer, or the room expired."""
    return room.ended or room.expired()


# ---- the candidate's side ---------------------------------------------------------------------


def candidate_sync(session: Session, scenario) -> list[RoomEvent]:
    """Apply what the interviewer sent since the last run; toast the messages.

    Called at the top of the candidate's pages. Returns the events that were new.
    """
    seat = seat_of_session(session)
    if seat is None:
        return []
    mark_seen("candidate", seat.room.version)
    synced = (seat.room.code, seat.room.version)
    if synced == st.session_state.get("live_synced"):
        return []
    try:
        events = state.store().room_events(seat.room.code, after=session.room_seq)
    except StorageError:
        return []
    was_finished = session.finished_at is not None
    new = apply_all(session, events, scenario)
    st.session_state["live_synced"] = synced
    if not new:
        return []
    state.save(session)
    if any(e.kind == "end" for e in new):
        # kept until a page takes it: the run that applied the end may be cut short by the
        # next request before it switches, and the events are not new in the run after
        st.session_state[REPORT_DUE] = True
    if session.finished_at is not None and not was_finished:
        record_attempt(session, scenario)
    for event, entry in zip(new, session.timeline[-len(new) :], strict=True):
        if event.kind in PUSHED:
            st.toast(escape(entry.text), icon=ICONS[event.kind])
    return new


def report_due() -> bool:
    """Whether the interviewer ended the interview since this tab last showed the report
    (see ``candidate_sync``); taking it clears it."""
    return bool(st.session_state.pop(REPORT_DUE, False))


def pointed_nodes(events: list[RoomEvent], report) -> list[str]:
    """The nodes the latest pointer among ``events`` points at: the node itself, or the
    nodes at fault in the finding (none for a finding about something missing)."""
    for event in reversed(events):
        if event.kind != "pointer" or not event.target:
            continue
        if event.target_kind == "node":
            return [event.target]
        found = next((f for f in report.findings if f.rule == event.target), None)
        return list(found.nodes) if found else []
    return []


def record_attempt(session: Session, scenario) -> None:
    from design_framework.report import build_report

    report = build_report(session, scenario, rubric=state.rubric(session))
    try:
        state.store().record_attempt(session, report.score, report.summary(), state.owner())
    except StorageError as error:
        st.session_state[state.UNSAVED] = str(error)


def messages(session: Session, limit: int = 3) -> None:
    """The interviewer's latest messages, small, newest first (toasts fade; these stay).
    The latest is a live text: a message the interviewer sends shows as the watcher brings
    it, before the page's run (static/livetext.js)."""
    pushed = [e for e in session.timeline if e.kind in PUSHED]
    seat = seat_of_session(session)
    latest = pushed[-1] if pushed else None
    if seat is not None:
        live_text(
            key="w_live_message",
            data={
                **live_of(seat, "candidate"),
                "kind": "message",
                "count": len(pushed),
                "text": latest.text if latest else "",
                "messageKind": latest.kind if latest else "",
                "testid": "wb-live-message",
            },
        )
    elif latest is not None:
        st.info(f"**Your interviewer:** {escape(latest.text)}", icon=ICONS.get(latest.kind))
    if len(pushed) > 1:
        with st.expander(f"Earlier messages ({len(pushed) - 1})"):
            for entry in reversed(pushed[-1 - limit * 3 : -1]):
                st.markdown(f"{ICONS.get(entry.kind, '')} {escape(entry.text)}")


# ---- the interviewer's side -------------------------------------------------------------------


def candidate_view(room: Room) -> Session | None:
    """The candidate's session as it stands once the room's events are applied (a copy)."""
    session = state.store().load_session(room.session_id)
    if session is None:
        return None
    events = state.store().room_events(room.code, after=session.room_seq)
    return project(session, events, state.scenario_of(session)) if events else session


def link(seat_room: Room, role: str, page: str = "mock") -> str:
    """The URL that grants ``role`` in the room, on this server."""
    base = ""
    try:
        url = st.context.url or ""
        base = url.split("?")[0].rsplit("/", 1)[0] if url else ""
    except AttributeError:
        base = ""
    return f"{base}/{page}?room={seat_room.code}&key={seat_room.key_for(role)}"


def when(at: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(at))


# ---- the report: feedback, timeline, the next round ------------------------------------------


def feedback_section(session: Session, seat: Seat | None) -> None:
    """The interviewer's ratings, recommendation and summary, on the Report page itself."""
    from design_framework.session import FEEDBACK_AREAS, RATING_LABELS

    feedback = session.feedback
    rated = {k: r for k, r in feedback.ratings.items() if r.score or r.comment}
    if seat is not None and seat.role == "candidate" and not over(seat.room):
        st.info(
            ":material/lock: Your interviewer's ratings appear here when they end the interview."
        )
        return
    if not (rated or feedback.verdict or feedback.summary):
        if seat is not None:
            st.caption("The interviewer left no ratings or summary.")
        return
    st.subheader("Interviewer feedback")
    if seat is not None and not over(seat.room):
        st.caption("Draft: the candidate sees this when you end the interview.")
    if feedback.verdict:
        st.markdown(f"Recommendation: **{feedback.verdict.replace('_', ' ')}**")
    if rated:
        st.dataframe(
            [
                {
                    "area": FEEDBACK_AREAS.get(key, key),
                    "rating": RATING_LABELS.get(r.score, "not rated"),
                    "evidence": r.comment,
                }
                for key, r in rated.items()
            ],
            hide_index=True,
            width="stretch",
        )
    if feedback.summary:
        st.markdown("**Summary**")
        st.markdown(escape(feedback.summary))


def timeline_section(session: Session) -> None:
    if not session.timeline:
        return
    titles = {s.id: s.title for s in load_framework().steps}
    st.subheader("Interview timeline")
    st.dataframe(
        [
            {"time": when(e.at), "step": titles.get(e.step, e.step), "what": e.text}
            for e in session.timeline
        ],
        hide_index=True,
        width="stretch",
    )


def follow_next_round(seat: Seat) -> None:
    """Go to the round after this one, in the other role."""
    from storage.rooms import swapped

    nxt = state.store().room(seat.room.next_code)
    if nxt is None:
        st.error(f"The next round's room {seat.room.next_code} is gone.")
        return
    if swapped(seat.role) == "interviewer":
        switch_page("ui/mock.py", {state.ROOM_PARAM: nxt.code, KEY_PARAM: nxt.interviewer_key})
    stored = state.store().load_versioned(nxt.session_id)
    if stored is None:
        st.error("The next round's session is gone.")
        return
    state.open_session(stored[0])
    state.store().claim_session(nxt.session_id, state.owner())
    switch_page("ui/practice.py", {state.SESSION_PARAM: nxt.session_id})


NEXT_ROUND_DUE = "live_next_round_due"
NEXT_ROUND_ERROR = "live_next_round_error"
NEXT_ROUND_DUE_S = 30.0


def next_round(seat: Seat, session: Session) -> None:
    """Swap roles for a second round on another scenario: one click for either side.

    The buttons act in callbacks, which run first thing in the click's run, and leave the
    switch to the page (``NEXT_ROUND_DUE``): a run cut short by another request (the room's
    watcher saw the room move) used to lose the click before the script reached the button,
    and the page stayed as it was (a fresh-clone CI run of tests/browser/test_rooms.py)."""
    from storage.rooms import swapped

    due = st.session_state.pop(NEXT_ROUND_DUE, None)
    # this room's, and fresh: a flag left by a page the user left goes nowhere later
    if due is not None and due[0] == seat.room.code and time.time() - due[2] < NEXT_ROUND_DUE_S:
        linked = state.store().room(due[0])
        if linked is not None and linked.next_code:
            follow_next_round(Seat(linked, due[1]))
    room = seat.room
    if not over(room):
        return
    error = st.session_state.pop(NEXT_ROUND_ERROR, None)
    if error:
        st.error(f"{error} Round 2 was not opened.")
    if room.next_code:
        role = swapped(seat.role)
        st.success(
            f":material/swap_horiz: Round 2 is open in room **{room.next_code}**: "
            f"you are the {role} now."
        )
        st.button(
            f"Join round 2 as the {role}",
            key="w_next_join",
            type="primary",
            on_click=_join_next_round,
            args=(room.code, seat.role),
        )
        return
    with st.container(border=True):
        st.markdown("**Second round, roles swapped**")
        pack = state.pack()
        ids = sorted(pack)
        others = [i for i in ids if i != session.scenario_id] or ids
        st.selectbox(
            "Scenario for round 2",
            others,
            key="w_next_scenario",
            format_func=lambda sid: pack[sid].title,
        )
        you = swapped(seat.role)
        st.button(
            f"Swap roles: start round 2 (you become the {you})",
            key="w_next_round",
            icon=":material/swap_horiz:",
            on_click=_open_next_round,
            args=(room.code, seat.role, session.length_minutes, session.rehearsal),
        )


def _join_next_round(code: str, role: str) -> None:
    st.session_state[NEXT_ROUND_DUE] = (code, role, time.time())


def _open_next_round(code: str, role: str, length_minutes: int, rehearsal: bool) -> None:
    """Open round 2 (a fresh session in a new room linked from this one); the page then
    switches to it (``next_round``)."""
    fresh = Session(
        scenario_id=st.session_state["w_next_scenario"],
        length_minutes=length_minutes,
        mode="mock",
        rehearsal=rehearsal,  # round 2 as round 1 was agreed
    )
    try:
        store = state.store()
        room = store.room(code)
        if room is None or not room.next_code:  # the other side may have opened it already
            store.save_session(fresh)
            created = store.create_room(
                fresh.id, owner=state.owner(), hours=room_hours(), previous_code=code
            )
            fresh.room = created.code
            store.save_session(fresh)
            store.link_next_room(code, created.code)  # False: theirs won
    except StorageError as error:
        st.session_state[NEXT_ROUND_ERROR] = str(error)
        return
    st.session_state[NEXT_ROUND_DUE] = (code, role, time.time())
