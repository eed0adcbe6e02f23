"""Turn a design (and optionally its findings) into DOT, Mermaid, PNG or SVG.

``to_dot`` and ``to_mermaid`` are pure functions of their inputs. Images come from a
Graphviz ``dot`` program: the system's if on PATH, else ``graphviz-pure`` from PyPI, which
``requirements.txt`` installs so a fresh machine can export PNGs with no system package.
Every piece of user text is escaped: quotes, backslashes, braces, angle brackets and
newlines can neither break the output nor inject attributes or nodes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from components import analysis
from components.catalog import Catalog, load_catalog
from components.design import Design, design_graph
from components.embedded import embed_png, embed_svg
from components.reading import read_graph

FAIL_COLOR = "#E22134"
WARN_COLOR = "#F59B23"
PATH_COLOR = "#1DB954"
PNG_DPI = 100
PNG_MAX_INCHES = "22,11"
"""PNG export draws at 100 dpi and scales a large design down to at most 2,200 x 1,100 px:
sharp enough to paste into notes, and rasterising stays near 100 ms whatever the size. At
scale 2 (for a high-density screen or a slide) it draws at 200 dpi, up to 4,400 x 2,200."""
PNG_SCALES = (1, 2)

CLUSTERS = [
    ("request", "Request path (online)", ("entry", "online")),
    ("stores", "Online stores", ("online_store",)),
    ("nearline", "Nearline (streaming)", ("nearline",)),
    ("offline", "Offline (batch, training)", ("offline",)),
    ("observability", "Observability", ("observability",)),
]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class RenderError(RuntimeError):
    """No dot program is available, it rejected the input, or the design is too large."""


MAX_DRAWN_COMPONENTS = 300
MAX_DRAWN_EDGES = 1_500
"""The largest design any view draws (the diagram, the canvas, PNG and SVG). A real
architecture has a few dozen boxes; a file may hold up to 5,000 and 20,000 edges, and
laying that out takes the browser minutes and a gigabyte (or never finishes)."""


def too_large_to_draw(design: Design) -> str | None:
    """Why ``design`` is not drawn, with its counts; None when it can be drawn."""
    nodes, edges = len(design.components), len(design.edges)
    if nodes <= MAX_DRAWN_COMPONENTS and edges <= MAX_DRAWN_EDGES:
        return None
    return (
        f"Too large to draw: {nodes:,} components and {edges:,} edges (drawings stop at "
        f"{MAX_DRAWN_COMPONENTS:,} components and {MAX_DRAWN_EDGES:,} edges). It is kept, and "
        "the YAML and Mermaid exports still work."
    )


@dataclass(frozen=True)
class Marks:
    """What to highlight: nodes failing or warned by a rule, and the critical path."""

    failing: frozenset[str] = frozenset()
    warning: frozenset[str] = frozenset()
    critical_path: tuple[str, ...] = ()

    @classmethod
    def from_report(cls, report) -> Marks:
        if report is None:
            return cls()
        latency = report.by_rule().get("latency.budget")
        path = tuple(latency.figures.get("critical_path", ())) if latency else ()
        return cls(frozenset(report.failing_nodes()), frozenset(report.warning_nodes()), path)


# ---- figures shown on nodes ------------------------------------------------------------------


def node_figures(graph, catalog_size: int) -> dict[str, list[str]]:
    """Per node, the short lines of numbers shown under its name (funnel sizes, latency)."""
    lines: dict[str, list[str]] = {n: [] for n in graph}
    if graph.number_of_nodes() > MAX_DRAWN_COMPONENTS or graph.number_of_edges() > MAX_DRAWN_EDGES:
        return lines  # not drawn, so no figures to draw on it: no analysis spent on them
    # the figures the rubric judges: computed on the reading (a star read in stage order)
    read = graph if "readings" in graph.graph else read_graph(graph, load_catalog())
    try:
        flow = analysis.funnel_flow(read, catalog_size)
        costs = analysis.node_costs(read, catalog_size)
    except analysis.RequestPathCycle:
        return lines
    for key, (in_k, out_k) in flow.items():
        attrs = read.nodes[key]
        node = attrs.get("host") or key  # a model read inside a box shows on that box
        if node not in lines:
            continue
        if attrs["funnel"]:
            lines[node].append(f"{_count(in_k)} → {_count(out_k)} items")
        if attrs["role"] == "online":
            lines[node].append(f"{costs[key].total_ms:,.1f} ms")
    for node, attrs in graph.nodes(data=True):
        if attrs["role"] == "online_store":
            lines[node].append(f"{attrs['latency_ms']:g} ms read")
    return lines


def _count(value: int) -> str:
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if value >= size:
            return f"{value / size:.3g}{suffix}"
    return str(value)


# ---- DOT -------------------------------------------------------------------------------------


def dot_string(text: str) -> str:
    """A DOT double-quoted string holding ``text`` literally."""
    text = _CONTROL.sub(" ", str(text))
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{text}"'


def to_dot(
    design: Design,
    report=None,
    catalog: Catalog | None = None,
    catalog_size: int = analysis.DEFAULT_CATALOG_SIZE,
    dark: bool = False,
    background: str | None = None,
) -> str:
    """DOT text: nodes styled by category, grouped by role, failing nodes outlined in red,
    funnel sizes and latency on the labels, the critical path drawn heavier. ``background``
    None is transparent (a page that has its own colour); files get an opaque one, so the
    arrows stay visible on whatever document they are pasted into."""
    catalog = catalog or load_catalog()
    graph = design_graph(design, catalog)
    marks = Marks.from_report(report)
    figures = node_figures(graph, catalog_size)
    ink = "#E0E0E0" if dark else "#333333"
    out = [
        "digraph design {",
        f'  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.55, '
        f'bgcolor="{background or "transparent"}", fontcolor="{ink}", compound=true, '
        "forcelabels=true];",
        '  node [fontname="Helvetica", fontsize=13, margin="0.15,0.06"];',
        f'  edge [fontname="Helvetica", fontsize=9, color="{ink}", fontcolor="{ink}"];',
    ]
    if design.title:
        out.append(f"  label={dot_string(design.title)}; labelloc=t;")
    for key, title, roles in CLUSTERS:
        members = [n for n in graph if graph.nodes[n]["role"] in roles]
        if not members:
            continue
        out.append(f"  subgraph cluster_{key} {{")
        out.append(f'    label={dot_string(title)}; style="rounded,dashed"; color="#9E9E9E";')
        for node in members:
            out.append("    " + _dot_node(node, graph, catalog, figures[node], marks))
        out.append("  }")
    path_edges = set(zip(marks.critical_path, marks.critical_path[1:], strict=False))
    cluster_of = {role: key for key, _, roles in CLUSTERS for role in roles}
    for u, v, label in graph.edges(data="label"):
        attrs = []
        if label:
            # Between two clusters (a store read by a request-path stage), dot's label, a
            # box in the ranks, stays outside both clusters while the spline is routed
            # elsewhere: it floated up to 50 pt from its edge, or was dropped. An xlabel is
            # placed beside the routed spline instead; within a cluster a label keeps its
            # box, which makes room for the text (xlabels there would cover nodes).
            same = cluster_of[graph.nodes[u]["role"]] == cluster_of[graph.nodes[v]["role"]]
            attrs.append(f"{'label' if same else 'xlabel'}={dot_string(label)}")
        if graph.nodes[v]["role"] == "entry":
            attrs.append("style=dashed")
        if (u, v) in path_edges:
            attrs.append(
                f'penwidth=2.2, color="{FAIL_COLOR if u in marks.failing else PATH_COLOR}"'
            )
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        out.append(f"  {dot_string(u)} -> {dot_string(v)}{suffix};")
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_node(node, graph, catalog, figure_lines, marks) -> str:
    attrs = graph.nodes[node]
    style = catalog.style_of(attrs["type"]).model_dump(exclude_none=True)
    kind_label = catalog.get(attrs["type"]).label
    lines = [attrs["label"]]
    if attrs["label"] != kind_label:
        lines.append(f"({kind_label})")
    lines += figure_lines
    parts = [
        f"label={dot_string(chr(10).join(lines))}",
        f"tooltip={dot_string(f'{node}: {kind_label}')}",
    ]
    parts += [f"{key}={dot_string(value)}" for key, value in style.items()]
    if node in marks.failing:
        parts += [f'color="{FAIL_COLOR}"', "penwidth=3"]
    elif node in marks.warning:
        parts += [f'color="{WARN_COLOR}"', "penwidth=2.5"]
    return f"{dot_string(node)} [{', '.join(parts)}];"


# ---- Mermaid ---------------------------------------------------------------------------------

_MERMAID_SHAPES = {
    "entry": ('(["', '"])'),
    "online": ('["', '"]'),
    "online_store": ('[("', '")]'),
    "nearline": ('[/"', '"/]'),
    "offline": ('[["', '"]]'),
    "observability": ('{{"', '"}}'),
}


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: anything beyond letters, digits and plain
    punctuation becomes an entity code, newlines become <br/>."""
    text = _CONTROL.sub(" ", str(text))
    parts = []
    for line in text.replace("\r\n", "\n").split("\n"):
        parts.append(
            "".join(
                ch if ch.isalnum() or ch in " .,:;!?()/+-_'%=*→" else f"#{ord(ch)};" for ch in line
            )
        )
    return "<br/>".join(parts)


