"""Widgets shared by pages: the diagram, the rubric findings, the live clock."""

from __future__ import annotations

import re

import streamlit as st
from whiteboard_canvas import clock_face, findings_list

from components.loading import MAX_FILE_BYTES
from components.markdown import escape, no_images
from design_framework.coverage import MAX_ASSESSED_CHARS
from design_framework.rubric import Report
from design_framework.session import DEFAULT_LENGTH, LENGTHS, Session, clock_plan, mmss
from design_framework.steps import load_framework
from ui.canvas import dark_theme, select_nodes, view
from ui.findings_data import figure_tables, finding_groups, findings_data

ICONS = {
    "pass": ":green[:material/check_circle:]",
    "fail": ":red[:material/cancel:]",
    "warn": ":orange[:material/warning:]",
    "skip": ":gray[:material/skip_next:]",
}
"""Material icons ship with Streamlit; emoji need a font many Linux machines lack."""
COVERED = ":green[:material/check_box:]"
NOT_COVERED = ":gray[:material/check_box_outline_blank:]"
STATUS_ICONS = {
    "covered": COVERED,
    "negated": ":red[:material/block:]",
    "listed": ":orange[:material/format_list_bulleted:]",
    "missing": NOT_COVERED,
}
"""One icon and colour per notes status (design_framework.coverage.STATUSES)."""
STATUS_LEGEND = (
    f"{STATUS_ICONS['covered']} covered · {STATUS_ICONS['negated']} dismissed · "
    f"{STATUS_ICONS['listed']} named, not explained · {STATUS_ICONS['missing']} missing"
)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|<>~:$-])")


def plain(text: str) -> str:
    """User text made inert in Markdown: no links, images, colours or emphasis."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text).replace("\n", " "))


def point_line(point) -> str:
    """A checklist line: status icon, the point, and the words that gave the status."""
    quoted = ", ".join(f"“{plain(e)}”" for e in point.evidence[:4])
    if point.status == "covered":
        detail = f" — :green[{quoted}]" if quoted else ""
    elif point.status == "negated":
        negation = ", ".join(f"“{plain(n)}”" for n in point.negation)
        detail = f" — :red[dismissed by {negation}]: {quoted}"
    elif point.status == "listed":
        detail = f" — :orange[{point.reason or 'named, not explained'}]: {quoted}"
    else:
        detail = ""
    return f"{STATUS_ICONS[point.status]} {no_images(point.text)}{detail}"


def checklist(coverage) -> None:
    """The four statuses of every point of one step, trade-offs and reasons found, and the
    points the scenario does not need."""
    st.caption(STATUS_LEGEND)
    if coverage.total:
        st.caption(
            f"Covering {coverage.target} of these {coverage.total} points earns the step's "
            "full points; the others are what you could also mention. A dismissed point "
            "takes one covered point back."
        )
    for point in coverage.checklist:
        st.markdown(point_line(point))
    if coverage.signals:
        st.markdown("**What this scenario's interviewer listens for**")
        for point in coverage.signals:
            st.markdown(point_line(point))
    if coverage.not_relevant:
        st.caption(
            "Not needed in this scenario (never counted as missed): "
            + "; ".join(f"{p.text} ({p.reason})" for p in coverage.not_relevant)
        )
    if coverage.tradeoffs:
        st.markdown(f"**Trade-offs stated ({len(coverage.tradeoffs)})**, interviewers reward these")
        for sentence in coverage.tradeoffs:
            st.caption(f":material/balance: {plain(sentence)}")
    if coverage.reasons:
        st.markdown(f"**Reasons given ({len(coverage.reasons)})**")
        for sentence in coverage.reasons:
            st.caption(f":material/arrow_right: {plain(sentence)}")
    if coverage.truncated:
        st.warning(
            f"These notes are over {MAX_ASSESSED_CHARS:,} characters: the checklist reads "
            "only their start (everything is kept)."
        )


UNTIMED = 0  # the control's option for no clock (its options cannot hold None)


def length_select(key: str) -> int | None:
    """Interview length in minutes (None: untimed), one click on a row of the offered
    lengths, the 45-minute default selected. A row, not a drop-down: four choices read at a
    glance, and the library, the first page anyone sees, loads no drop-down's code for it."""
    return (
        st.segmented_control(
            "Interview length",
            [*sorted(LENGTHS), UNTIMED],
            key=key,
            default=DEFAULT_LENGTH,
            required=True,
            format_func=lambda m: f"{m} min" if m else "Untimed",
        )
        or None
    )


REHEARSAL, COACHED = "Rehearsal", "Coached"


def practice_select(key: str, label: str, default: str, help: str) -> bool:
    """How the attempt is practised, one click on a row of two: True for a rehearsal (the
    verdicts wait until the end), False for coached practice."""
    chosen = st.segmented_control(
        label, [COACHED, REHEARSAL], key=key, default=default, required=True, help=help
    )
    return (chosen or default) == REHEARSAL


def uploaded_text(upload) -> str | None:
    """An uploaded file as text, or None after saying why it cannot be (size, encoding)."""
    data = upload.getvalue()
    if len(data) > MAX_FILE_BYTES:
        st.error(
            f"{escape(upload.name)}: file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}."
        )
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        st.error(f"{escape(upload.name)}: not UTF-8 text ({error.reason} at byte {error.start}).")
        return None


