"""A practice session: scenario, clock, notes per step, the design, hints and feedback.

Everything here is plain data plus arithmetic so the app, the report and the tests share
one definition. Time is passed in (``now``, epoch seconds) rather than read, so the clock
can be tested without sleeping.

The session file (YAML, ``kind: session``, ``version: 1``) embeds the design under
``design:`` and, for a scenario authored in the app, the scenario's own YAML text.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from components.design import Design, dump_yaml
from components.loading import (
    MAX_SCENARIO_BYTES,
    InputError,
    LoadedYaml,
    Problem,
    parse_yaml,
    read_text,
    validate,
)
from design_framework.curveballs import SESSION_CURVEBALL_LIMIT, AppliedCurveball
from design_framework.history import HistoryEvent, design_patch, notes_splice
from design_framework.steps import INTERVIEW_LENGTHS, STEP_IDS, load_framework

MAX_STEP_SECONDS = 30 * 24 * 3600.0
"""Most time booked to one step (a tab left running for a month); more is not a session."""
MAX_EPOCH = 32_503_680_000.0
"""Latest timestamp accepted (the year 3000): anything later is a corrupt or forged file."""
MAX_SUMMARY_CHARS = 10_000
MAX_COMMENT_CHARS = 5_000
MAX_HINTS = 1_000

LENGTHS = (30, 45, 60)
"""Interview lengths offered; None means untimed."""
DEFAULT_LENGTH = 45
MAX_NOTES_CHARS = 100_000
"""Longest notes kept for one step (about 15,000 words, far more than an interview allows);
the app's notes box stops there and says so, and a session file with more is refused. The
notes assessment reads the first coverage.MAX_ASSESSED_CHARS of them."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_assignment=False)


Epoch = Annotated[float, Field(ge=0, le=MAX_EPOCH)]
StepSeconds = Annotated[float, Field(ge=0, le=MAX_STEP_SECONDS)]
HintIndex = Annotated[int, Field(ge=0, le=MAX_HINTS)]


class Rating(Model):
    """One line of the interviewer's scoring form."""

    score: int | None = Field(None, ge=1, le=4, description="1 very weak ... 4 very strong.")
    comment: str = Field("", max_length=MAX_COMMENT_CHARS, description="What the interviewer saw.")


class Feedback(Model):
    """The interviewer's scoring form, filled during a mock interview."""

    ratings: dict[str, Rating] = Field(
        default_factory=dict, description="Per rubric area (see FEEDBACK_AREAS)."
    )
    verdict: Literal["strong_no_hire", "no_hire", "hire", "strong_hire"] | None = Field(
        None, description="Overall recommendation."
    )
    summary: str = Field(
        "", max_length=MAX_SUMMARY_CHARS, description="Free-text summary for the candidate."
    )


FEEDBACK_AREAS = {
    "problem": "Problem understanding and requirements",
    "data": "Data and features",
    "modeling": "Modeling choices and trade-offs",
    "evaluation": "Evaluation and experimentation",
    "deployment": "Serving, deployment and monitoring",
    "communication": "Communication and time management",
}
RATING_LABELS = {1: "Very weak", 2: "Weak", 3: "Strong", 4: "Very strong"}


class TimelineEntry(Model):
    """Something that happened in a mock interview, for the report (``design_framework.room``)."""

    at: float = Field(description="Epoch seconds.")
    step: str = Field(description="Step the candidate was on.")
    kind: str = Field(description="question, hint, time_call, pointer, clock_start, ...")
    text: str = Field("", max_length=5000, description="What the candidate was shown.")


class ConflictCopy(Model):
    """A version of this session that two tabs' edits at the same time could not both keep:
    it is saved as a session of its own, and every tab open on this one names it."""

    id: str = Field(pattern=r"^[a-z0-9]{8,32}$", description="The copy's session id.")
    parts: list[str] = Field(
        max_length=20, description="What both tabs changed: 'notes on Data', 'the design'."
    )
    at: float = Field(description="Epoch seconds when the copy was made.")
    dismissed: bool = Field(False, description="Someone clicked it away: no tab shows it.")