def mermaid_ids(design: Design) -> dict[str, str]:
    """Mermaid-safe, unique ids (``end`` and ``-`` would break a flowchart)."""
    ids: dict[str, str] = {}
    for component in design.components:
        base = "c_" + re.sub(r"[^a-z0-9_]", "_", component.id)
        candidate, n = base, 2
        while candidate in ids.values():
            candidate, n = f"{base}_{n}", n + 1
        ids[component.id] = candidate
    return ids


def to_mermaid(
    design: Design,
    report=None,
    catalog: Catalog | None = None,
    catalog_size: int = analysis.DEFAULT_CATALOG_SIZE,
) -> str:
    catalog = catalog or load_catalog()
    graph = design_graph(design, catalog)
    marks = Marks.from_report(report)
    figures = node_figures(graph, catalog_size)
    ids = mermaid_ids(design)
    out = ["flowchart LR"]
    for key, title, roles in CLUSTERS:
        members = [n for n in graph if graph.nodes[n]["role"] in roles]
        if not members:
            continue
        out.append(f'  subgraph {key}["{mermaid_text(title)}"]')
        for node in members:
            open_, close = _MERMAID_SHAPES[graph.nodes[node]["role"]]
            label = mermaid_text("\n".join([graph.nodes[node]["label"], *figures[node]]))
            out.append(f"    {ids[node]}{open_}{label}{close}")
        out.append("  end")
    for u, v, label in graph.edges(data="label"):
        arrow = "-.->" if graph.nodes[v]["role"] == "entry" else "-->"
        text = f'|"{mermaid_text(label)}"|' if label else ""
        out.append(f"  {ids[u]} {arrow}{text} {ids[v]}")
    for category in catalog.categories:
        s = category.style
        out.append(
            f"  classDef {category.id} fill:{s.fillcolor},stroke:{s.color},color:{s.fontcolor}"
        )
    out.append(f"  classDef failing stroke:{FAIL_COLOR},stroke-width:3px")
    out.append(f"  classDef warning stroke:{WARN_COLOR},stroke-width:3px")
    for category in catalog.categories:
        members = [ids[n] for n in graph if graph.nodes[n]["category"] == category.id]
        if members:
            out.append(f"  class {','.join(members)} {category.id}")
    for mark, nodes in (("failing", marks.failing), ("warning", marks.warning - marks.failing)):
        present = [ids[n] for n in sorted(nodes) if n in ids]
        if present:
            out.append(f"  class {','.join(present)} {mark}")
    return "\n".join(out) + "\n"