def diagram(
    design,
    report: Report | None = None,
    scenario=None,
    *,
    key: str,
    empty_hint="",
    fit_height: bool = False,
    share: float = 1.0,
    live: dict | None = None,
) -> None:
    """A read-only board of ``design`` with the rubric drawn on it (pan, zoom, fit);
    ``fit_height`` makes it as tall as the design needs to be drawn the page's width;
    ``share``, the part of the page's width its column has; ``live``, a room's channel the
    board follows (``ui.canvas.view``)."""
    view(
        design,
        report,
        scenario,
        key=key,
        fit_height=fit_height,
        share=share,
        live=live,
        empty_hint=empty_hint
        or "The diagram is empty: drag components from the palette onto the board, or type "
        "a few lines in Quick text (`client: client_app` then `client -> ranker`).",
    )


def findings(report: Report, key: str = "findings") -> None:
    """Every finding grouped by framework step, failures first within a step (the report,
    the interviewer's view, the file checker; the whiteboard draws ``board_findings``)."""
    counts, groups, skipped = finding_groups(report)
    st.markdown(
        f"**Rubric score {report.score}/100** · {counts['fail']} failing · "
        f"{counts['warn']} warnings · {counts['pass']} passing"
    )
    for step, worst, items in groups:
        with st.expander(f"{ICONS[worst]} {step.title}", expanded=worst in ("fail", "warn")):
            for f in items:
                finding(f)
    if skipped:
        with st.expander(f"{ICONS['skip']} Not checked ({len(skipped)})"):
            for f in skipped:
                st.markdown(f"`{f.rule}`: {no_images(f.message)}")


def finding(f) -> None:
    """One finding as one block of text: title, message, nodes, hint, its figures as a
    table."""
    parts = [f"{ICONS[f.status]} **{f.title or f.rule}** `{f.rule}`  \n{no_images(f.message)}"]
    if f.status in ("fail", "warn"):
        if f.nodes:
            nodes = ", ".join(f"`{n}`" for n in f.nodes)
            parts.append(f":small[:gray[Nodes at fault: {nodes}]]")
        if f.hint:
            parts.append(f":small[:gray[:material/lightbulb: {no_images(f.hint)}]]")
    for columns, right, rows in figure_tables(f):
        parts.append(table([dict(zip(columns, row, strict=True)) for row in rows], right=right))
    st.markdown("\n\n".join(parts))


def board_findings(
    report: Report,
    key: str = "w_findings",
    *,
    board_key: str | None = None,
    revision: int | None = None,
    waiting: set[str] = frozenset(),
    disagreements: list = (),
) -> None:
    """The whiteboard's findings, grouped and ordered as ``findings`` draws them, as one
    element (whiteboard_canvas.findings): the board's fragment redraws them on every change
    on the board, and thirty Streamlit elements cost the browser about 20 to 30 ms of each
    change (bench/browser_canvas.py). "Show on the board" selects the finding's nodes."""
    data = {
        **findings_data(report, waiting, disagreements),
        "dark": dark_theme(),
        # the board's direct answers redraw the list too (static/findings.js): it follows
        # this board's, and draws Python's data again once it is as new as the last answer
        "boardKey": board_key,
        "revision": revision,
    }

    def show() -> None:
        value = (st.session_state.get(key) or {}).get("show")
        if isinstance(value, dict) and isinstance(value.get("ids"), list):
            select_nodes([str(i) for i in value["ids"]][:300])

    findings_list(key=key, data=data, on_show_change=show)


def table(rows: list[dict], right: tuple[str, ...] = ()) -> str:
    """A small table as Markdown. st.dataframe would load about 1.5 MB of the data-grid's
    JavaScript into every page that shows one, for a dozen rows (bench/page_loads.py);
    cells are Markdown, so callers pass ids in backticks and user text through ``plain``."""
    if not rows:
        return ""
    columns = list(rows[0])
    lines = [
        "| " + " | ".join(columns) + " |",
        "| " + " | ".join("---:" if c in right else "---" for c in columns) + " |",
    ]
    lines += [
        "| " + " | ".join(str(row[c]).replace("|", "\\|") for c in columns) + " |" for row in rows
    ]
    return "\n".join(lines)


def clock(
    session: Session,
    mode: str = "candidate",
    key: str = "w_clock",
    on_timeout=None,
    due_at: float | None = None,
    on_due=None,
    live: dict | None = None,
) -> None:
    """The session clock. It ticks in the browser (whiteboard_canvas.clock): no server run
    each second, so nothing the user does can collide with a tick. Each run of the page
    sends where the clock stands; the candidate's view adds the status badge, the step's
    overrun and the later steps' shrunk shares. ``on_timeout``: a rehearsal's end, called
    once when its time runs out; ``on_due``, called once when the interview reaches
    ``due_at`` seconds (a solo curveball's minute)."""
    data = {
        **clock_plan(session),
        "mode": mode,
        "dark": dark_theme(),
        "endAtZero": on_timeout is not None and session.rehearsing,
        "dueAt": due_at,
    }
    if live is not None:  # a room's interviewer: the candidate's next step shows at once
        data["live"] = live
    clock_face(key=key, data=data, on_timeout_change=on_timeout, on_due_change=on_due)


def drawing_caption(session: Session) -> None:
    """Drawing time so far and where it was booked: always one short line, so the board
    below never moves while the user draws."""
    drawn = sorted(
        ((s, v) for s, v in session.drawn_s.items() if v >= 1), key=lambda item: -item[1]
    )
    short = {s.id: s.short_title for s in load_framework().steps}
    booked = ", ".join(f"{short[s]} {mmss(v)}" for s, v in drawn[:3])
    more = f", +{len(drawn) - 3} more" if len(drawn) > 3 else ""
    st.caption(
        f":material/draw: Drawing so far {mmss(sum(v for _, v in drawn))}"
        + (f" ({booked}{more})" if drawn else ", booked to the step of what you draw"),
        help="Time spent drawing counts for the step the drawing belongs to (the "
        "report says how much of each step's time it was).",
    )
