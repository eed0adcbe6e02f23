"""The canvas's side of a design, as pure functions: what the board is sent, how what it
sends back becomes a design, and where unplaced nodes go. The draw cap (a design too large
to draw) is the renderers' (components/render.py), shared by every view and export.

The canvas itself (a React Flow component, ``canvas/``) shows ``board_data``; each change
the user makes comes back as a ``{rev, seq, design}`` state value that
``design_from_board`` turns into a validated :class:`Design`. Nothing here imports
Streamlit, so every rule of the contract is tested without a browser.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import threading
from functools import lru_cache

import networkx as nx
from pydantic import ValidationError

from components import analysis
from components.catalog import Catalog, load_catalog
from components.design import Design, allowed_params, design_graph
from components.render import (  # noqa: F401 (the draw cap lives with the renderers)
    MAX_DRAWN_COMPONENTS,
    MAX_DRAWN_EDGES,
    Marks,
    RenderError,
    dot_program,
    node_figures,
    to_dot,
    too_large_to_draw,
)

COLUMN_GAP = 215
ROW_GAP = 95
PARAM_TITLES = {
    "latency_ms": "Latency (ms)",
    "ms_per_1k_items": "ms per 1,000 items",
    "out_k": "Items out (out_k)",
    "in_k": "Items in (in_k, first stage only)",
    "ms_per_1k_keys": "ms per 1,000 keys read",
    "workers": "Workers",
    "replicas": "Replicas",
}
WHOLE_NUMBERS = ("out_k", "in_k", "workers", "replicas")


class BoardError(ValueError):
    """What the canvas sent cannot be a design; the message says why."""


# ---- layout ----------------------------------------------------------------------------------


BANDS = (
    ("entry", "online"),
    ("online_store", "observability"),
    ("nearline", "offline"),
)
"""Rows of the layout, top to bottom: the request path, the stores it reads (and
monitoring), then the streaming and batch pipelines."""


def layered_layout(design: Design, catalog: Catalog | None = None) -> dict[str, tuple[int, int]]:
    """A whiteboard layout: the request path left to right on top, the stores under the
    stage that reads them, the streaming and batch pipelines below, each band in layers by
    longest path (cycles collapsed) and ordered by where a node's inputs sit."""
    catalog = catalog or load_catalog()
    graph = design_graph(design, catalog)
    band_of = {role: i for i, roles in enumerate(BANDS) for role in roles}
    columns: dict[str, int] = {}
    for index in range(len(BANDS)):
        members = [n for n in graph if band_of.get(graph.nodes[n]["role"], 1) == index]
        columns.update(_longest_path_layers(graph.subgraph(members)))
        if index == 1:  # a store sits under the first stage that reads it
            for node in members:
                readers = [
                    columns[m]
                    for m in (*graph.predecessors(node), *graph.successors(node))
                    if m in columns and band_of.get(graph.nodes[m]["role"]) == 0
                ]
                if readers:
                    columns[node] = min(readers)
    positions: dict[str, tuple[int, int]] = {}
    top = 0
    for index in range(len(BANDS)):
        members = [n for n in graph if band_of.get(graph.nodes[n]["role"], 1) == index]
        if not members:
            continue
        by_column: dict[int, list[str]] = {}
        for node in members:  # design order, so ties keep the author's order
            by_column.setdefault(columns[node], []).append(node)
        rows = 0
        for column, nodes in sorted(by_column.items()):
            for row, node in enumerate(nodes):
                positions[node] = (column * COLUMN_GAP, top + row * ROW_GAP)
            rows = max(rows, len(nodes))
        top += rows * ROW_GAP + ROW_GAP // 2
    return positions


def _longest_path_layers(graph: nx.DiGraph) -> dict[str, int]:
    dag = nx.condensation(graph)
    layer: dict[int, int] = {}
    for scc in nx.topological_sort(dag):
        layer[scc] = 1 + max((layer[p] for p in dag.predecessors(scc)), default=-1)
    mapping = dag.graph["mapping"]
    return {node: layer[mapping[node]] for node in graph}


