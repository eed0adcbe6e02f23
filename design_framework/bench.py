"""Benchmark: ``python -m design_framework.bench`` (or ``make bench``).

Prints medians for the rubric on every reference design and on synthetic designs of 250 to
2,000 nodes (with the growth ratio between sizes), DOT generation and PNG export. Targets:
rubric on a reference design under 5 ms, on 2,000 nodes under 200 ms, PNG export of a
reference design under 150 ms. Figures vary between machines; the ratios are the point.
"""

from __future__ import annotations

import argparse
import statistics
import time

from components.design import Design
from components.render import dot_program, render_dot, to_dot
from design_framework.rubric import check_design
from scenarios.loader import get_scenario, shipped_scenarios


def median_ms(action, repeat: int) -> float:
    action()  # warm caches (catalog, imports) outside the measurement
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def synthetic_design(nodes: int, base: Design | None = None) -> Design:
    """Copies of a reference design behind one shared client, trimmed to ``nodes`` nodes."""
    base = base or get_scenario("realtime-playlist-recs").reference_design
    base_data = base.to_dict()
    entry = next(c["id"] for c in base_data["components"] if c["type"] == "client_app")
    components = [{"id": "client", "type": "client_app"}]
    edges = []
    copy = 0
    while len(components) < nodes:
        prefix = f"c{copy}_"
        kept = set()
        for component in base_data["components"]:
            if component["id"] == entry or len(components) >= nodes:
                continue
            components.append({**component, "id": prefix + component["id"]})
            kept.add(component["id"])
        for edge in base_data["edges"]:
            ends = [edge["from"], edge["to"]]
            if all(end == entry or end in kept for end in ends):
                renamed = ["client" if end == entry else prefix + end for end in ends]
                edges.append({**edge, "from": renamed[0], "to": renamed[1]})
        copy += 1
    return Design.model_validate({"version": 1, "components": components, "edges": edges})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per measurement")
    args = parser.parse_args(argv)
    repeat = args.repeat

    print("Rubric on each reference design (median ms; target < 5 ms)")
    for scenario_id, scenario in shipped_scenarios().items():
        ms = median_ms(lambda s=scenario: check_design(s.reference_design, s), repeat)
        print(
            f"  {scenario_id:28} {len(scenario.reference_design.components):3} nodes  {ms:7.2f} ms"
        )

    print("\nRubric on synthetic designs (median ms; target < 200 ms at 2,000 nodes)")
    scenario = get_scenario("realtime-playlist-recs")
    previous = None
    for nodes in (250, 500, 1000, 2000):
        design = synthetic_design(nodes)
        ms = median_ms(lambda d=design: check_design(d, scenario), max(3, repeat // 3))
        growth = f"x{ms / previous[1]:.2f} for x{nodes / previous[0]:.0f} nodes" if previous else ""
        print(f"  {nodes:5} nodes {len(design.edges):5} edges  {ms:8.1f} ms  {growth}")
        previous = (nodes, ms)

    reference = scenario.reference_design
    report = check_design(reference, scenario)
    dot_ms = median_ms(lambda: to_dot(reference, report), repeat)
    print(f"\nDOT text of the {scenario.id} reference design: {dot_ms:.2f} ms")
    program = dot_program()
    print(f"\nPNG and SVG export with {program} (median ms; PNG target < 150 ms)")
    for scenario_id, each in shipped_scenarios().items():
        dot_text = to_dot(each.reference_design, check_design(each.reference_design, each))
        png_ms = median_ms(lambda d=dot_text: render_dot(d, "png"), max(3, repeat // 3))
        svg_ms = median_ms(lambda d=dot_text: render_dot(d, "svg"), max(3, repeat // 3))
        print(f"  {scenario_id:28} PNG {png_ms:6.1f} ms   SVG {svg_ms:5.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
