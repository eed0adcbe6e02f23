"""A session's history: every change to the design and the notes, the clock, hints,
curveballs and the interviewer's events, with their times, so a finished session can be
played back and its verdicts drawn over time (issue 23).

Events are small: a design change is a patch (the boxes put or dropped, the arrows put or
dropped, the sticky notes when they changed), a notes change a splice of the step's text.
Every ``KEYFRAME_EVERY`` events (and the first) one event also carries the whole state
after it, so seeking replays at most that many patches from the nearest keyframe.

The store keeps the events beside the session (``Store.history``), not in the session's
own row: a save appends the few new events instead of rewriting them all. A session file
carries them (``Session.history``), so a session opened on another install replays too.
Past ``MAX_EVENTS`` or ``MAX_BYTES`` the store records no more and the replay says where
the history stops: a 60-minute session with 500 changes on the board is about a tenth of
that (``make bench`` prints it).
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

KEYFRAME_EVERY = 40
MAX_EVENTS = 6000
MAX_BYTES = 2_000_000

EventKind = Literal[
    "design",
    "notes",
    "start",
    "pause",
    "step",
    "finish",
    "hint",
    "curveball",
    "question",
    "time_call",
    "pointer",
    "bookmark",
]
MARKERS = ("step", "hint", "curveball", "question", "time_call", "pointer", "bookmark")
"""Kinds a replay marks on its time line (the rest change the board, the notes, the clock)."""


class HistoryEvent(BaseModel):
    """One thing that happened in a session, as the history keeps it."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    at: float = Field(description="Epoch seconds.")
    elapsed_s: float = Field(0.0, ge=0, description="Interview seconds on the clock then.")
    step: str = Field(description="The step the candidate was on.")
    kind: EventKind = Field(description="What happened.")
    text: str = Field("", max_length=2000, description="What was said, or a short label.")
    patch: dict[str, Any] | None = Field(
        None, description="A design change: put/drop boxes, put/drop arrows, sticky notes."
    )
    splice: dict[str, Any] | None = Field(
        None, description="A notes change: {step, start, keep_end, insert}."
    )
    state: dict[str, Any] | None = Field(
        None, description="A keyframe: the whole design and notes after this event."
    )

    def size(self) -> int:
        return len(self.model_dump_json(exclude_none=True))


# ---- making events ------------------------------------------------------------------------


def _edge_key(edge: dict) -> str:
    return f"{edge['from']}->{edge['to']}"


def design_patch(old, new) -> dict | None:
    """What changed from the design ``old`` to ``new`` (both ``Design``), or None."""
    before = {c.id: c for c in old.components}
    after = {c.id: c for c in new.components}
    put = [
        c.model_dump(by_alias=True, exclude_none=True)
        for cid, c in after.items()
        if before.get(cid) != c
    ]
    drop = [cid for cid in before if cid not in after]
    old_edges = {
        _edge_key(e): e for e in (x.model_dump(by_alias=True, exclude_none=True) for x in old.edges)
    }
    new_edges = {
        _edge_key(e): e for e in (x.model_dump(by_alias=True, exclude_none=True) for x in new.edges)
    }
    edges_put = [e for key, e in new_edges.items() if old_edges.get(key) != e]
    edges_drop = [key for key in old_edges if key not in new_edges]
    patch: dict[str, Any] = {}
    if put:
        patch["put"] = put
    if drop:
        patch["drop"] = drop
    if edges_put:
        patch["edges_put"] = edges_put
    if edges_drop:
        patch["edges_drop"] = edges_drop
    if old.notes != new.notes:
        patch["stickies"] = [n.model_dump(exclude_none=True) for n in new.notes]
    if old.title != new.title:
        patch["title"] = new.title
    return patch or None


def notes_splice(step: str, old: str, new: str) -> dict | None:
    """The change from ``old`` to ``new`` text of one step as one splice, or None."""
    if old == new:
        return None
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    keep_end = 0
    while keep_end < limit - start and old[len(old) - 1 - keep_end] == new[len(new) - 1 - keep_end]:
        keep_end += 1
    return {
        "step": step,
        "start": start,
        "keep_end": keep_end,
        "insert": new[start : len(new) - keep_end],
    }


def state_of(design, notes: dict[str, str]) -> dict:
    return {"design": design.to_dict(), "notes": dict(notes)}