LAYOUT_BOX_PX = (190, 80)
"""The room Graphviz keeps for each box (a board box is 130 to 190 px wide, up to 80 high
with three figure lines)."""
BOARD_SPACING = ("nodesep=0.35, ranksep=0.55", "nodesep=0.15, ranksep=0.35")
"""dot's spacing in the export, and on the board: 11 px between two boxes in a column, 25
between columns (215 px apart, as the layered layout's)."""
_CLUSTER_TITLE = re.compile(r"label=\"(?:[^\"\\]|\\.)*\";(?= style=\"rounded,dashed\")")
NODE_BOX = (190, 80)
"""The most room a box takes on the board (its widest label, three figure lines)."""


# ---- reading size: the fit rule and wrapping ---------------------------------------------------

LABEL_PX = 13
"""The node label's font size on the board (canvas/frontend/src/canvas.css .wb-node-label)."""
MIN_LABEL_PX = 11
"""The smallest label a fit may show: below it a box's name is hard to read."""
FIT_RULE = {"padding": 0.1, "minZoom": round(MIN_LABEL_PX / LABEL_PX, 4), "maxZoom": 1.1}
"""How every board fits its design (sent to the board, applied by
canvas/frontend/src/readableFit.js): the whole design with ``padding`` (a share of the
board, as React Flow's fitView) up to ``maxZoom``; where that would draw labels under
MIN_LABEL_PX, the design's width at a readable zoom, from its top, and the user pans."""
LAYOUT_ORIGIN = (20, 20)
"""Where a fresh layout's top-left box goes: off the board's edge on a board not yet fitted
(Quick text's design at zoom 1)."""
PAGE_CHROME_PX = 479
"""Page width the main column does not get (the sidebar and the main container's padding),
and PALETTE_PX the palette beside the board: measured in Chromium with Streamlit 1.67 (the
board's pane is 631 px wide at 1280 and 791 px at 1440)."""
PALETTE_PX = 170
EDIT_BOARD_HEIGHT = 560
"""The editable board's pane: ui/canvas.py BOARD_HEIGHT less its border and the toolbar
strip above the drawing area (measured as above)."""


def edit_board_px(page_width: int = 1280) -> tuple[int, int]:
    """The editable board's pane in a browser window ``page_width`` pixels wide."""
    return page_width - PAGE_CHROME_PX - PALETTE_PX, EDIT_BOARD_HEIGHT


def column_px(page_width: int = 1280) -> int:
    """The main column's width (a read-only board the page's width) in such a window."""
    return page_width - PAGE_CHROME_PX


EDIT_BOARD_PX = edit_board_px()


def span_of(positions, box: tuple[int, int] | None = None) -> tuple[int, int]:
    """Width and height of what ``positions`` (top-left corners) cover, boxes included."""
    width, height = box or NODE_BOX
    if not positions:
        return width, height
    xs = [x for x, _ in positions]
    ys = [y for _, y in positions]
    return max(xs) - min(xs) + width, max(ys) - min(ys) + height


def readable_fit(span: tuple[float, float], board: tuple[float, float], rule=None) -> dict:
    """The fit rule (FIT_RULE) on a drawing ``span`` (w, h) and a board (w, h), in px:
    ``zoom``, ``label_px`` (the node label on screen) and ``pans`` (True when the whole
    drawing does not fit at a readable size, so the board fits its width and the user pans
    the rest)."""
    rule = rule or FIT_RULE
    usable_w = board[0] / (1 + rule["padding"])
    usable_h = board[1] / (1 + rule["padding"])
    whole = min(usable_w / span[0], usable_h / span[1])
    pans = whole < rule["minZoom"]
    zoom = usable_w / span[0] if pans else whole
    zoom = max(rule["minZoom"], min(rule["maxZoom"], zoom))
    return {"zoom": zoom, "label_px": LABEL_PX * zoom, "pans": pans}


STRIP_GAP = 70
"""Room between two rows of a wrapped layout: wider than the gaps inside one, so each reads
as a row of its own."""


