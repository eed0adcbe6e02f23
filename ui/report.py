"""Finish and review: score with reasons, time, coverage, rubric, designs side by side, exports."""

import streamlit as st

from components.markdown import escape, no_images
from components.render import RenderError, export
from design_framework.consistency import mismatch_line
from design_framework.curveballs import outcome_line
from design_framework.curveballs import outcomes as curveball_outcomes
from design_framework.report import (
    booking_note,
    build_report,
    recommendation_band,
    to_markdown,
)
from design_framework.session import Feedback, mmss
from storage import StorageError
from ui import live, state
from ui.replay import history_of, replay_section, timeline_of
from ui.widgets import checklist, diagram, findings, table

VIEW_PARAM = "view"  # a read-only link: ?view=<key> (Store.share_key)

shared_key = st.query_params.get(VIEW_PARAM)
seat, refusal = (None, None) if shared_key else live.seat_from_link()
if refusal:
    st.error(refusal)
    st.stop()
if shared_key:
    # Someone's read-only link: the session as stored now, opened for reading only (it is
    # not this browser's open session, and nothing on this page writes it).
    try:
        session = state.store().shared_session(shared_key[:64])
    except StorageError as error:
        st.error(f"{error} The shared session cannot be shown until then.")
        st.stop()
    if session is None:
        st.error(
            "This read-only link opens no session: it was mistyped, or its owner stopped "
            "sharing it."
        )
        st.stop()
    st.info(
        ":material/visibility: A read-only copy of someone's session, shared with this link. "
        "Nothing on this page changes it; the exports are yours to keep.",
    )
elif seat is not None and seat.role == "interviewer":
    # the interviewer reads the candidate's report through the room, never owns the session
    session = live.candidate_view(seat.room)
    if session is None:
        st.error("The candidate's session is gone.")
        st.stop()
else:
    session = state.require_session()
    seat = live.seat_of_session(session)
scenario = state.scenario_of(session)
if seat is not None and seat.role == "candidate":
    live.candidate_sync(session, scenario)
    live.report_due()  # here already
if seat is not None:
    live.mark_seen("report", seat.room.version)
if session.room and seat is not None:  # a purged room left its feedback in the session
    try:
        # ratings stay with the interviewer until the interview is over
        hidden = seat is not None and seat.role == "candidate" and not live.over(seat.room)
        session.feedback = Feedback() if hidden else state.store().load_feedback(session.room)
    except StorageError as error:
        st.warning(f"{error} The interviewer's feedback is left out of this report.")

if seat is not None and not live.over(seat.room):
    st.info(
        "The interview is still going; this is a preview. The interviewer ends it."
        if seat.role == "candidate"
        else "The interview is still going; this is a preview of the candidate's report."
    )
elif session.finished_at is None and not shared_key and (seat is None or seat.role == "candidate"):
    st.info(
        "The session is still open; this is a preview. Finishing stops the clock and "
        "records the attempt in your history."
    )
    if st.button("Finish the session", key="w_report_finish", type="primary"):
        state.finish(session)
        st.rerun()

history = history_of(session)
verdicts = timeline_of(session, history)
report = build_report(session, scenario, rubric=state.rubric(session), timeline=verdicts)

st.title(escape(scenario.title) if scenario else "Free design")
m1, m2, m3, m4 = st.columns(4)
band = recommendation_band(report)
m1.metric("Overall score", f"{report.score}/100", help="; ".join(band.reasons))
m2.metric("Design rubric", f"{report.rubric.score}/100")
m3.metric(
    "Notes coverage",
    f"{sum(s.coverage.covered for s in report.steps)}/{sum(s.coverage.total for s in report.steps)}",
)
m4.metric(
    "Time used",
    mmss(sum(s.spent_s for s in report.steps)),
    help=f"{session.length_minutes}-minute interview" if session.length_minutes else "Untimed",
)

st.caption(f"Likely recommendation: **{band.label}**. Why: {escape('; '.join(band.reasons))}.")

if seat is not None:
    live.next_round(seat, session)
live.feedback_section(session, seat)

st.subheader("Where the points went")
if report.lost:
    for lost in sorted(report.lost, key=lambda p: -p.points):
        st.markdown(f"**−{lost.points:.1f}** · {lost.area} · {no_images(lost.reason)}")
else:
    st.success("No points lost.")

if session.curveballs:
    st.subheader("Curveballs")
    st.caption(
        "How the design adapted to each change of requirements: what it broke on the design "
        "of that moment, and how long until it passed again. The rubric below checks the "
        "design against the numbers after all of them."
    )
    for outcome in curveball_outcomes(session):
        st.markdown(f"- {escape(outcome_line(outcome))}")
        if outcome["strong_answer"]:
            st.caption(
                "A strong answer: " + "; ".join(no_images(a) for a in outcome["strong_answer"])
            )

if report.disagreements:
    st.subheader("Notes and board disagree")
    st.caption(
        "Figures your notes state that the board (or the scenario) contradicts: no points lost, but an interviewer would ask."
    )
    st.markdown("\n".join(f"- {escape(mismatch_line(m))}" for m in report.disagreements))

st.subheader("Time per step")
st.caption(booking_note(report))
st.markdown(
    table(
        [
            {
                "step": s.title,
                "spent": mmss(s.spent_s),
                "of which drawing": mmss(s.drawn_s) if s.drawn_s >= 1 else "",
                "budget": mmss(s.budget_s),
                "over by": mmss(s.overrun_s) if s.overrun_s > 0 else "",
                "notes coverage": f"{s.coverage.covered}/{s.coverage.total}",
            }
            for s in report.steps
        ],
        right=("spent", "of which drawing", "budget", "over by", "notes coverage"),
    )
)