# ---- images ----------------------------------------------------------------------------------


def dot_program() -> str:
    """Path of a Graphviz dot program: the system's, else graphviz-pure beside this Python."""
    found = shutil.which("dot")
    if found:
        return found
    beside_python = Path(sys.executable).with_name("graphviz-pure")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("graphviz-pure")
    if found:
        return found
    raise RenderError(
        "no Graphviz program found: install graphviz, or `pip install "
        "graphviz-pure` (requirements.txt does)"
    )


def render_dot(
    dot_text: str, fmt: str, program: str | None = None, timeout: float = 30, scale: int = 1
) -> bytes:
    """Render DOT text to ``png`` or ``svg`` bytes; a PNG at ``scale`` times 100 dpi."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unsupported image format {fmt!r} (png or svg)")
    if scale not in PNG_SCALES:
        raise ValueError(f"unsupported scale {scale!r} (one of {PNG_SCALES})")
    command = [program or dot_program(), f"-T{fmt}"]
    if fmt == "png":
        command += [f"-Gdpi={PNG_DPI * scale}", f"-Gsize={PNG_MAX_INCHES}"]
    try:
        done = subprocess.run(
            command,
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RenderError(f"{command[0]} failed: {error}") from None
    if done.returncode != 0 or not done.stdout:
        raise RenderError(
            f"{command[0]} exited {done.returncode}: "
            f"{done.stderr.decode('utf-8', 'replace').strip()[:500]}"
        )
    return done.stdout


PAPER = {False: "#FFFFFF", True: "#121212"}
"""Background of exported images: white, or the app's dark background."""


def export(
    design: Design,
    fmt: str,
    report=None,
    catalog_size: int | None = None,
    dark: bool = False,
    scale: int = 1,
) -> bytes:
    """The design as file bytes in ``fmt``: png, svg, dot, mmd or yaml. Images have an opaque
    background, white unless ``dark``, a PNG ``scale`` times 100 dpi; both carry the design's
    YAML (components/embedded.py), so "Open a file" reopens a shared picture as a design."""
    size = catalog_size or analysis.DEFAULT_CATALOG_SIZE
    if fmt == "yaml":
        return design.to_yaml().encode("utf-8")
    if fmt == "mmd":
        return to_mermaid(design, report, catalog_size=size).encode("utf-8")
    refusal = too_large_to_draw(design)
    if refusal and fmt != "dot":
        raise RenderError(refusal)  # before any layout or figure is computed
    dot_text = to_dot(design, report, catalog_size=size, dark=dark, background=PAPER[dark])
    if fmt == "dot":
        return dot_text.encode("utf-8")
    image = render_dot(dot_text, fmt, scale=scale)
    embed = embed_png if fmt == "png" else embed_svg
    return embed(image, design.to_yaml())