# ---- replaying ------------------------------------------------------------------------------


@dataclass
class Moment:
    """The session as it stood at one moment of its history."""

    design: dict
    notes: dict[str, str]
    step: str
    elapsed_s: float
    at: float
    index: int  # events applied: history[:index]


def _apply(design: dict, notes: dict[str, str], event: HistoryEvent) -> None:
    """Apply one event to a design (as a dict) and notes, in place. Lenient: a patch made
    on another tab's copy still applies (boxes by id, arrows by their ends)."""
    if event.state is not None:
        design.clear()
        design.update(json.loads(json.dumps(event.state["design"])))
        notes.clear()
        notes.update(event.state["notes"])
        return
    if event.patch:
        patch = event.patch
        components = {c["id"]: c for c in design.get("components", [])}
        for cid in patch.get("drop", []):
            components.pop(cid, None)
        for component in patch.get("put", []):
            components[component["id"]] = component
        design["components"] = list(components.values())
        edges = {_edge_key(e): e for e in design.get("edges", [])}
        for key in patch.get("edges_drop", []):
            edges.pop(key, None)
        for edge in patch.get("edges_put", []):
            edges[_edge_key(edge)] = edge
        known = set(components)
        design["edges"] = [e for e in edges.values() if e["from"] in known and e["to"] in known]
        if "stickies" in patch:
            design["notes"] = patch["stickies"]
        if "title" in patch:
            design["title"] = patch["title"]
    if event.splice:
        splice = event.splice
        old = notes.get(splice["step"], "")
        end = len(old) - splice["keep_end"]
        notes[splice["step"]] = (
            old[: splice["start"]] + splice["insert"] + old[max(end, splice["start"]) :]
        )


@dataclass
class Replay:
    """A history made ready for seeking: ``moment(t)`` in at most ``KEYFRAME_EVERY`` steps."""

    events: list[HistoryEvent]
    times: list[float] = field(init=False)
    keyframes: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.events = sorted(self.events, key=lambda e: (e.elapsed_s, e.at))
        self.times = [e.elapsed_s for e in self.events]
        self.keyframes = [i for i, e in enumerate(self.events) if e.state is not None]

    @property
    def start_s(self) -> float:
        return self.times[0] if self.times else 0.0

    @property
    def end_s(self) -> float:
        return self.times[-1] if self.times else 0.0

    def moment(self, elapsed_s: float) -> Moment:
        """The design and notes after every event up to ``elapsed_s`` (inclusive)."""
        upto = bisect.bisect_right(self.times, elapsed_s)
        at_key = bisect.bisect_right(self.keyframes, upto - 1) - 1
        begin = self.keyframes[at_key] if at_key >= 0 else 0
        design: dict = {"version": 1, "components": [], "edges": []}
        notes: dict[str, str] = {}
        for event in self.events[begin:upto]:
            _apply(design, notes, event)
        last = self.events[upto - 1] if upto else None
        return Moment(
            design=design,
            notes=notes,
            step=last.step if last else "requirements",
            elapsed_s=elapsed_s,
            at=last.at if last else 0.0,
            index=upto,
        )

    def markers(self) -> list[HistoryEvent]:
        return [e for e in self.events if e.kind in MARKERS]

    def design_moments(self, every_s: float = 10.0):
        """``(elapsed_s, design dict)`` after each change of the design, at most one per
        ``every_s`` seconds (the last of each window): where the verdict may have moved. A
        60-minute session is at most 360 checks, about a second of the rubric; the app
        caches the result."""
        design: dict = {"version": 1, "components": [], "edges": []}
        notes: dict[str, str] = {}
        pending = None  # the last design of the current window, and its time
        for event in self.events:
            _apply(design, notes, event)
            if event.patch is None and event.state is None:
                continue
            if pending is not None and event.elapsed_s // every_s != pending[0] // every_s:
                yield pending
            pending = (event.elapsed_s, json.loads(json.dumps(design)))
        if pending is not None:
            yield pending


# ---- the verdict timeline -------------------------------------------------------------------


@dataclass
class RuleSpan:
    rule: str
    start_s: float
    end_s: float
    status: str


