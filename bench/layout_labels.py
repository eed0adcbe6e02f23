"""How large the board's labels are after Auto-layout and fit: ``python bench/layout_labels.py``
(also run by ``make bench``).

For each shipped scenario's reference design, in a browser window 1280 and 1440 px wide:
the editable board's pane (components/board.py edit_board_px), the design laid out for it
(auto_layout, wrapped into rows), the drawing's size (its boxes at their widest, NODE_BOX),
and the node label's size on screen after the fit (FIT_RULE: the whole design when its
labels stay at least 11 px, else its width at a readable size, panned), beside the 11 px
target. "pans" says the whole design does not fit at that size: the board fits the width
and the user scrolls down it (a minimap shows where).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from components.board import (  # noqa: E402
    MIN_LABEL_PX,
    auto_layout,
    edit_board_px,
    readable_fit,
    span_of,
)
from scenarios.loader import shipped_scenarios  # noqa: E402

WIDTHS = (1280, 1440)


def rows() -> list[dict]:
    found = []
    for scenario_id, scenario in shipped_scenarios().items():
        design = scenario.reference_design
        for page_width in WIDTHS:
            board = edit_board_px(page_width)
            placed = auto_layout(design, board=board)
            span = span_of([(int(c.pos.x), int(c.pos.y)) for c in placed.components])
            fit = readable_fit(span, board)
            found.append(
                {
                    "scenario": scenario_id,
                    "boxes": len(design.components),
                    "page": page_width,
                    "board": board,
                    "span": span,
                    **fit,
                }
            )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the same (it takes a second)")
    parser.parse_args(argv)
    table = rows()
    print(f"Node labels after Auto-layout and fit (target: at least {MIN_LABEL_PX} px)\n")
    print(f"{'scenario':28} {'boxes':>5} {'page':>5} {'board':>9} {'drawing':>10} {'label':>8}")
    for row in table:
        board = f"{row['board'][0]}x{row['board'][1]}"
        drawing = f"{row['span'][0]}x{row['span'][1]}"
        mark = "  pans down" if row["pans"] else ""
        ok = "" if row["label_px"] >= MIN_LABEL_PX - 1e-6 else "  UNDER TARGET"
        print(
            f"{row['scenario']:28} {row['boxes']:>5} {row['page']:>5} {board:>9} {drawing:>10} "
            f"{row['label_px']:>5.1f} px{mark}{ok}"
        )
    for page_width in WIDTHS:
        sizes = [r["label_px"] for r in table if r["page"] == page_width]
        whole = sum(not r["pans"] for r in table if r["page"] == page_width)
        print(
            f"\n{page_width} px: smallest label {min(sizes):.1f} px (target {MIN_LABEL_PX}), "
            f"{whole} of {len(sizes)} designs whole in view, the rest panned down"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
