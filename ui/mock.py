"""Mock interview in two browsers: the candidate shares a room code, the interviewer joins.

The candidate works on the whiteboard as usual; every change is saved. The interviewer's
view reloads the candidate's session every two seconds and adds what the candidate does not
see: the scenario's expected signals, follow-ups, hints and pitfalls, the reference design,
and a scoring form whose answers appear in the candidate's report.
"""

import streamlit as st

from components.markdown import escape, no_images
from design_framework.coverage import notes_coverage
from design_framework.session import (
    FEEDBACK_AREAS,
    MAX_COMMENT_CHARS,
    MAX_SUMMARY_CHARS,
    RATING_LABELS,
    Feedback,
    Rating,
    clock_view,
    mmss,
)
from design_framework.steps import load_framework
from storage import StorageError
from ui import state
from ui.widgets import diagram, findings, point_line

st.title("Mock interview")
params = st.query_params
role = st.radio(
    "I am the",
    ["candidate", "interviewer"],
    horizontal=True,
    key="w_mock_role",
    index=1 if params.get("role") == "interviewer" else 0,
)

if role == "candidate":
    session = state.require_session()
    if session.room:
        st.success(f"Room code: **{session.room}**")
        st.markdown(
            "Your interviewer opens this app in their browser, goes to **Mock interview**,"
            f" picks **interviewer** and types `{session.room}`, or opens "
            f"`/mock?role=interviewer&room={session.room}` on this server."
        )
        st.page_link("ui/practice.py", label="Back to the whiteboard", icon=":material/draw:")
    else:
        st.markdown(
            "Open a room for the session on your whiteboard. The interviewer will see "
            "your notes, clock and diagram live, plus the hidden guide and a scoring "
            "form."
        )
        if st.button("Open a room", key="w_mock_open", type="primary"):
            try:
                session.room = state.store().create_room(session.id, state.owner())
            except StorageError as error:
                st.error(f"{error} No room was opened.")
                st.stop()
            session.mode = "mock"
            state.save(session)
            st.rerun()
    st.stop()

# ---- interviewer -----------------------------------------------------------------------------

st.session_state.setdefault("w_mock_code", (params.get("room") or "").upper())
code = st.text_input("Room code", key="w_mock_code", max_chars=6).strip().upper()
if not code:
    st.caption("Ask the candidate for the six-letter code shown on their Mock interview page.")
    st.stop()
try:
    session_id = state.store().room_session_id(code)
except StorageError as error:
    st.error(f"{error} The room cannot be looked up until then.")
    st.stop()
if session_id is None:
    st.error(f"No room {escape(repr(code))}. Check the code with the candidate.")
    st.stop()
if params.get("room") != code:
    st.query_params.update({"room": code, "role": "interviewer"})

framework = load_framework()
titles = {s.id: s.title for s in framework.steps}


@st.fragment(run_every=2)
def live_view() -> None:
    try:
        candidate = state.store().load_session(session_id)
    except StorageError as error:
        st.error(str(error))
        return
    if candidate is None:
        st.error("The candidate's session is gone.")
        return
    scenario = state.scenario_of(candidate)
    view = clock_view(candidate)
    c1, c2, c3 = st.columns(3)
    c1.metric("Candidate is on", titles[candidate.current_step])
    c2.metric("Step time left", mmss(view.step_left_s))
    c3.metric(
        "Interview time left" if view.total_left_s is not None else "Elapsed",
        mmss(view.total_left_s if view.total_left_s is not None else view.total_elapsed_s),
    )
    report = state.rubric(candidate)
    board, guide = st.columns([3, 2], gap="large")
    with board:
        st.markdown(f"#### {escape(scenario.title) if scenario else 'Free design'}")
        diagram(
            candidate.design,
            report,
            scenario,
            key="w_mock_board",
            empty_hint="The candidate has not drawn anything yet.",
        )
        findings(report, key="mock_findings")
    with guide:
        st.markdown("#### Interviewer's guide (hidden from the candidate)")
        coverage = notes_coverage(candidate.notes, scenario)
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
                st.text(notes or "(none yet)")
                for p in cov.signals:
                    st.markdown(point_line(p))
                if scenario and step.id in scenario.steps:
                    st.markdown("**Follow-ups to ask**")
                    for question in scenario.steps[step.id].follow_ups:
                        st.markdown(f"- {no_images(question)}")
        if scenario:
            with st.expander(
                "Hints (the candidate has used "
                f"{sum(len(v) for v in candidate.hints_used.values())})"
            ):
                for hint in scenario.hints:
                    st.markdown(f"- {no_images(hint)}")
            with st.expander("Common pitfalls"):
                for pitfall in scenario.pitfalls:
                    st.markdown(f"- {no_images(pitfall)}")
            with st.expander("Reference design"):
                diagram(scenario.reference_design, None, scenario, key="w_mock_reference")


live_view()

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
            st.success("Saved. The candidate sees it in their report.")
