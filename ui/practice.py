"""The whiteboard: the clock, one step at a time with notes, the graph and the live rubric."""

import random

import streamlit as st

from components.markdown import escape, no_images
from design_framework.curveballs import deliver, planned, what_changed
from design_framework.rubric import check_design
from design_framework.session import clock_view, mmss
from design_framework.steps import STEP_IDS, load_framework
from ui import live, state
from ui.board_route import requirements_before
from ui.canvas import select_nodes
from ui.notes import notes_panel, page_view
from ui.whiteboard import board_fragment
from ui.widgets import clock

session = state.require_session()


def throw_due_curveball() -> bool:
    """Solo practice with curveballs on: the planned one arrives once the interview reaches
    its minute (the clock's trigger, or this page run if it came while the page was away).
    Returns whether it arrived."""
    plan = planned(session, state.scenario_of(session))
    if plan is None or session.finished_at is not None or session.mode != "solo":
        return False
    ball, due_s = plan
    if session.elapsed_seconds() + 1 < due_s:
        return False
    deliver(session, ball, "scenario", state.scenario_of(session), check_design)
    state.save(session)
    state.notify(f"Curveball: {ball.say}", icon=":material/bolt:")
    return True


def on_curveball_due() -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    throw_due_curveball()


throw_due_curveball()  # due while the page was away (closed, or no trigger came)
scenario = state.scenario_of(session)
arrived = live.candidate_sync(session, scenario)  # what the interviewer sent, if in a room
if arrived and (pointed := live.pointed_nodes(arrived, state.rubric(session))):
    select_nodes(pointed)  # the interviewer's pointer: selected and zoomed to on the board
seat = live.seat_of_session(session)
in_room = seat is not None and not live.over(seat.room)  # an expired room hands the clock back
if live.report_due():
    live.switch_page("ui/report.py", {state.SESSION_PARAM: session.id})
framework = load_framework()
titles = {s.id: s.title for s in framework.steps}


# ---- callbacks -------------------------------------------------------------------------------


def go_to(step_id: str) -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    session.go_to(step_id)
    state.save(session)


def nav_key(step_id: str) -> str:
    # One step bar per step: a rerun request already on its way (a notes save, a clock
    # tick) carries the old bar's value, which must not read as a click back to that step.
    return f"w_step_nav_{step_id}"


def on_step_nav(key: str) -> None:
    if key != nav_key(session.current_step):
        return  # the browser resent the value of a bar no longer shown
    chosen = st.session_state.get(key)
    if chosen and chosen != session.current_step:
        go_to(chosen)
    elif not chosen:  # a click on the selected segment clears it; keep the step shown
        st.session_state[key] = session.current_step


AUTO = "auto"  # Drawing for: booked by what is drawn (a None option would show no label)


def set_drawing_for() -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    chosen = st.session_state.get("w_drawing_for")
    session.drawing_for = None if chosen in (None, AUTO) else chosen
    state.save(session)


def start_clock() -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    session.start()
    state.save(session)


def pause_clock() -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    session.pause()
    state.save(session)


def reveal_hint(shown: int) -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    count = len(scenario.hints)
    used = {i for indexes in session.hints_used.values() for i in indexes if 0 <= i < count}
    if len(used) != shown:
        return  # one click delivered twice: the hint it asked for is out already
    unused = [i for i in range(len(scenario.hints)) if i not in used]
    if unused:
        session.hints_used.setdefault(session.current_step, []).append(unused[0])
        session.note_event("hint", scenario.hints[unused[0]])
        state.save(session)


def set_curveballs() -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    if st.session_state.get("w_curveballs_on"):
        thrown = {b.id for b in session.curveballs}
        left = [b.id for b in (scenario.curveballs if scenario else []) if b.id not in thrown]
        session.curveball_plan = random.choice(left) if left else None
    else:
        session.curveball_plan = None
    state.save(session)


def finish() -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    state.finish(session)
    st.session_state["w_go_to_report"] = True  # the button is gone on the next run