def wrap_layout(
    positions: dict[str, tuple[int, int]], board: tuple[int, int], rule=None
) -> dict[str, tuple[int, int]]:
    """A left-to-right layout cut into rows, as text wraps, so its shape suits ``board``:
    the columns (boxes sharing an x) are split into strips of about equal width, each
    strip keeps its own arrangement (the request path on top, the stores under it, the
    pipelines below), and the strips stack top to bottom.

    The number of strips: the fewest that show the whole design at a readable size
    (FIT_RULE), so a design that reads in one band stays in one; where none does, the
    fewest whose width fits, so the board is panned one way, down, as a page is scrolled."""
    if not positions:
        return positions
    rule = rule or FIT_RULE
    columns = sorted({x for x, _ in positions.values()})
    width_fits = None
    for strips in range(1, len(columns) + 1):
        option = _in_strips(positions, columns, strips)
        fit = readable_fit(span_of(option.values()), board, rule)
        if not fit["pans"]:
            return option
        if width_fits is None and span_of(option.values())[0] * fit["zoom"] <= board[0] / (
            1 + rule["padding"]
        ):
            width_fits = option
    if width_fits is not None:
        return width_fits
    return _in_strips(positions, columns, len(columns))  # one column: the narrowest there is


def _in_strips(positions, columns, strips: int) -> dict[str, tuple[int, int]]:
    left, right = columns[0], columns[-1] + NODE_BOX[0]
    share = (right - left) / strips
    strip_of = {x: min(strips - 1, int((x - left + NODE_BOX[0] / 2) // share)) for x in columns}
    wrapped: dict[str, tuple[int, int]] = {}
    top = 0
    for strip in range(strips):
        members = {n: p for n, p in positions.items() if strip_of[p[0]] == strip}
        if not members:
            continue
        x0 = min(x for x, _ in members.values())
        rows = _closed_up(sorted({y for _, y in members.values()}))
        for node, (x, y) in members.items():
            wrapped[node] = (x - x0, top + rows[y])
        top += max(rows.values()) + NODE_BOX[1] + STRIP_GAP
    return wrapped


ROW_ROOM = NODE_BOX[1] + 30
"""The most room between two rows of boxes in a strip: a strip of the request path's first
columns keeps none of the height the pipelines under later columns needed."""


def _closed_up(ys: list[int]) -> dict[int, int]:
    """Each y, from 0, with every gap between two rows that hold boxes at most ROW_ROOM:
    two boxes at least ROW_ROOM apart stay so, closer ones keep their distance."""
    closed, at = {}, 0
    for before, y in zip([ys[0], *ys], ys, strict=False):
        at += min(y - before, ROW_ROOM)
        closed[y] = at
    return closed


def graphviz_layout(
    design: Design, catalog: Catalog | None = None, timeout: float = 10
) -> dict[str, tuple[int, int]] | None:
    """Top-left corners of the boxes as Graphviz's ``dot`` places the design (the export's
    drawing: left to right, request path, stores, streaming and batch each in their
    cluster, crossings minimised), every box given the room a board box takes; None when
    no dot program runs (the caller falls back to :func:`layered_layout`)."""
    width, height = LAYOUT_BOX_PX
    # edge labels sit on the edge on the board, not in a rank of their own as in dot
    data = design.to_dict()
    data["edges"] = [{k: v for k, v in e.items() if k != "label"} for e in data["edges"]]
    data.pop("notes", None)
    dot = to_dot(Design.model_validate(data), catalog=catalog)
    # The board draws no cluster frames or titles: the room dot keeps for them, and the
    # export's wider spacing, would only spread the boxes apart.
    dot = dot.replace(
        "  node [", f"  node [fixedsize=true, width={width / 72:.3f}, height={height / 72:.3f}, ", 1
    )
    dot = dot.replace(BOARD_SPACING[0], BOARD_SPACING[1], 1)
    dot = _CLUSTER_TITLE.sub('label=""; margin=6;', dot)
    try:
        done = subprocess.run(
            [dot_program(), "-Tplain"],
            input=dot.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (RenderError, OSError, subprocess.TimeoutExpired):
        return None
    positions: dict[str, tuple[int, int]] = {}
    top = 0.0
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if parts[:1] == ["graph"] and len(parts) >= 4:
            top = float(parts[3])
        elif parts[:1] == ["node"] and len(parts) >= 4:
            name = parts[1].strip('"')
            x, y = float(parts[2]) * 72, (top - float(parts[3])) * 72  # dot's y points up
            positions[name] = (round(x - width / 2), round(y - height / 2))
    if done.returncode != 0 or set(positions) != {c.id for c in design.components}:
        return None
    return positions


def whole_layout(
    design: Design, catalog: Catalog | None = None, board: tuple[int, int] | None = None
) -> dict[str, tuple[int, int]]:
    """Positions for a whole design: Graphviz's, else the layered layout, wrapped into rows
    that suit a board of ``board`` pixels (the editable board at 1280 px unless told)."""
    positions = graphviz_layout(design, catalog) or layered_layout(design, catalog)
    wrapped = wrap_layout(positions, board or EDIT_BOARD_PX)
    return {n: (x + LAYOUT_ORIGIN[0], y + LAYOUT_ORIGIN[1]) for n, (x, y) in wrapped.items()}


def auto_layout(
    design: Design, catalog: Catalog | None = None, board: tuple[int, int] | None = None
) -> Design:
    """Every component and note placed afresh, wrapped to suit ``board`` (width, height in
    px: the board that asked, or the editable board at 1280 px)."""
    return _with_positions(design, whole_layout(design, catalog, board), replace=True)


def place(
    design: Design, catalog: Catalog | None = None, board: tuple[int, int] | None = None
) -> Design:
    """Positions for the components and notes that have none; placed ones stay put.

    A design with no positions at all is laid out whole (wrapped to suit ``board``);
    otherwise the newcomers are laid out among themselves below what is already placed."""
    placed = [c for c in design.components if c.pos is not None]
    missing = [c for c in design.components if c.pos is None]
    notes_missing = any(n.pos is None for n in design.notes)
    if not missing and not notes_missing:
        return design
    if not placed:
        return _with_positions(design, whole_layout(design, catalog, board), replace=False)
    below = max(c.pos.y for c in placed) + ROW_GAP * 1.5
    left = min(c.pos.x for c in placed)
    ids = {c.id for c in missing}
    sub = Design.model_validate(
        {
            "components": [c.model_dump(by_alias=True, exclude={"pos"}) for c in missing],
            "edges": [
                e.model_dump(by_alias=True)
                for e in design.edges
                if e.source in ids and e.target in ids
            ],
        }
    )
    fresh = {
        node: (int(left + x), int(below + y))
        for node, (x, y) in layered_layout(sub, catalog).items()
    }
    return _with_positions(design, fresh, replace=False)


def _with_positions(design: Design, positions: dict, replace: bool) -> Design:
    data = design.to_dict()
    for component in data["components"]:
        if component["id"] in positions and (replace or "pos" not in component):
            x, y = positions[component["id"]]
            component["pos"] = {"x": x, "y": y}
    if data.get("notes"):
        xs = [x for x, _ in positions.values()] or [0]
        ys = [y for _, y in positions.values()] or [0]
        top = max(ys) + ROW_GAP * 1.5
        for index, note in enumerate(data["notes"]):
            if replace or "pos" not in note:
                note["pos"] = {"x": min(xs) + index * 200, "y": top}
    return Design.model_validate(data)


# ---- what the board is sent ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _shipped_catalog_data() -> dict:
    return catalog_data(load_catalog())


@lru_cache(maxsize=1)
def catalog_id() -> str:
    """Names the catalog the board is sent (it changes when the catalog file does): the
    board keeps the catalog under this id, so it travels once per browser session, not
    with every rerun."""
    text = json.dumps(_shipped_catalog_data(), sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def catalog_data(catalog: Catalog | None = None) -> dict:
    """The palette and the editor's field specs: categories in palette order, each type with
    its description, technologies and, per parameter it takes, the catalog default (and the
    plausible range where the catalog gives one)."""
    catalog = catalog or load_catalog()
    categories = []
    for category in catalog.categories:
        style = category.style
        categories.append(
            {
                "id": category.id,
                "label": category.label,
                "fill": style.fillcolor,
                "border": style.color,
                "font": style.fontcolor,
            }
        )
    types = {}
    for kind in catalog.types:
        params = {}
        for name in allowed_params(kind):
            spec = {"title": PARAM_TITLES.get(name, name), "integer": name in WHOLE_NUMBERS}
            spec["default"] = getattr(kind, name, None)
            if name == "out_k" and spec["default"] is None:
                spec["unset"] = "passes its input through"
            if name == "in_k":
                spec["unset"] = "from the stages feeding it"
            if name == "replicas":
                spec["unset"] = "not declared"
            low_high = plausible_range(kind, name)
            if low_high is not None:
                spec["min"], spec["max"] = low_high
            params[name] = spec
        types[kind.id] = {
            "label": kind.label,
            "category": kind.category,
            "role": kind.role.value,
            "description": kind.description,
            "technologies": list(kind.technologies),
            "funnel": kind.funnel_stage,
            "params": params,
        }
    rank = {c.id: i for i, c in enumerate(catalog.categories)}
    order = sorted(catalog.ids, key=lambda t: (rank[catalog.get(t).category], catalog.ids.index(t)))
    return {
        "categories": categories,
        "categoryOrder": [c.id for c in catalog.categories],
        "types": types,
        "order": order,
    }


def plausible_range(kind, name: str) -> tuple[float, float] | None:
    """The catalog's plausible range for one parameter of a type, if it declares one.

    Read duck-typed (``plausible`` or ``ranges`` mapping a param to ``[low, high]`` or to an
    object with ``min``/``max``), so the board shows ranges as soon as the catalog has them.
    """
    for attr in ("plausible", "ranges", "plausible_ranges"):
        table = getattr(kind, attr, None)
        if not table:
            continue
        value = table.get(name) if isinstance(table, dict) else getattr(table, name, None)
        if value is None:
            continue
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return float(value[0]), float(value[1])
        low = getattr(value, "min", None)
        high = getattr(value, "max", None)
        if low is not None and high is not None:
            return float(low), float(high)
    return None


NO_MARKS = {"nodes": {}, "path": [], "pathStatus": "pass"}
"""The board's marks while a rehearsal holds its verdicts back: no status, no figures, no
slowest path."""


def board_marks(design: Design, report=None, catalog_size: int | None = None) -> dict:
    """The rubric drawn on the board: per node its status (fail/warn), the rules that blame
    it and its figure lines (funnel sizes, ms); the slowest path and whether it fails."""
    catalog = load_catalog()
    graph = design_graph(design, catalog)
    size = catalog_size or analysis.DEFAULT_CATALOG_SIZE
    figures = node_figures(graph, size)
    marks = Marks.from_report(report)
    blamed: dict[str, list[str]] = {}
    latency_failed = False
    if report is not None:
        for finding in report.findings:
            if finding.status not in ("fail", "warn"):
                continue
            if finding.rule == "latency.budget" and finding.status == "fail":
                latency_failed = True
            for node in finding.nodes:
                blamed.setdefault(node, []).append(f"{finding.status}: {finding.rule}")
    nodes = {}
    for node in graph:
        entry: dict = {}
        if figures.get(node):
            entry["lines"] = figures[node]
        if node in marks.failing:
            entry["status"] = "fail"
        elif node in marks.warning:
            entry["status"] = "warn"
        if node in blamed:
            entry["rules"] = blamed[node]
        if entry:
            nodes[node] = entry
    path = [n for n in marks.critical_path if n in graph]
    return {"nodes": nodes, "path": path, "pathStatus": "fail" if latency_failed else "pass"}


def board_data(
    design: Design,
    report=None,
    *,
    rev: int,
    read_only: bool,
    catalog_size: int | None = None,
    height: int = 560,
    dark: bool = False,
    select: dict | None = None,
    error: str | None = None,
    saved: int = 0,
    board_key: str | None = None,
    with_catalog: bool = True,
    board: tuple[int, int] | None = None,
) -> dict:
    """Everything the canvas needs for one render (JSON-ready). ``saved`` is the ``seq`` of
    the last state from the board that Python took; ``board_key`` names the board so a
    remounted canvas resumes where it was (its history, its unsaved changes).
    ``with_catalog=False`` leaves out the catalog (the palette and the editor's field specs,
    about 15 KB) for a page that already holds the one named by ``catalogId``. ``board``
    (width, height in px) is the shape a design with no positions is laid out for; ``fit``
    tells the board how to fit it (FIT_RULE)."""
    drawn, marks = _drawing(design, report, catalog_size, board)
    data = {
        "rev": rev,
        "readOnly": read_only,
        "height": height,
        "dark": dark,
        "design": drawn,
        "marks": marks,
        "catalogId": catalog_id(),
        "select": select,
        "error": error,
        "saved": saved,
        "boardKey": board_key,
        "fit": FIT_RULE,
    }
    if with_catalog:
        data["catalog"] = _shipped_catalog_data()
    return data


_DRAWINGS: dict[tuple, tuple[dict, dict]] = {}
_DRAWINGS_KEPT = 32
_DRAWINGS_LOCK = threading.Lock()


def live_drawing(design: Design, report, catalog_size, board=None) -> tuple[dict, dict]:
    """The placed design and its marks, as a read-only board draws them (``board_data``):
    a room's live view sends them to the interviewer's board (ui/room_live.py)."""
    return _drawing(design, report, catalog_size, board)


def _drawing(design: Design, report, catalog_size, board=None) -> tuple[dict, dict]:
    """The placed design and its marks, remembered per design, verdict and catalog size:
    most reruns (a note typed, a finding opened) redraw the same board. Pages and the room
    route's threads share it, hence the lock."""
    verdict = (
        tuple(
            (f.rule, f.status, tuple(f.nodes), str(f.figures.get("critical_path")))
            for f in report.findings
        )
        if report is not None
        else None
    )
    key = (design.model_dump_json(), verdict, catalog_size, board)
    with _DRAWINGS_LOCK:
        found = _DRAWINGS.get(key)
    if found is None:
        found = (
            _board_design(place(design, board=board)),
            board_marks(design, report, catalog_size),
        )
        with _DRAWINGS_LOCK:
            while len(_DRAWINGS) >= _DRAWINGS_KEPT:
                _DRAWINGS.pop(next(iter(_DRAWINGS)))
            _DRAWINGS[key] = found
    return found


def _board_design(design: Design) -> dict:
    data = design.to_dict()
    return {
        "components": data["components"],
        "edges": data["edges"],
        "notes": data.get("notes", []),
    }


def fitted_height(design: Design, width: int | None = None, low: int = 380, high: int = 900) -> int:
    """The height at which a read-only board ``width`` pixels wide (the main column at
    1280 px unless told) shows the placed design at the zoom it opens at (FIT_RULE: its
    width, never under the readable minimum), between ``low`` and ``high``; a drawing
    taller than that opens at its top, to be panned."""
    width = width or column_px()
    placed = place(design, board=(width, high))
    span = span_of([(c.pos.x, c.pos.y) for c in placed.components])
    usable_w = width / (1 + FIT_RULE["padding"])
    zoom = max(FIT_RULE["minZoom"], min(FIT_RULE["maxZoom"], usable_w / span[0]))
    return int(min(high, max(low, span[1] * zoom * (1 + FIT_RULE["padding"]))))


# ---- what the board sends back ---------------------------------------------------------------


def design_from_board(value, base: Design) -> Design:
    """The design the canvas sent (its ``design`` state value), keeping ``base``'s version,
    scenario and title. Raises :class:`BoardError` naming what is wrong."""
    if not isinstance(value, dict) or not isinstance(value.get("design"), dict):
        raise BoardError("the canvas sent no design")
    sent = value["design"]
    data = {
        "version": 1,
        "components": sent.get("components", []),
        "edges": sent.get("edges", []),
        "notes": sent.get("notes", []),
    }
    if base.scenario is not None:
        data["scenario"] = base.scenario
    if base.title is not None:
        data["title"] = base.title
    try:
        return Design.model_validate(data)
    except ValidationError as error:
        reasons = []
        for item in error.errors(include_url=False):
            where = ".".join(str(p) for p in item["loc"])
            reasons.append(f"{where}: {item['msg']}".removeprefix(": "))
        raise BoardError("; ".join(reasons[:5])) from None


def same_drawing(a: Design, b: Design) -> bool:
    """Whether two designs differ only in where things sit (the rubric is unchanged)."""
    exclude = {"notes": True, "components": {"__all__": {"pos"}}}
    return a.model_dump(exclude=exclude) == b.model_dump(exclude=exclude)