class Session(Model):
    """One attempt at one scenario."""

    kind: Literal["session"] = Field("session", description="Marks a session file.")
    version: Literal[1] = Field(1, description="File format version.")
    id: str = Field(
        default_factory=lambda: secrets.token_hex(16),
        pattern=r"^[a-z0-9]{8,32}$",
        description="Stable id, used in the URL to restore the session: 128 random bits, "
        "since without a login the URL is the key (files written with shorter ids still load).",
    )
    scenario_id: str | None = Field(None, description="Shipped scenario id, if any.")
    scenario_yaml: str | None = Field(
        None,
        description="Text of a scenario authored in the app "
        f"(at most {MAX_SCENARIO_BYTES:,} bytes, the limit of a scenario file).",
    )
    length_minutes: int | None = Field(
        DEFAULT_LENGTH, description="30, 45 or 60; None for untimed."
    )
    mode: Literal["solo", "mock"] = Field("solo", description="Solo practice or mock interview.")
    rehearsal: bool = Field(
        False,
        description="Rehearsal, as in the real room: the rubric, the checklist, the follow-ups, "
        "the hints and the board's marks wait until the attempt is finished (or its time runs "
        "out, which finishes it). False: coached, every verdict as you go.",
    )
    room: str | None = Field(None, description="Mock-interview room code.")
    created_at: Epoch = Field(default_factory=time.time, description="Epoch seconds.")
    updated_at: Epoch = Field(default_factory=time.time, description="Epoch seconds.")
    current_step: str = Field("requirements", description="Step the candidate is on.")
    notes: dict[str, str] = Field(default_factory=dict, description="Notes per step id.")
    spent_s: dict[str, StepSeconds] = Field(
        default_factory=dict, description="Seconds spent per step, closed segments."
    )
    drawn_s: dict[str, StepSeconds] = Field(
        default_factory=dict,
        description="Of spent_s, the seconds spent drawing, per step the drawing was booked "
        "to (design_framework/drawing.py). Files written before it have none.",
    )
    drawing_for: str | None = Field(
        None,
        description="Step the candidate says they are drawing for; null books each change "
        "on the board to the step of what was changed.",
    )
    last_activity_at: Epoch | None = Field(
        None,
        description="When the notes or the design last changed while the clock ran: a "
        "change on the board claims the time since then (at most a minute) as drawing.",
    )
    running_since: Epoch | None = Field(
        None, description="Epoch seconds the clock last started; None while paused or not started."
    )
    started: bool = Field(False, description="Whether the clock was ever started.")
    hints_used: dict[str, list[HintIndex]] = Field(
        default_factory=dict, description="Indexes of scenario hints revealed, per step."
    )
    design: Design = Field(default_factory=Design, description="The candidate's design.")
    finished_at: Epoch | None = Field(None, description="When the candidate finished.")
    feedback: Feedback = Field(default_factory=Feedback, description="Interviewer's scoring form.")
    timeline: list[TimelineEntry] = Field(
        default_factory=list, description="What the interviewer sent and did, in order."
    )
    room_seq: int = Field(
        0, ge=0, description="Last room event applied to this session (mock interviews)."
    )
    curveball_plan: str | None = Field(
        None,
        max_length=80,
        description="Solo practice with curveballs on: the scenario's curveball that arrives "
        "at its minute (chosen when they were turned on).",
    )
    curveballs: list[AppliedCurveball] = Field(
        default_factory=list,
        max_length=SESSION_CURVEBALL_LIMIT,
        description="Changes of requirements delivered in this session, in order: the "
        "rubric checks the design against the scenario after all of them.",
    )
    history: list[HistoryEvent] = Field(
        default_factory=list,
        description="Everything that happened, in order, for the replay: carried in a session "
        "file (the store keeps it beside the session, not in it).",
    )
    _pending: list[HistoryEvent] = PrivateAttr(default_factory=list)
    copies: list[ConflictCopy] = Field(
        default_factory=list,
        max_length=100,
        description="Versions kept as sessions of their own when two tabs changed the same "
        "part at once, newest last (each tab names the ones not dismissed).",
    )

    @model_validator(mode="after")
    def _known_steps(self):
        problems = []
        if self.scenario_yaml is not None:
            size = len(self.scenario_yaml.encode("utf-8", errors="replace"))
            if size > MAX_SCENARIO_BYTES:
                problems.append(
                    f"scenario_yaml: the embedded scenario is {size:,} bytes; "
                    f"the limit is {MAX_SCENARIO_BYTES:,}"
                )
        problems += [
            f"{field}.{key}: unknown step (steps: {', '.join(STEP_IDS)})"
            for field in ("notes", "spent_s", "drawn_s", "hints_used")
            for key in getattr(self, field)
            if key not in STEP_IDS
        ]
        problems += [
            f"notes.{step}: {len(text):,} characters; the limit is {MAX_NOTES_CHARS:,} per step"
            for step, text in self.notes.items()
            if len(text) > MAX_NOTES_CHARS
        ]
        if self.drawing_for is not None and self.drawing_for not in STEP_IDS:
            problems.append(
                f"drawing_for: unknown step {self.drawing_for!r} (steps: {', '.join(STEP_IDS)})"
            )
        if self.current_step not in STEP_IDS:
            problems.append(
                f"current_step: unknown step {self.current_step!r} (steps: {', '.join(STEP_IDS)})"
            )
        if self.length_minutes is not None and self.length_minutes not in LENGTHS:
            problems.append(
                f"length_minutes: {self.length_minutes} is not offered; use 30, 45, 60 or null"
            )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    # ---- clock ----------------------------------------------------------------------------

    @property
    def rehearsing(self) -> bool:
        """A rehearsal still under way: its verdicts are held back until it is finished."""
        return self.rehearsal and self.finished_at is None

    @property
    def running(self) -> bool:
        return self.running_since is not None

    def continued(self) -> Session:
        """A new attempt from a finished one: the same scenario, length, notes and design,
        with a fresh clock, no hints and no feedback (the finished attempt stays as it was)."""
        return Session(
            scenario_id=self.scenario_id,
            scenario_yaml=self.scenario_yaml,
            length_minutes=self.length_minutes,
            notes=dict(self.notes),
            design=self.design,
        )

    def __eq__(self, other) -> bool:
        # What is stored and shown, not what waits for the store: two copies of one session
        # are the same session whatever history each still has to hand over.
        if not isinstance(other, Session):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None

    # ---- history ------------------------------------------------------------------------

    def note_event(self, kind: str, text: str = "", now: float | None = None, **change) -> None:
        """Add an event to the history waiting for the next save (``Store.save_session``
        appends it beside the session)."""
        now = time.time() if now is None else now
        self._pending.append(
            HistoryEvent(
                at=now,
                elapsed_s=round(self.elapsed_seconds(now), 1),
                step=self.current_step,
                kind=kind,
                text=text[:2000],
                **change,
            )
        )

    def take_pending(self) -> list[HistoryEvent]:
        """The events not stored yet (the store takes them with the save)."""
        return list(self._pending)

    def stored_pending(self, count: int) -> None:
        """The store kept the first ``count`` pending events."""
        del self._pending[:count]

    # ---- the clock ------------------------------------------------------------------------

    def start(self, now: float | None = None) -> None:
        if self.running_since is None and self.finished_at is None:
            self.running_since = time.time() if now is None else now
            self.started = True
            self.note_event("start", now=self.running_since)

    def pause(self, now: float | None = None) -> None:
        if self.running_since is not None:
            self._close_segment(now)
            self.note_event("pause", now=now)

    def go_to(self, step_id: str, now: float | None = None) -> None:
        """Move to another step; time so far is booked to the step being left."""
        if step_id not in STEP_IDS:
            raise KeyError(f"unknown step {step_id!r}")
        was_running = self.running
        self._close_segment(now)
        moved = step_id != self.current_step
        self.current_step = step_id
        if moved:
            self.note_event("step", load_framework().get(step_id).title, now=now)
        if was_running:
            self.running_since = time.time() if now is None else now

    def record_notes(self, step_id: str, text: str, now: float | None = None) -> None:
        """The candidate's notes for a step, as typed; marks the time of the change (a
        later change on the board claims only the time since as drawing)."""
        splice = notes_splice(step_id, self.notes.get(step_id, ""), text)
        self.notes[step_id] = text
        if self.running:
            self.last_activity_at = time.time() if now is None else now
        if splice is not None:
            self.note_event("notes", now=now, splice=splice)

    def record_design(self, design: Design, now: float | None = None) -> list[str]:
        """Take a design drawn on the board and book the time spent drawing it.

        While the clock runs, the time since the last change to the notes or the design (at
        most ``drawing.DRAW_GAP_S``) is drawing: it goes to ``drawing_for`` if the candidate
        chose a step, else to the steps of what changed (``drawing.steps_for_edit``, shared
        equally), else (only sticky notes changed) to the current step; the rest of the
        segment stays with the current step. Returns the steps the drawing was booked to.
        """
        from design_framework.drawing import DRAW_GAP_S, steps_for_edit

        old, self.design = self.design, design
        if old != design:
            patch = design_patch(old, design)
            if patch is not None:
                self.note_event("design", now=now, patch=patch)
        if self.running_since is None or self.finished_at is not None or old == design:
            return []
        now = time.time() if now is None else now
        since = max(self.running_since, self.last_activity_at or self.running_since)
        drawing = min(max(0.0, now - since), DRAW_GAP_S)
        segment = max(0.0, now - self.running_since)
        drawing = min(drawing, segment)
        chosen = [self.drawing_for] if self.drawing_for else steps_for_edit(old, design)
        targets = chosen or [self.current_step]
        self._book(self.current_step, segment - drawing)
        for step in targets:
            self._book(step, drawing / len(targets))
            self.drawn_s[step] = min(
                self.drawn_s.get(step, 0.0) + drawing / len(targets), MAX_STEP_SECONDS
            )
        self.running_since = now
        self.last_activity_at = now
        return targets if drawing > 0 else []

    def _book(self, step_id: str, seconds: float) -> None:
        if seconds > 0:
            total = self.spent_s.get(step_id, 0.0) + seconds
            self.spent_s[step_id] = min(total, MAX_STEP_SECONDS)

    def drawn_seconds(self, step_id: str) -> float:
        """Of the time booked to a step, how much was spent drawing."""
        return self.drawn_s.get(step_id, 0.0)

    def finish(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._close_segment(now)
        self.finished_at = now
        self.note_event("finish", now=now)

    def _close_segment(self, now: float | None) -> None:
        if self.running_since is None:
            return
        now = time.time() if now is None else now
        spent = max(0.0, now - self.running_since)
        total = self.spent_s.get(self.current_step, 0.0) + spent
        self.spent_s[self.current_step] = min(total, MAX_STEP_SECONDS)
        self.running_since = None
        self.last_activity_at = None

    def step_seconds(self, step_id: str, now: float | None = None) -> float:
        spent = self.spent_s.get(step_id, 0.0)
        if self.running_since is not None and step_id == self.current_step:
            now = time.time() if now is None else now
            spent += max(0.0, now - self.running_since)
        return spent

    def elapsed_seconds(self, now: float | None = None) -> float:
        return sum(self.step_seconds(step, now) for step in STEP_IDS)

    # ---- files ----------------------------------------------------------------------------

    def to_dict(self) -> dict:
        data = self.model_dump(mode="json", exclude={"design"})
        data["design"] = self.design.to_dict()
        return data

    def to_yaml(self) -> str:
        return dump_yaml(self.to_dict())

    @classmethod
    def from_string(cls, text: str, source: str = "<session>") -> Session:
        return cls.from_loaded(parse_yaml(text, source))

    @classmethod
    def from_loaded(cls, loaded: LoadedYaml) -> Session:
        source = loaded.source
        if not isinstance(loaded.data, dict) or loaded.data.get("kind") != "session":
            raise InputError(
                [
                    Problem(
                        source,
                        "kind",
                        "not a session file (expected "
                        "`kind: session`); a design file is checked on the "
                        "Files page instead",
                        1,
                    )
                ]
            )
        return validate(cls, loaded)

    @classmethod
    def from_path(cls, path: str | Path) -> Session:
        return cls.from_string(read_text(path), str(path))


# ---- budgets --------------------------------------------------------------------------------


def step_budgets(length_minutes: int | None) -> dict[str, float]:
    """Minutes per step for an interview length. 45 and 60 come from steps.yaml; 30 is
    the 45-minute split scaled down. Untimed sessions get the 45-minute split as a guide."""
    framework = load_framework()
    if length_minutes in INTERVIEW_LENGTHS:
        return {step: float(m) for step, m in framework.budget(length_minutes).items()}
    scale = (length_minutes or 45) / 45
    return {step: m * scale for step, m in framework.budget(45).items()}


@dataclass(frozen=True)
class ClockView:
    """What the clock shows at one instant."""

    step_id: str
    step_elapsed_s: float
    step_budget_s: float
    total_elapsed_s: float
    total_budget_s: float | None
    running: bool
    behind_s: float
    """Seconds the steps walked so far used beyond their budgets, net of time saved
    (negative when ahead of plan)."""
    later_budgets_s: dict[str, float]
    """Budgets of the steps after the current one, shrunk to fit the time really left."""

    @property
    def overrun_s(self) -> float:
        """Seconds the steps walked so far ran over their budgets (net of time saved)."""
        return max(0.0, self.behind_s)

    @property
    def step_left_s(self) -> float:
        return self.step_budget_s - self.step_elapsed_s

    @property
    def total_left_s(self) -> float | None:
        return None if self.total_budget_s is None else self.total_budget_s - self.total_elapsed_s


def clock_view(session: Session, now: float | None = None) -> ClockView:
    now = time.time() if now is None else now
    budgets = step_budgets(session.length_minutes)
    order = list(STEP_IDS)
    index = order.index(session.current_step)
    walked = order[: index + 1]
    elapsed = session.elapsed_seconds(now)
    # Over- and under-runs of the steps walked so far, measured against their budgets.
    used = sum(session.step_seconds(s, now) for s in walked)
    planned = sum(budgets[s] * 60 for s in walked)
    later = order[index + 1 :]
    later_planned = sum(budgets[s] * 60 for s in later)
    total_budget = None if session.length_minutes is None else session.length_minutes * 60.0
    if total_budget is not None and later_planned > 0:
        left_for_later = max(0.0, total_budget - elapsed - max(0.0, planned - used))
        scale = min(1.0, left_for_later / later_planned)
    else:
        scale = 1.0
    return ClockView(
        step_id=session.current_step,
        step_elapsed_s=session.step_seconds(session.current_step, now),
        step_budget_s=budgets[session.current_step] * 60,
        total_elapsed_s=elapsed,
        total_budget_s=total_budget,
        running=session.running,
        behind_s=used - planned,
        later_budgets_s={s: budgets[s] * 60 * scale for s in later},
    )


def clock_plan(session: Session, now: float | None = None) -> dict:
    """What the browser's clock (``whiteboard_canvas.clock``) needs to tick on its own.

    The page sends this on each run and the browser counts down from it every second, so
    no server run ticks the clock: a timed fragment rerunning each second collided with
    the user's own changes and lost some of them. While the clock runs, every figure moves
    by one second per second; ``behind_s`` (seconds the walked steps used beyond their
    budgets, negative when ahead) is what the later steps' shares are cut by. The browser's
    arithmetic (static/clock.js) is ``clock_view`` advanced by the seconds since the data
    came, and a browser test holds the two to the same figures.
    """
    now = time.time() if now is None else now
    view = clock_view(session, now)
    framework = load_framework()
    budgets = step_budgets(session.length_minutes)
    finished = session.finished_at is not None
    status = (
        "finished"
        if finished
        else "running"
        if view.running
        else "paused"
        if session.started
        else "not started"
    )
    step = framework.get(view.step_id)
    return {
        "at": round(now, 3),
        "status": status,
        "running": view.running and not finished,
        "stepTitle": step.title,
        "stepShort": step.short_title,
        "stepLeft": round(view.step_left_s, 1),
        "stepBudget": round(view.step_budget_s, 1),
        "totalLeft": None if view.total_left_s is None else round(view.total_left_s, 1),
        "elapsed": round(view.total_elapsed_s, 1),
        "lengthMinutes": session.length_minutes,
        "behind": round(view.behind_s, 1),
        "later": [
            [framework.get(s).title, round(budgets[s] * 60, 1)] for s in view.later_budgets_s
        ],
    }


def mmss(seconds: float) -> str:
    """``-1:05`` style minutes and seconds."""
    sign = "-" if seconds < 0 else ""
    seconds = int(abs(seconds))
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


# ---- two tabs on one session ---------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """A session merged from two copies, and what both changed differently."""

    session: Session
    conflicts: list[str]
    """Human names of the parts both sides changed differently ("notes on Data")."""


_CLOCK = ("current_step", "running_since", "started", "finished_at", "last_activity_at")


def merge_sessions(base: Session, mine: Session, theirs: Session) -> Merge:
    """Three-way merge of two edits of one session read at ``base``.

    A part changed on one side only takes that side's value, so a tab that only edited the
    design keeps the notes another tab saved meanwhile. A part both changed differently
    (the same step's notes, the design) takes ``mine`` and is listed in ``conflicts``: the
    caller keeps ``theirs`` too (as a copy), so neither side is lost. The clock never
    conflicts: time spent is the larger of the two per step, and the clock state follows
    the side that changed it (``mine`` if both did).
    """
    merged = theirs.model_copy(deep=True)
    conflicts: list[str] = []
    titles = {s.id: s.title for s in load_framework().steps}

    for step in sorted(set(base.notes) | set(mine.notes) | set(theirs.notes)):
        b, m, t = (s.notes.get(step, "") for s in (base, mine, theirs))
        if m != b:
            if t not in (b, m):
                conflicts.append(f"notes on {titles.get(step, step)}")
            merged.notes[step] = m
    if mine.design != base.design:
        if theirs.design not in (base.design, mine.design):
            conflicts.append("the design")
        merged.design = mine.design.model_copy(deep=True)
    for step in set(mine.spent_s) | set(theirs.spent_s):
        merged.spent_s[step] = max(mine.spent_s.get(step, 0.0), theirs.spent_s.get(step, 0.0))
    for step in set(mine.drawn_s) | set(theirs.drawn_s):
        merged.drawn_s[step] = max(mine.drawn_s.get(step, 0.0), theirs.drawn_s.get(step, 0.0))
    # A finish is final: a tab that drew on while another finished does not reopen it.
    if theirs.finished_at is None and any(getattr(mine, f) != getattr(base, f) for f in _CLOCK):
        for name in _CLOCK:
            setattr(merged, name, getattr(mine, name))
    for step in set(mine.hints_used) | set(theirs.hints_used):
        seen = list(theirs.hints_used.get(step, []))
        seen += [i for i in mine.hints_used.get(step, []) if i not in seen]
        merged.hints_used[step] = seen
    for name in ("length_minutes", "mode", "room", "feedback", "drawing_for", "curveball_plan"):
        if getattr(mine, name) != getattr(base, name):
            setattr(merged, name, getattr(mine, name))
    merged.copies = merge_copies(mine.copies, theirs.copies)
    merged.curveballs = merge_curveballs(mine.curveballs, theirs.curveballs)
    return Merge(merged, conflicts)


def merge_curveballs(
    mine: list[AppliedCurveball], theirs: list[AppliedCurveball]
) -> list[AppliedCurveball]:
    """Both sides' curveballs once each, in the order they came; where both hold one, the
    side that saw it answered (``passed_again_at``) wins."""
    by_key: dict[tuple[str, float], AppliedCurveball] = {}
    for ball in [*theirs, *mine]:
        key = (ball.id, ball.at)
        known = by_key.get(key)
        if known is None or (known.passed_again_at is None and ball.passed_again_at):
            by_key[key] = ball.model_copy(deep=True)
    return sorted(by_key.values(), key=lambda b: b.at)[-SESSION_CURVEBALL_LIMIT:]


def merge_copies(mine: list[ConflictCopy], theirs: list[ConflictCopy]) -> list[ConflictCopy]:
    """Both sides' conflict copies, once each, in the order they were made; dismissed where
    either side dismissed it. The oldest go past the field's limit."""
    by_id: dict[str, ConflictCopy] = {}
    for copy in [*theirs, *mine]:
        known = by_id.get(copy.id)
        if known is None:
            by_id[copy.id] = copy.model_copy()
        elif copy.dismissed:
            known.dismissed = True
    return sorted(by_id.values(), key=lambda c: c.at)[-100:]
