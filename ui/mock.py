"""Mock interview in two browsers: the interviewer hosts a room, the candidate joins by link.

The host picks the scenario and gets two links: their own (it carries the interviewer's
key) and the candidate's (it carries the candidate's key and opens the whiteboard). The
key decides the role; the room code alone opens nothing. The interviewer sees the
candidate's clock, notes and diagram within a poll of a change, plus what the candidate
does not: the expected signals, follow-ups, hints, pitfalls, the reference design and a
scoring form. What the interviewer sends (a question, a hint, a time call, a pointer) and
does (start, pause, advance the clock, end) goes to the candidate's screen as room events.
"""

import time

import streamlit as st
from whiteboard_canvas import live_text

from components.markdown import escape, no_images
from design_framework.coverage import notes_coverage
from design_framework.curveballs import RequirementChanges, number
from design_framework.interview import follow_ups
from design_framework.room import RoomEvent, next_step, time_call
from design_framework.session import (
    FEEDBACK_AREAS,
    MAX_COMMENT_CHARS,
    MAX_SUMMARY_CHARS,
    RATING_LABELS,
    Feedback,
    Rating,
    Session,
    mmss,
)
from design_framework.steps import load_framework
from storage import RoomClosed, StorageError
from ui import live, state
from ui.widgets import (
    REHEARSAL,
    clock,
    diagram,
    findings,
    length_select,
    point_line,
    practice_select,
)

st.title("Mock interview")
framework = load_framework()
titles = {s.id: s.title for s in framework.steps}
seat, refusal = live.seat_from_link()

if refusal:
    st.error(refusal)
    st.stop()

# ---- no link: host a room ---------------------------------------------------------------------

if seat is None:
    st.markdown(
        "Host a mock interview: pick the scenario your candidate will design, open a room, "
        "and send them their link. Your own link (keep it to yourself) shows the hidden "
        "guide and the scoring form. A candidate who was sent a link just opens it."
    )
    scenarios = state.pack()
    st.selectbox(
        "Scenario",
        sorted(scenarios),
        key="w_host_scenario",
        format_func=lambda sid: scenarios[sid].title,
    )
    length_select("w_host_length")
    practice_select(
        "w_host_practice_as",
        "What the candidate sees",
        REHEARSAL,
        help="Rehearsal, as in a real interview: the candidate has the clock, the board and "
        "their notes; the rubric, the checklist and the board's marks wait until the end. "
        "Coached: they see the verdicts as they go. You see everything either way.",
    )

    def host() -> None:
        session = Session(
            scenario_id=st.session_state["w_host_scenario"],
            length_minutes=st.session_state["w_host_length"] or None,  # 0: untimed
            mode="mock",
            # read when clicked: the choice as the host left it
            rehearsal=st.session_state.get("w_host_practice_as", REHEARSAL) == REHEARSAL,
        )
        try:
            # no owner yet: the candidate who opens the link becomes its owner
            state.store().save_session(session)
            room = state.store().create_room(
                session.id, owner=state.owner(), hours=live.room_hours()
            )
            session.room = room.code
            state.store().save_session(session)
        except StorageError as error:
            st.session_state["w_host_error"] = f"{error} No room was opened."
            return
        st.query_params.update({state.ROOM_PARAM: room.code, live.KEY_PARAM: room.interviewer_key})

    st.button("Open a room", key="w_mock_host", type="primary", on_click=host)
    if st.session_state.get("w_host_error"):
        st.error(st.session_state.pop("w_host_error"))
    st.stop()

room = seat.room

# ---- the candidate's link: their whiteboard ---------------------------------------------------

if seat.role == "candidate":
    if room.expired() and not room.ended:
        st.warning(f"Room {room.code} expired; your session stays yours.")
    current = st.session_state.get(state.SESSION)
    if current is None or current.id != room.session_id:
        try:
            stored = state.store().load_versioned(room.session_id)
        except StorageError as error:
            st.error(f"{error} The interview cannot be opened until then.")
            st.stop()
        if stored is None:
            st.error(f"The session of room {room.code} is gone.")
            st.stop()
        state.open_session(stored[0])
        state.store().claim_session(room.session_id, state.owner())
    target = "ui/report.py" if live.over(room) else "ui/practice.py"
    live.switch_page(target, {state.SESSION_PARAM: room.session_id})