@dataclass
class VerdictTimeline:
    """Each rule's status over the interview, and the figures a reviewer asks first."""

    spans: list[RuleSpan]
    end_s: float
    first_passing_s: float | None  # the first design with no failing rule
    failing_s: dict[str, float]  # per rule: seconds failing, once it was first judged
    first_pass_s: dict[str, float | None]
    final: dict[str, str]

    def headlines(self) -> list[str]:
        """What a reviewer asks first: when the design first passed, which rules were fixed
        and after how long, which still failed at the end."""
        lines = []
        if self.first_passing_s is not None:
            lines.append(f"First design with no failing rule at {mmss(self.first_passing_s)}.")
        else:
            lines.append("No design without a failing rule in the whole session.")
        fixed = [
            (rule, seconds)
            for rule, seconds in self.failing_s.items()
            if seconds > 0 and self.final.get(rule) != "fail"
        ]
        for rule, seconds in sorted(fixed, key=lambda item: -item[1])[:3]:
            passed = max(
                (s.start_s for s in self.spans if s.rule == rule and s.status != "fail"),
                default=None,
            )
            when = f", passing from {mmss(passed)}" if passed is not None else ""
            lines.append(f"{rule} failed for {mmss(seconds)} in all{when}.")
        still = [(r, s) for r, s in self.failing_s.items() if self.final.get(r) == "fail"]
        for rule, seconds in sorted(still, key=lambda item: -item[1])[:3]:
            lines.append(f"{rule} still failed at the end ({mmss(seconds)} in all).")
        return lines

    def table(self) -> list[dict]:
        """One row per rule: first passed at, time failing, status at the end."""
        return [
            {
                "rule": rule,
                "first_pass": mmss(self.first_pass_s[rule])
                if self.first_pass_s.get(rule) is not None
                else "never",
                "failing": mmss(self.failing_s.get(rule, 0.0)),
                "final": status,
            }
            for rule, status in sorted(self.final.items())
        ]


def verdict_timeline(replay: Replay, check, end_s: float | None = None) -> VerdictTimeline:
    """Each rule's status from one design moment to the next: ``check(design dict,
    elapsed_s)`` gives ``{rule: status}`` for the design as it stood then (the caller
    applies the scenario as curveballs had changed it by then)."""
    moments = list(replay.design_moments())
    end = max(end_s or 0.0, replay.end_s)
    spans: list[RuleSpan] = []
    open_spans: dict[str, RuleSpan] = {}
    first_passing = None
    failing: dict[str, float] = {}
    first_pass: dict[str, float | None] = {}
    final: dict[str, str] = {}
    for index, (at, design) in enumerate(moments):
        until = moments[index + 1][0] if index + 1 < len(moments) else end
        statuses = check(design, at)
        if first_passing is None and statuses and "fail" not in statuses.values():
            first_passing = at
        for rule, status in statuses.items():
            final[rule] = status
            first_pass.setdefault(rule, None)
            if status == "pass" and first_pass[rule] is None:
                first_pass[rule] = at
            if status == "fail":
                failing[rule] = failing.get(rule, 0.0) + max(0.0, until - at)
            span = open_spans.get(rule)
            if span is not None and span.status == status:
                span.end_s = until
                continue
            span = RuleSpan(rule, at, until, status)
            open_spans[rule] = span
            spans.append(span)
    return VerdictTimeline(spans, end, first_passing, failing, first_pass, final)


def mmss(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def session_timeline(
    events: list[HistoryEvent], scenario, curveballs=(), end_s: float | None = None, check=None
) -> VerdictTimeline:
    """A session's verdict timeline: each design moment checked against the scenario as the
    curveballs delivered by then had changed it. ``check(design, curveballs so far)`` gives
    ``{rule: status}``; by default the rubric runs on ``scenario`` (the app passes its
    cached one)."""
    from components.design import Design
    from design_framework.curveballs import statuses
    from design_framework.rubric import check_design

    if check is None:

        def check(design, balls):
            changed = (
                scenario.with_curveballs(balls) if scenario is not None and balls else scenario
            )
            return statuses(check_design(design, changed))

    def at(design: dict, elapsed: float) -> dict[str, str]:
        balls = [b for b in curveballs if b.elapsed_s <= elapsed]
        return check(Design.model_validate(design), balls)

    return verdict_timeline(Replay(events), at, end_s)