live.timeline_section(session)
replay_section(session, history, verdicts)

# One above the other, each the page's width and as tall as its layout needs: side by side,
# each board had half the width and a 24-box design was drawn too small to read.
st.subheader("Your design")
diagram(session.design, report.rubric, scenario, key="w_report_mine", fit_height=True)
st.subheader("Reference design")
if scenario:
    diagram(scenario.reference_design, None, scenario, key="w_report_reference", fit_height=True)
else:
    st.caption("A free design has no reference.")

st.subheader("Rubric")
findings(report.rubric, key="report_findings")

st.subheader("Notes coverage")
for s in report.steps:
    if not s.coverage.total:
        continue
    # drawn when opened: the seven checklists were most of this page's elements
    with st.expander(
        f"{s.title}: {s.coverage.covered}/{s.coverage.total}",
        key=f"w_report_notes_{s.step_id}",
        on_change="rerun",
    ) as opened:
        if opened.open:
            checklist(s.coverage)

if report.study:
    st.subheader("What to study next")
    for topic, questions in report.study.items():
        st.markdown(f"**{topic}**")
        for q in questions:
            st.markdown(f"- {q.text}")


@st.cache_data(max_entries=64, show_spinner="Rendering...")
def _image(
    design_json: str, fmt: str, catalog_size: int, marks: str, dark: bool, scale: int, _report
) -> bytes:
    # _report is left out of the cache key (leading underscore); ``marks`` stands for it.
    from components.design import Design

    return export(
        Design.model_validate_json(design_json),
        fmt,
        _report,
        catalog_size or None,
        dark=dark,
        scale=scale,
    )


st.subheader("Export")
base = (scenario.id if scenario else "design") + "-" + session.id[:6]
size = scenario.requirements.catalog_size if scenario else None
design_json = session.design.model_dump_json(by_alias=True)
dark_export = st.toggle(
    "Dark background for PNG and SVG", key="w_export_dark", help="White unless you turn this on"
)
st.caption(
    "The PNG and SVG carry the design inside them: open one on the Files page to get the "
    "design back."
)
cols = st.columns(4)
for index, (label, fmt, scale, name, key, mime) in enumerate(
    [
        ("Diagram (PNG)", "png", 1, f"{base}.png", "w_export_png", "image/png"),
        ("Diagram (PNG, 2x)", "png", 2, f"{base}@2x.png", "w_export_png2x", "image/png"),
        ("Diagram (SVG)", "svg", 1, f"{base}.svg", "w_export_svg", "image/svg+xml"),
        ("Mermaid", "mmd", 1, f"{base}.mmd", "w_export_mmd", "text/plain"),
    ]
):
    try:
        marks = ",".join(sorted(report.rubric.failing_nodes() | report.rubric.warning_nodes()))
        data = _image(design_json, fmt, size or 0, marks, dark_export, scale, report.rubric)
    except RenderError as error:
        cols[index].error(f"{label}: {error}")
        continue
    cols[index].download_button(
        label,
        data,
        file_name=name,
        mime=mime,
        key=key,
        width="stretch",
        help="Twice the pixels: sharp on slides and high-density screens" if scale == 2 else None,
    )
cols = st.columns(3)
cols[0].download_button(
    "Design (YAML)",
    session.design.to_yaml(),
    file_name=f"{base}.design.yaml",
    mime="application/yaml",
    key="w_export_yaml",
    width="stretch",
)
cols[1].download_button(
    "Session file",
    # with its history, so the replay works wherever the file is opened
    session.model_copy(update={"history": history}).to_yaml(),
    file_name=f"{base}.session.yaml",
    mime="application/yaml",
    key="w_export_session",
    width="stretch",
    help="Reopen it on the Files page to continue or review.",
)
cols[2].download_button(
    "Report (Markdown)",
    to_markdown(report),
    file_name=f"{base}.report.md",
    mime="text/markdown",
    key="w_export_markdown",
    width="stretch",
)


def _share(session_id: str) -> None:
    try:
        state.store().share_key(session_id, create=True)
    except StorageError as error:
        state.notify(f"No link was made: {error}", icon=":material/error:")


def _stop_sharing(session_id: str) -> None:
    try:
        state.store().unshare(session_id)
    except StorageError as error:
        state.notify(f"The link still works: {error}", icon=":material/error:")


if not shared_key and (seat is None or seat.role == "candidate"):
    st.subheader("Share")
    try:
        key = state.store().share_key(session.id)
    except StorageError as error:
        st.warning(f"{error} Links to share cannot be made until then.")
        key = None
    if key:
        # this page's address as the browser has it (none without a browser: a path)
        link = (st.context.url or "/report").split("?")[0] + f"?{VIEW_PARAM}={key}"
        st.caption(
            "Anyone with this link can read this session's report, design and notes as they "
            "are stored (not change them); the session's own address stays yours."
        )
        st.code(link, language=None)
        st.button(
            "Stop sharing",
            key="w_share_stop",
            icon=":material/link_off:",
            on_click=_stop_sharing,
            args=(session.id,),
            help="The link stops working at once; a new one can be made later.",
        )
    else:
        st.button(
            "Create a read-only link",
            key="w_share_create",
            icon=":material/link:",
            on_click=_share,
            args=(session.id,),
            help="A link of its own that opens this report for reading only: share it "
            "instead of the session's address, which opens it for writing.",
        )

if seat is not None and not (live.over(seat.room) and seat.room.next_code):
    live.watch(seat, lambda: state.store().room_version(seat.room.code), "report")
