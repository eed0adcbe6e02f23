"""The rubric's findings as the lists draw them, with no Streamlit here: the page's list
(ui/widgets.py) and the board's direct answer (ui/board_route.py) build the same data, so
what the board shows after a change does not depend on which way the change went."""

from __future__ import annotations

from components.markdown import no_images
from design_framework.rubric import Report, Status
from design_framework.rubric.base import STATUS_ORDER
from design_framework.steps import load_framework


def finding_groups(report: Report) -> tuple[dict, list, list]:
    """The findings as both lists draw them: counts by status, ``(step, worst, findings)``
    per framework step that has any (worst first within it), and those not checked."""
    counts = {s: sum(f.status == s for f in report.findings) for s in ("fail", "warn", "pass")}
    groups = []
    for step in load_framework().steps:
        items = [f for f in report.findings if f.step == step.id and f.status != Status.skipped]
        if items:
            items.sort(key=lambda f: STATUS_ORDER[f.status])
            groups.append((step, items[0].status, items))
    skipped = [f for f in report.findings if f.status == Status.skipped]
    return counts, groups, skipped


def figure_tables(f) -> list[tuple[list[str], tuple[str, ...], list[list[str]]]]:
    """A finding's figures as tables, ``(columns, right-aligned columns, rows)``: the
    latency budget node by node, the funnel stage by stage. Cells are Markdown."""
    tables = []
    if f.rule == "latency.budget" and "per_node_ms" in f.figures:
        rows = [[f"`{n}`", f"{ms:,.1f}"] for n, ms in f.figures["per_node_ms"].items()]
        rows.append(
            [
                f"**total** (budget {f.figures['budget_ms']:g})",
                f"**{f.figures['total_ms']:,.1f}**",
            ]
        )
        tables.append((["node", "ms"], ("ms",), rows))
    if f.rule == "funnel.narrows" and f.figures.get("funnel"):
        rows = [
            [f"`{s['node']}`", s["type"], f"{s['in_k']:,}", f"{s['out_k']:,}"]
            for s in f.figures["funnel"]
        ]
        tables.append((["stage", "type", "in", "out"], ("in", "out"), rows))
    return tables


def without_waiting(report: Report, waiting: set[str]) -> Report:
    """The report as a coached board shows it: the findings that wait their turn
    (design_framework/waiting.py) left out, so they mark no box and cost no score."""
    if not waiting:
        return report
    return Report(report.scenario, [f for f in report.findings if f.rule not in waiting])


def findings_data(
    report: Report, waiting: set[str] = frozenset(), disagreements: list = ()
) -> dict:
    """What whiteboard_canvas.findings draws (static/findings.js): ``{score, counts, groups,
    skipped, waiting}``; the page adds the theme and which board's answers it follows.
    ``waiting``: rules whose failing findings wait their turn (listed apart, in grey).
    ``disagreements``: figures the notes state that the board contradicts
    (``design_framework.consistency.mismatches``), listed last as warnings: no rule, no
    points, but the same place a candidate looks for what to fix."""
    held = [f for f in report.findings if f.rule in waiting]
    shown = without_waiting(report, waiting)
    counts, groups, skipped = finding_groups(shown)
    counts["waiting"] = len(held)
    steps = {step.id: step.title for step in load_framework().steps}
    data = {
        "score": shown.score if any(f.status != Status.skipped for f in shown.findings) else None,
        "waiting": [
            {
                "rule": f.rule,
                "message": f"Not drawn yet: {f.title or f.rule} counts once you reach "
                f"{steps.get(f.step, f.step)} or draw what it checks."
                if f.status != "pass"
                else f"Not drawn yet: {f.title or f.rule} has nothing to judge on an empty board.",
            }
            for f in held
        ],
        "counts": counts,
        "groups": [
            {
                "id": step.id,
                "title": step.title,
                "worst": str(worst),
                "items": [
                    {
                        "rule": f.rule,
                        "title": f.title or f.rule,
                        "status": str(f.status),
                        "message": no_images(f.message),
                        "nodes": list(f.nodes),
                        "hint": no_images(f.hint) if f.hint else "",
                        "tables": [
                            {"columns": c, "right": list(r), "rows": rows}
                            for c, r, rows in figure_tables(f)
                        ],
                        "show": f.status in ("fail", "warn") and bool(f.nodes),
                    }
                    for f in items
                ],
            }
            for step, worst, items in groups
        ],
        "skipped": [{"rule": f.rule, "message": no_images(f.message)} for f in skipped],
    }
    if disagreements:
        counts["warn"] += len(disagreements)
        data["groups"].append(
            {
                "id": "notes-board",
                "title": "Notes and board disagree",
                "worst": "warn",
                "items": [
                    {
                        "rule": f"notes.{m.kind}",
                        "title": KIND_TITLES.get(m.kind, m.kind),
                        "status": "warn",
                        "message": no_images(m.message),
                        "nodes": list(m.nodes),
                        "hint": "Change the notes or the board so they say the same.",
                        "tables": [],
                        "show": bool(m.nodes),
                    }
                    for m in disagreements
                ],
            }
        )
    return data


KIND_TITLES = {
    "latency_budget": "Latency budget",
    "peak_qps": "Peak QPS",
    "candidates": "Candidates per stage",
    "slate_size": "Slate size",
    "catalog_size": "Catalog size",
    "batch_window": "Batch window",
    "replicas": "Replicas",
}


DISAGREE_DRAWN = "w_disagree_drawn"
"""Session-state key: the disagreements the findings list was last drawn with."""


def disagreement_keys(found: list) -> tuple:
    """What tells one list of disagreements from another, for the notes panel's check."""
    return tuple((m.kind, m.step, m.quote, m.board_value) for m in found)
