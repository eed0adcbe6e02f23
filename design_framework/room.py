"""The mock-interview room protocol: what the interviewer sends and how it lands.

A room joins one candidate's session to one interviewer. Two links grant the two roles:
each carries the room code and a key, and the key alone decides the role (a ``role=``
in the URL decides nothing). The interviewer's key never appears on the candidate's side.

The interviewer never writes the candidate's session. Everything the interviewer does
(a follow-up question, a hint, a time call, a pointer at a node or a finding, starting,
pausing or advancing the shared clock, ending the interview) is an **event** appended to
the room with a sequence number and a timestamp. The room's ``version`` is the last
sequence number (bumped too when the feedback or the next round changes), so a browser
polls one integer and redraws only when it moved. The candidate's side applies events in
order to its session (``apply``), with their own timestamps, so the clock is right even
when the candidate's browser was away for a while; the interviewer's view applies the
events the candidate has not yet applied to a copy (``project``), so a clock command shows
at once on both sides. Applied events go into the session's timeline, hence the report.
"""

from __future__ import annotations

import secrets
import time
from typing import Literal

from pydantic import Field

from design_framework.curveballs import (
    RequirementChanges,
    custom_curveball,
    deliver,
    what_changed,
)
from design_framework.session import Model, Session, TimelineEntry, clock_view, mmss
from design_framework.steps import STEP_IDS, load_framework

ROOM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread aloud
ROOM_HOURS = 12.0
"""A room's links stop working this long after it opens (the session itself stays)."""

EventKind = Literal[
    "question",
    "hint",
    "time_call",
    "pointer",
    "curveball",
    "bookmark",
    "clock_start",
    "clock_pause",
    "advance",
    "end",
]
PUSHED = ("question", "hint", "time_call", "pointer", "curveball")
"""Kinds the candidate is shown as a message; the others drive the clock."""


def new_code() -> str:
    return "".join(secrets.choice(ROOM_ALPHABET) for _ in range(6))