# ---- the interviewer's link ----------------------------------------------------------------------

code = room.code
if room.expired() and not room.ended:
    st.error(f"Room {code} expired at {live.when(room.expires_at)}: it takes nothing more.")
    st.stop()
if room.ended:
    live.switch_page("ui/report.py", {state.ROOM_PARAM: code, live.KEY_PARAM: seat.key})

live.mark_seen("interviewer", state.store().room_watch(code))
candidate = live.candidate_view(room)
if candidate is None:
    st.error("The candidate's session is gone.")
    st.stop()
scenario = state.scenario_of(candidate)


REPLAY_S = 2.0


def send(kind: str, **fields) -> None:
    """Push an event, stamped now (at the click, not when the button was drawn).

    The same event again within ``REPLAY_S`` is one click delivered twice (Streamlit can
    run a click's callback again when the run it started was cut short), not a second
    question: nobody sends the same words twice in two seconds."""
    last = st.session_state.get("w_iv_last_sent")
    now = time.time()
    if last and last[0] == (kind, fields) and now - last[1] < REPLAY_S:
        return
    try:
        state.store().push(code, RoomEvent(kind=kind, **fields))
    except (RoomClosed, StorageError) as error:
        st.session_state["w_send_error"] = str(error)
        return
    st.session_state["w_iv_last_sent"] = ((kind, fields), now)


head, links = st.columns([3, 2])
with head:
    st.subheader(escape(scenario.title) if scenario else "Free design")
    st.caption(
        f"Room **{code}** · you are the interviewer · the room closes at "
        f"{live.when(room.expires_at)}"
    )
# Markdown, not st.code: st.code loads a 1.5 MB syntax highlighter into this page on every
# load (bench/page_loads.py), for one line to copy.
links.container(key="w_iv_candidate_link").markdown(
    "**The candidate's link** (send it; it opens their whiteboard)  \n"
    f"`{live.link(room, 'candidate')}`"
)

# ---- clock and controls --------------------------------------------------------------------------


# The clock ticks in the browser; the poll below redraws it when the candidate moves on.
clock(candidate, mode="interviewer", key="w_iv_clock", live=live.live_of(seat, "interviewer"))
b1, b2, b3 = st.columns(3)
if candidate.running:
    b1.button(
        "Pause the clock",
        key="w_iv_pause",
        icon=":material/pause:",
        on_click=send,
        args=("clock_pause",),
        width="stretch",
    )
else:
    b1.button(
        "Start the clock" if not candidate.started else "Resume the clock",
        key="w_iv_start",
        icon=":material/play_arrow:",
        type="primary",
        on_click=send,
        args=("clock_start",),
        width="stretch",
    )
upcoming = next_step(candidate)
if upcoming:
    b2.button(
        f"Move on to {titles[upcoming]}",
        key="w_iv_advance",
        icon=":material/skip_next:",
        on_click=send,
        args=("advance",),
        kwargs={"step": upcoming},
        width="stretch",
    )
b3.button(
    "End the interview",
    key="w_iv_end",
    icon=":material/flag:",
    on_click=send,
    args=("end",),
    width="stretch",
    help="Stops the clock; both of you then see the report with your feedback.",
)
mark_text, mark_button = st.columns([4, 1], vertical_alignment="bottom")
mark_text.text_input(
    "Mark this moment",
    key="w_iv_bookmark_text",
    placeholder="What you saw, for the replay (the candidate does not see it now)",
)


def send_bookmark() -> None:
    send("bookmark", text=(st.session_state.get("w_iv_bookmark_text") or "").strip())
    st.session_state["w_iv_bookmark_text"] = ""