def rehearsal_over() -> bool:
    """A rehearsal whose interview time has run out (opened late, or the browser's clock
    trigger never came): it is over, as in the real room."""
    if not session.rehearsing or in_room or not session.running:
        return False
    left = clock_view(session).total_left_s
    return left is not None and left <= 0


if rehearsal_over():
    finish()
if st.session_state.pop("w_go_to_report", False):  # a callback cannot switch pages
    live.switch_page("ui/report.py", {state.SESSION_PARAM: session.id})


# ---- header ----------------------------------------------------------------------------------

head, controls = st.columns([3, 2])
with head:
    st.subheader(escape(scenario.title) if scenario else "Free design")
    if in_room:
        st.caption(
            f":material/record_voice_over: Mock interview, room **{session.room}**: "
            "your interviewer sees your notes and diagram as you work, and runs the clock."
        )
        live.messages(session)
    if session.rehearsing:
        st.caption(
            ":material/timer: **Rehearsal**, as in the real room: the clock, the board and "
            "your notes. The rubric, the checklist, follow-ups and hints wait until you "
            "finish, or until the time runs out, which finishes the attempt."
        )
    if scenario:
        with st.expander("Prompt and requirements", expanded=not session.started):
            st.markdown(no_images(scenario.prompt))
            r = scenario.requirements
            facts = [
                f"{r.mode.value}",
                f"{r.users:,} MAU",
                f"catalog {r.catalog_size:,}",
                f"slate {r.slate_size}",
            ]
            if r.peak_qps:
                facts.append(f"peak {r.peak_qps:,} QPS")
            if r.latency_budget_ms:
                facts.append(f"budget {r.latency_budget_ms} ms")
            if r.feature_freshness_s:
                facts.append(f"freshness {r.feature_freshness_s:,} s")
            if r.batch_window_h:
                facts.append(f"batch window {r.batch_window_h:g} h")
            if session.curveballs:
                facts.append(f"as changed by {len(session.curveballs)} curveball(s)")
            st.caption(" · ".join(facts))
finished = session.finished_at is not None


def continue_practising() -> None:
    state.catch_up(session)  # the board's direct saves first (ui/state.py)
    attempt = session.continued()
    attempt.start()  # a new attempt starts its clock, as Start in the library does
    state.open_session(attempt)
    st.session_state["w_go_to_new_attempt"] = True


if st.session_state.pop("w_go_to_new_attempt", False):
    live.switch_page("ui/practice.py", {state.SESSION_PARAM: st.session_state["session"].id})

with controls:
    if finished:
        st.success("This session is finished and kept as it was; it can no longer be edited.")
        b1, b2 = st.columns(2)
        b1.page_link("ui/report.py", label="See the report", icon=":material/assignment:")
        b2.button(
            "Continue practising",
            key="w_continue",
            icon=":material/restart_alt:",
            on_click=continue_practising,
            help="A new attempt with the same notes and design and a fresh clock.",
            width="stretch",
        )
    elif in_room:
        pass  # the interviewer starts, pauses and ends the shared clock
    else:
        b1, b2, b3 = st.columns(3)
        if session.running:
            b1.button(
                "Pause",
                key="w_clock_pause",
                icon=":material/pause:",
                on_click=pause_clock,
                width="stretch",
            )
        else:
            b1.button(
                "Start" if not session.started else "Resume",
                key="w_clock_start",
                icon=":material/play_arrow:",
                type="primary",
                on_click=start_clock,
                width="stretch",
            )
        b3.button(
            "Finish", key="w_finish", icon=":material/flag:", on_click=finish, width="stretch"
        )
    # in a room the interviewer ends the interview; alone, a rehearsal ends with its time
    plan = None if in_room else planned(session, scenario)
    clock(
        session,
        on_timeout=finish if session.rehearsing and not in_room else None,
        due_at=plan[1] if plan else None,
        on_due=on_curveball_due,
    )
    offered = [b for b in (scenario.curveballs if scenario else [])]
    if offered and not in_room and not finished and session.mode == "solo":
        st.toggle(
            "Curveballs",
            key=state.widget_value("w_curveballs_on", session.curveball_plan is not None),
            on_change=set_curveballs,
            help="One of the scenario's curveballs arrives at its minute, as an interviewer "
            "would throw it: the numbers change, and the board checks your design against "
            "them from then on. The report tells how you adapted.",
        )