def new_key() -> str:
    """A role key: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


class RoomEvent(Model):
    """One thing the interviewer did, as stored in the room."""

    seq: int = Field(0, ge=0, description="Position in the room, from 1; set by the store.")
    at: float = Field(default_factory=time.time, description="Epoch seconds.")
    kind: EventKind = Field(description="What the interviewer did.")
    text: str = Field("", max_length=2000, description="Question, time call or comment.")
    hint: int | None = Field(None, ge=0, description="Index of the scenario hint given.")
    step: str | None = Field(None, description="Target step of an advance.")
    target: str | None = Field(
        None, max_length=200, description="Node id or rule id a pointer points at."
    )
    target_kind: Literal["node", "finding"] | None = Field(None, description="What target is.")
    curveball: str | None = Field(
        None, max_length=80, description="Id of the scenario's curveball thrown."
    )
    changes: RequirementChanges | None = Field(
        None, description="Numbers of a curveball the interviewer set by hand."
    )


def message(event: RoomEvent, scenario=None, session: Session | None = None) -> str:
    """What the candidate reads for an event (and the timeline keeps)."""
    titles = {s.id: s.title for s in load_framework().steps}
    if event.kind == "question":
        return event.text
    if event.kind == "hint":
        hints = scenario.hints if scenario else []
        text = hints[event.hint] if event.hint is not None and event.hint < len(hints) else ""
        return text or event.text
    if event.kind == "time_call":
        return event.text
    if event.kind == "pointer":
        what = "node" if event.target_kind == "node" else "finding"
        name = event.target or ""
        if event.target_kind == "node" and session is not None:
            node = next((c for c in session.design.components if c.id == event.target), None)
            if node is not None and node.label:
                name = f"{node.label} ({node.id})"
        return f"Look at the {what} {name}" + (f": {event.text}" if event.text else "")
    if event.kind == "curveball":
        ball = _curveball(event, scenario, session)
        if ball is None:
            return event.text
        changed = what_changed(ball, scenario.requirements) if scenario else []
        return ball.say + (f" (Now: {'; '.join(changed)}.)" if changed else "")
    if event.kind == "bookmark":
        return (
            f"The interviewer marked this moment: {event.text}"
            if event.text
            else ("The interviewer marked this moment.")
        )
    if event.kind == "clock_start":
        return "The interviewer started the clock."
    if event.kind == "clock_pause":
        return "The interviewer paused the clock."
    if event.kind == "advance":
        return f"The interviewer moved the interview on to {titles.get(event.step, event.step)}."
    return "The interviewer ended the interview."


def _curveball(event: RoomEvent, scenario, session: Session | None):
    """The curveball an event throws: the scenario's by id, or the interviewer's numbers."""
    if event.curveball and scenario is not None:
        return next((b for b in scenario.curveballs if b.id == event.curveball), None)
    if event.changes is not None and event.changes.changed() and session is not None:
        return custom_curveball(session, event.changes.changed(), event.text, "interviewer")
    return None


def apply(session: Session, event: RoomEvent, scenario=None) -> bool:
    """Apply one event to the candidate's session; False if it was applied already."""
    if event.seq and event.seq <= session.room_seq:
        return False
    at = event.at
    step = session.current_step
    if event.kind == "hint" and scenario is not None and event.hint is not None:
        used = {i for indexes in session.hints_used.values() for i in indexes}
        if event.hint < len(scenario.hints) and event.hint not in used:
            session.hints_used.setdefault(step, []).append(event.hint)
    elif event.kind == "clock_start":
        session.start(now=at)
    elif event.kind == "clock_pause":
        session.pause(now=at)
    elif event.kind == "advance" and event.step in STEP_IDS and session.finished_at is None:
        session.go_to(event.step, now=at)
    elif event.kind == "end" and session.finished_at is None:
        session.finish(now=at)
    text = message(event, scenario, session)
    if event.kind == "curveball" and session.finished_at is None:
        ball = _curveball(event, scenario, session)
        if ball is not None:
            deliver(session, ball, "interviewer", scenario, _check, now=at)
    session.timeline.append(TimelineEntry(at=at, step=step, kind=event.kind, text=text))
    if event.kind in ("question", "hint", "time_call", "pointer", "bookmark"):
        # the replay's markers; a bookmark is marked with the interviewer's own note
        marked = (event.text or "(no note)") if event.kind == "bookmark" else text
        session.note_event(event.kind, marked, now=at)
    session.room_seq = max(session.room_seq, event.seq)
    return True


def _check(design, scenario):
    from design_framework.rubric import check_design

    return check_design(design, scenario)


def apply_all(session: Session, events: list[RoomEvent], scenario=None) -> list[RoomEvent]:
    """Apply events in order; returns those that were new. ``scenario`` is the scenario as
    the session stands (every curveball so far applied); each curveball applied here
    changes it for the events after it."""
    new = []
    for event in sorted(events, key=lambda e: e.seq):
        held = len(session.curveballs)
        if apply(session, event, scenario):
            new.append(event)
            if scenario is not None and len(session.curveballs) > held:
                scenario = scenario.with_curveballs(session.curveballs[held:])
    return new


def project(session: Session, events: list[RoomEvent], scenario=None) -> Session:
    """The session as it is once the candidate's side has applied ``events`` (a copy)."""
    copy = session.model_copy(deep=True)
    apply_all(copy, events, scenario)
    return copy


def time_call(session: Session, now: float | None = None) -> str:
    """A time call the interviewer can send as it stands: "5 minutes left for Serving"."""
    view = clock_view(session, now)
    title = load_framework().get(view.step_id).title
    left = view.step_left_s
    if left <= 0:
        return f"{title} is {mmss(-left)} over its budget: time to move on."
    minutes = max(1, round(left / 60))
    text = f"{minutes} minute{'s' if minutes != 1 else ''} left for {title}"
    if view.total_left_s is not None:
        text += f", {max(0, round(view.total_left_s / 60))} in the interview"
    return text + "."


def next_step(session: Session) -> str | None:
    index = STEP_IDS.index(session.current_step)
    return STEP_IDS[index + 1] if index + 1 < len(STEP_IDS) else None