mark_button.button(
    "Bookmark",
    key="w_iv_bookmark",
    icon=":material/bookmark_add:",
    on_click=send_bookmark,
    width="stretch",
    help="A mark on the replay's time line and in the report, with your note.",
)
if st.session_state.get("w_send_error"):
    st.error(st.session_state.pop("w_send_error"))

# ---- send to the candidate -----------------------------------------------------------------------

coverage = notes_coverage(candidate.notes, scenario)
report = state.rubric(candidate)
with st.container(border=True):
    st.markdown("**Send to the candidate** (it appears on their screen at once)")
    ask, hint, timing, point, curve = st.tabs(
        ["Question", "Hint", "Time call", "Point at", "Curveball"]
    )
    with ask:
        suggested = follow_ups(
            candidate.current_step, coverage[candidate.current_step], scenario, limit=8
        )
        st.selectbox(
            "A follow-up from the guide",
            [None, *suggested],
            key="w_iv_question_pick",
            format_func=lambda q: q or "(type your own below)",
        )
        st.text_input("Or your own question", key="w_iv_question_text")

        def send_question() -> None:
            text = (
                st.session_state.get("w_iv_question_text") or ""
            ).strip() or st.session_state.get("w_iv_question_pick")
            if not text:
                st.session_state["w_send_error"] = "Pick a follow-up or type a question first."
                return
            send("question", text=text)
            st.session_state["w_iv_question_text"] = ""
            st.session_state["w_iv_question_pick"] = None

        st.button("Send the question", key="w_iv_send_question", on_click=send_question)
    with hint:
        used = {i for indexes in candidate.hints_used.values() for i in indexes}
        left = [i for i in range(len(scenario.hints) if scenario else 0) if i not in used]
        if not left:
            st.caption("No hints left to give.")
        else:
            st.selectbox(
                "Hint (recorded as used, like one the candidate asks for)",
                left,
                key="w_iv_hint_pick",
                format_func=lambda i: scenario.hints[i],
            )
            st.button(
                "Give the hint",
                key="w_iv_send_hint",
                on_click=lambda: send("hint", hint=st.session_state["w_iv_hint_pick"]),
            )
    with timing:
        st.text_input(
            "Time call",
            key=state.widget_value("w_iv_time_text", lambda: time_call(candidate)),
            help="Suggested from the clock; edit it as you like.",
        )

        def send_time_call() -> None:
            text = (st.session_state.get("w_iv_time_text") or "").strip()
            if text:
                send("time_call", text=text)
            st.session_state.pop("w_iv_time_text", None)  # next suggestion from the clock

        st.button("Send the time call", key="w_iv_send_time", on_click=send_time_call)
    with point:
        targets = [("node", c.id) for c in candidate.design.components] + [
            ("finding", f.rule) for f in report.findings if f.status in ("fail", "warn")
        ]
        if not targets:
            st.caption("Nothing to point at yet: no nodes and no failing finding.")
        else:
            st.selectbox(
                "Node or finding",
                targets,
                key="w_iv_point_pick",
                format_func=lambda t: f"{t[0]}: {t[1]}",
            )
            st.text_input("Comment (optional)", key="w_iv_point_text")

            def send_pointer() -> None:
                kind, target = st.session_state["w_iv_point_pick"]
                send(
                    "pointer",
                    target=target,
                    target_kind=kind,
                    text=st.session_state.get("w_iv_point_text") or "",
                )
                st.session_state["w_iv_point_text"] = ""

            st.button("Point", key="w_iv_send_point", on_click=send_pointer)
    with curve:
        thrown = {b.id for b in candidate.curveballs}
        offered = [b for b in (scenario.curveballs if scenario else []) if b.id not in thrown]
        by_id = {b.id: b for b in offered}
        picked = st.selectbox(
            "A curveball from the scenario",
            [None, *by_id],
            key="w_iv_curve_pick",
            format_func=lambda i: by_id[i].title if i else "(or set new numbers below)",
        )
        if picked:
            ball = by_id[picked]
            st.caption(f"They hear: “{no_images(ball.say)}”")
            st.caption("A strong answer: " + "; ".join(no_images(a) for a in ball.strong_answer))
        numbers = st.columns(3)
        fields = [
            ("peak_qps", "Peak QPS", 1),
            ("latency_budget_ms", "Latency budget (ms)", 1),
            ("catalog_size", "Catalog size", 1),
            ("users", "Monthly users", 1),
            ("feature_freshness_s", "Feature freshness (s)", 1),
            ("batch_window_h", "Batch window (h)", 0.5),
        ]
        for index, (name, label, step_by) in enumerate(fields):
            numbers[index % 3].number_input(
                label,
                min_value=step_by,
                value=None,
                step=step_by,
                key=f"w_iv_curve_{name}",
                disabled=bool(picked),
                placeholder=number(name, getattr(scenario.requirements, name, None))
                if scenario
                else "",
            )
        st.text_input(
            "What you say (for new numbers)", key="w_iv_curve_text", disabled=bool(picked)
        )

        def send_curveball() -> None:
            chosen = st.session_state.get("w_iv_curve_pick")
            if chosen:
                send("curveball", curveball=chosen)
                st.session_state["w_iv_curve_pick"] = None
                return
            changes = {
                name: st.session_state.get(f"w_iv_curve_{name}")
                for name, _, _ in fields
                if st.session_state.get(f"w_iv_curve_{name}") is not None
            }
            if not changes:
                st.session_state["w_send_error"] = "Pick a curveball or set a number first."
                return
            try:
                RequirementChanges.model_validate(changes)
            except ValueError as error:
                st.session_state["w_send_error"] = f"Those numbers cannot be used: {error}"
                return
            text = (st.session_state.get("w_iv_curve_text") or "").strip()
            send("curveball", changes=changes, text=text)
            for name, _, _ in fields:
                st.session_state[f"w_iv_curve_{name}"] = None
            st.session_state["w_iv_curve_text"] = ""

        st.button(
            "Throw the curveball",
            key="w_iv_send_curveball",
            on_click=send_curveball,
            help="From now on the candidate's design is checked against the new numbers; "
            "the report shows the verdicts before and after, and how long the fix took.",
        )