# ---- steps -----------------------------------------------------------------------------------

bar = nav_key(session.current_step)
if st.session_state.get(bar) != session.current_step:
    st.session_state[bar] = session.current_step
st.segmented_control(
    "Step",
    STEP_IDS,
    key=bar,
    # short names keep the bar on one row; the step's full title heads the notes below
    format_func=lambda s: framework.get(s).short_title,
    on_change=on_step_nav,
    args=(bar,),
    label_visibility="collapsed",
)
step = framework.get(session.current_step)
step_index = STEP_IDS.index(step.id)


if not finished:
    draw_col, _ = st.columns([1, 3])
    draw_col.selectbox(
        "Drawing for",
        [AUTO, *(s for s in STEP_IDS if not framework.get(s).optional)],
        key=state.widget_value("w_drawing_for", session.drawing_for or AUTO),
        format_func=lambda s: "What I draw decides" if s == AUTO else framework.get(s).title,
        on_change=set_drawing_for,
        help="Time spent drawing counts for the step the drawing belongs to: serving "
        "components for Serving, retrieval, ranking and training for Model, pipelines and the "
        "feature store for Data, A/B for Evaluation, monitoring for Monitoring. Pick a step "
        "to book all drawing to it instead.",
    )
board_fragment(session, scenario)  # a canvas change reruns only this fragment
notes_col = st.container()

with notes_col:
    for thrown in reversed(session.curveballs):
        changed = "; ".join(what_changed(thrown, requirements_before(session, thrown)))
        answered = ""
        if not session.rehearsing and not thrown.broke:
            answered = " It broke no rule of your design as it stood."
        elif not session.rehearsing:
            answered = (
                f" Your design passed again {mmss(thrown.passed_again_at - thrown.at)} after it."
                if thrown.passed_again_at
                else f" It broke {', '.join(thrown.broke)}: still failing."
            )
        st.warning(
            f"**Curveball at {mmss(thrown.elapsed_s)}: {escape(thrown.title)}.** "
            f"{no_images(thrown.say)}"
            + (f" Now: {escape(changed)}." if changed else "")
            + answered,
            icon=":material/bolt:",
        )
    st.markdown(f"### {step_index + 1}. {step.title}")
    st.caption(step.purpose)
    notes_panel(session, scenario, step, page_view(session))  # a save reruns only this
    if scenario and scenario.hints and not session.rehearsing:
        # files are checked on opening; stay safe if the scenario's hints changed since
        used = [
            i
            for indexes in session.hints_used.values()
            for i in indexes
            if 0 <= i < len(scenario.hints)
        ]
        for i in used:
            st.info(f"Hint: {no_images(scenario.hints[i])}")
        st.button(
            f"Reveal a hint ({len(scenario.hints) - len(used)} left)",
            key="w_hint",
            on_click=reveal_hint,
            args=(len(set(used)),),
            disabled=finished or len(used) >= len(scenario.hints),
            help="Hints are recorded and cost 2 points each in the report.",
        )
    prev_col, next_col = st.columns(2)
    if step_index > 0:
        prev_col.button(
            titles[STEP_IDS[step_index - 1]],
            key="w_prev_step",
            icon=":material/arrow_back:",
            on_click=go_to,
            args=(STEP_IDS[step_index - 1],),
            width="stretch",
        )
    if step_index < len(STEP_IDS) - 1:
        next_col.button(
            titles[STEP_IDS[step_index + 1]],
            key="w_next_step",
            icon=":material/arrow_forward:",
            on_click=go_to,
            args=(STEP_IDS[step_index + 1],),
            width="stretch",
        )

if in_room and session.finished_at is None:
    live.watch(seat, lambda: state.store().room_version(session.room), "candidate", live=True)
if session.finished_at is None:
    state.watch_session(session)  # another tab's saves, and a failed save's retries
