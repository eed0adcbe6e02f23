"""The replay on the report (issue 23): a time slider and play at 10x or 30x over the
session's history, showing the board as it stood with its marks, the notes as they were,
the clock and the verdicts; markers for what the interviewer did; the verdict timeline.

The history comes from the store (``Store.history``); replaying and checking are cached
per session and history length, so moving the slider costs one seek (at most
``design_framework.history.KEYFRAME_EVERY`` patches) and one cached rubric check.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components.design import Design
from components.markdown import escape, no_images
from design_framework.curveballs import statuses
from design_framework.history import (
    HistoryEvent,
    Replay,
    VerdictTimeline,
    mmss,
    session_timeline,
)
from design_framework.session import Session
from design_framework.steps import STEP_IDS, load_framework
from storage import StorageError
from ui import state
from ui.board_route import checked, scenario_for
from ui.widgets import diagram

MOMENT = "w_replay_at"
PLAYING = "w_replay_speed"
MARKER_WORDS = {
    "step": "Step",
    "hint": "Hint",
    "curveball": "Curveball",
    "question": "Question",
    "time_call": "Time call",
    "pointer": "Pointer",
    "bookmark": "Bookmark",
}
STATUS_COLOURS = {"fail": "#d62728", "warn": "#ff7f0e", "pass": "#2ca02c"}


@st.cache_resource(max_entries=16, show_spinner=False)
def _replay(session_id: str, count: int, _events: tuple[HistoryEvent, ...]) -> Replay:
    return Replay(list(_events))


@st.cache_resource(max_entries=16, show_spinner="Checking the design at every moment...")
def _timeline(
    session_id: str, count: int, end_s: float, _session: Session, _events
) -> VerdictTimeline:
    def check(design: Design, balls) -> dict[str, str]:
        return statuses(checked(design, _session.scenario_id, _session.scenario_yaml, balls))

    base = scenario_for(_session.scenario_id, _session.scenario_yaml)
    return session_timeline(list(_events), base, _session.curveballs, end_s, check=check)


def history_of(session: Session) -> list[HistoryEvent]:
    try:
        return state.store().history(session.id)
    except StorageError as error:
        st.warning(f"{error} The replay is left out until then.")
        return []


def timeline_of(session: Session, events: list[HistoryEvent]) -> VerdictTimeline | None:
    if not events:
        return None
    end = max(session.elapsed_seconds(session.finished_at or None), events[-1].elapsed_s)
    return _timeline(session.id, len(events), round(end), session, tuple(events))


def replay_section(session: Session, events: list[HistoryEvent], timeline) -> None:
    """The replay: headlines, the verdict timeline, and the moment the slider is at."""
    st.subheader("Replay")
    if not events:
        st.caption("No history was kept for this session (it was saved before the app kept one).")
        return
    replay = _replay(session.id, len(events), tuple(events))
    end = max(timeline.end_s if timeline else 0.0, replay.end_s)
    if timeline is not None:
        st.markdown("\n".join(f"- {escape(line)}" for line in timeline.headlines()))
        st.altair_chart(_chart(timeline, replay), use_container_width=True)
    _controls(replay, end)
    _moment(session, replay, end)


def _chart(timeline: VerdictTimeline, replay: Replay):
    spans = pd.DataFrame(
        [
            {
                "rule": s.rule,
                "from": s.start_s / 60,
                "to": max(s.end_s, s.start_s + 1) / 60,
                "status": s.status,
                "when": f"{mmss(s.start_s)} to {mmss(s.end_s)}",
            }
            for s in timeline.spans
        ]
    )
    bars = (
        alt.Chart(spans)
        .mark_bar()
        .encode(
            x=alt.X("from:Q", title="minutes into the interview"),
            x2="to:Q",
            y=alt.Y(
                "rule:N",
                title=None,
                sort=sorted(timeline.final),
                axis=alt.Axis(labelLimit=260),
            ),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=["rule", "status", "when"],
        )
    )
    markers = replay.markers()
    if not markers:
        return bars
    marks = pd.DataFrame(
        [
            {
                "at": e.elapsed_s / 60,
                "what": f"{mmss(e.elapsed_s)} {MARKER_WORDS[e.kind]}: {e.text[:80]}",
            }
            for e in markers
        ]
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeDash=[3, 3], color="#888")
        .encode(x="at:Q", tooltip=["what"])
    )
    return bars + rules


def _jump() -> None:
    chosen = st.session_state.get("w_replay_jump")
    if chosen is not None:
        st.session_state[MOMENT] = int(chosen)
        st.session_state[PLAYING] = 0


def _controls(replay: Replay, end: float) -> None:
    st.session_state.setdefault(MOMENT, int(end))
    markers = replay.markers()
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    with right:
        if markers:
            st.selectbox(
                "Jump to",
                [int(e.elapsed_s) for e in markers],
                index=None,
                key="w_replay_jump",
                placeholder="a question, hint, curveball, step or bookmark",
                format_func=lambda at: next(
                    f"{mmss(e.elapsed_s)} · {MARKER_WORDS[e.kind]}: {e.text[:60]}"
                    for e in markers
                    if int(e.elapsed_s) == at
                ),
                on_change=_jump,
            )
    with left:
        speeds = [
            ("Play 10x", "w_replay_10", ":material/play_arrow:", 10),
            ("Play 30x", "w_replay_30", ":material/fast_forward:", 30),
            ("Pause", "w_replay_pause", ":material/pause:", 0),
        ]
        for column, (label, key, icon, speed) in zip(st.columns(3), speeds, strict=True):
            column.button(
                label,
                key=key,
                icon=icon,
                on_click=st.session_state.__setitem__,
                args=(PLAYING, speed),
                width="stretch",
            )


def _moment(session: Session, replay: Replay, end: float) -> None:
    speed = st.session_state.get(PLAYING, 0)

    @st.fragment(run_every=1.0 if speed else None)
    def shown() -> None:
        playing = st.session_state.get(PLAYING, 0)
        if playing:
            at = st.session_state.get(MOMENT, 0) + playing
            if at >= end:
                at, st.session_state[PLAYING] = int(end), 0
            st.session_state[MOMENT] = int(at)
        st.slider(
            "Moment (seconds into the interview)",
            min_value=0,
            max_value=max(1, int(end)),
            key=MOMENT,
            help="Drag to any moment; the board, the notes and the verdicts follow.",
        )
        moment = replay.moment(st.session_state[MOMENT])
        framework = load_framework()
        balls = [b for b in session.curveballs if b.elapsed_s <= moment.elapsed_s]
        base = scenario_for(session.scenario_id, session.scenario_yaml)
        scenario = base.with_curveballs(balls) if base is not None and balls else base
        design = Design.model_validate(moment.design)
        report = checked(design, session.scenario_id, session.scenario_yaml, balls)
        failing = [f.rule for f in report.findings if f.status == "fail"]
        step = framework.get(moment.step).title if moment.step in STEP_IDS else moment.step
        st.markdown(
            f"**{mmss(moment.elapsed_s)}** into the interview · on **{escape(step)}** · "
            f"{len(design.components)} boxes · "
            + (f"failing: {escape(', '.join(failing))}" if failing else "no failing rule")
        )
        passed = [e for e in replay.markers() if e.elapsed_s <= moment.elapsed_s]
        if passed:
            last = passed[-1]
            st.caption(
                f"Last: {mmss(last.elapsed_s)} {MARKER_WORDS[last.kind]}: "
                f"{no_images(last.text[:200])}"
            )
        board, notes = st.columns([3, 2], gap="large")
        with board:
            diagram(
                design,
                report,
                scenario,
                key="w_replay_board",
                empty_hint="Nothing drawn yet.",
                share=0.6,
            )
        with notes:
            text = moment.notes.get(moment.step, "")
            st.markdown(f"**Notes on {escape(step)}** as they were")
            st.text(text or "(none yet)")
            others = [s for s in framework.steps if s.id != moment.step and moment.notes.get(s.id)]
            if others:
                with st.expander(f"Notes on the other steps ({len(others)})"):
                    for other in others:
                        st.markdown(f"**{escape(other.title)}**")
                        st.text(moment.notes[other.id])

    shown()