# ---- what the candidate sees, and the guide -----------------------------------------------------

board, guide = st.columns([3, 2], gap="large")
with board:
    diagram(  # a read-only board: the live view does not depend on how it is drawn
        candidate.design,
        report,
        scenario,
        key="w_mock_board",
        empty_hint="The candidate has not drawn anything yet.",
        share=0.6,
        live=live.live_of(seat, "interviewer"),
    )
    findings(report, key="mock_findings")
with guide:
    st.markdown("#### Interviewer's guide (hidden from the candidate)")
    for step in framework.steps:
        notes = candidate.notes.get(step.id, "")
        cov = coverage[step.id]
        here = " ← now" if step.id == candidate.current_step else ""
        with st.expander(
            f"{step.title} · {mmss(candidate.step_seconds(step.id))} · "
            f"{cov.covered}/{cov.total}{here}",
            expanded=bool(here),
        ):
            st.markdown("**Notes**")
            live_text(  # the candidate's words as they commit them, before this page's run
                key=f"w_iv_notes_{step.id}",
                data={
                    **live.live_of(seat, "interviewer"),
                    "kind": "notes",
                    "step": step.id,
                    "text": notes,
                    "empty": "(none yet)",
                },
            )
            # one Markdown element per block, not per line: each element costs the
            # browser a render on every load and every redraw of this live page
            lines = [point_line(p) for p in cov.signals]
            if scenario and step.id in scenario.steps:
                lines.append(
                    "**Follow-ups to ask**\n\n"
                    + "\n".join(f"- {no_images(q)}" for q in scenario.steps[step.id].follow_ups)
                )
            if lines:
                st.markdown("\n\n".join(lines))
    if scenario:
        with st.expander(
            f"Hints (the candidate has used {sum(len(v) for v in candidate.hints_used.values())})"
        ):
            st.markdown("\n".join(f"- {no_images(text)}" for text in scenario.hints))
        with st.expander("Common pitfalls"):
            st.markdown("\n".join(f"- {no_images(pitfall)}" for pitfall in scenario.pitfalls))
        # drawn only when asked for: every redraw of this page is on the live path
        if st.toggle("Show the reference design", key="w_iv_reference"):
            diagram(scenario.reference_design, None, scenario, key="w_mock_reference", share=0.4)
    if candidate.curveballs:
        with st.expander(f"Curveballs thrown ({len(candidate.curveballs)})", expanded=True):
            for ball in candidate.curveballs:
                if not ball.broke:
                    status = "broke no rule of the design then"
                elif ball.passed_again_at:
                    status = f"passed again {mmss(ball.passed_again_at - ball.at)} after it"
                else:
                    status = f"still failing: {', '.join(ball.broke)}"
                answer = "; ".join(no_images(a) for a in ball.strong_answer)
                st.markdown(
                    f"**{escape(ball.title)}** at {mmss(ball.elapsed_s)}: {status}."
                    + (f"  \nA strong answer: {answer}" if answer else "")
                )
    if candidate.timeline:
        with st.expander(f"Sent so far ({len(candidate.timeline)})"):
            for entry in candidate.timeline:
                st.markdown(f"`{live.when(entry.at)}` {escape(entry.text)}")

# ---- scoring form --------------------------------------------------------------------------------

st.markdown("#### Scoring form")
try:
    saved = state.store().load_feedback(code)
except StorageError as error:
    st.error(f"{error} The form starts empty.")
    saved = Feedback()
with st.form("w_feedback_form"):
    for key, label in FEEDBACK_AREAS.items():
        current = saved.ratings.get(key, Rating())
        cols = st.columns([2, 3])
        cols[0].select_slider(
            label,
            options=[None, 1, 2, 3, 4],
            value=current.score,
            format_func=lambda v: RATING_LABELS.get(v, "not rated"),
            key=f"w_fb_{key}_score",
        )
        cols[1].text_input(
            "Evidence",
            value=current.comment,
            key=f"w_fb_{key}_comment",
            label_visibility="collapsed",
            placeholder=f"What you saw or heard (up to {MAX_COMMENT_CHARS:,} characters)",
            max_chars=MAX_COMMENT_CHARS,
        )
    verdicts = [None, "strong_no_hire", "no_hire", "hire", "strong_hire"]
    st.radio(
        "Recommendation",
        verdicts,
        index=verdicts.index(saved.verdict),
        horizontal=True,
        format_func=lambda v: (v or "undecided").replace("_", " "),
        key="w_fb_verdict",
    )
    st.text_area(
        "Summary for the candidate",
        value=saved.summary,
        key="w_fb_summary",
        max_chars=MAX_SUMMARY_CHARS,
        help=f"Up to {MAX_SUMMARY_CHARS:,} characters; the counter shows how many are left.",
    )
    if st.form_submit_button("Save feedback", type="primary"):
        # The widgets enforce the limits (Streamlit cuts a value at max_chars on the
        # server too), so the form can always be saved.
        feedback = Feedback(
            ratings={
                key: Rating(
                    score=st.session_state[f"w_fb_{key}_score"],
                    comment=st.session_state[f"w_fb_{key}_comment"],
                )
                for key in FEEDBACK_AREAS
            },
            verdict=st.session_state["w_fb_verdict"],
            summary=st.session_state["w_fb_summary"],
        )
        try:
            state.store().save_feedback(code, feedback)
        except StorageError as error:
            st.error(f"Not saved: {error} The form keeps what you typed; save again.")
        else:
            # kept in state: the save itself moves the room, which redraws this page
            st.session_state["fb_saved_at"] = live.when(time.time())
if st.session_state.get("fb_saved_at"):
    st.success(
        f"Saved at {st.session_state['fb_saved_at']}. The candidate sees it on their report "
        "when you end the interview."
    )

live.watch(
    seat,
    lambda: state.store().room_watch(code),
    "interviewer",
    live=True,
)
