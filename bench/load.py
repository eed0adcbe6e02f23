"""A load of active users on the board's direct route: ``python bench/load.py [--quick]``
(``make bench`` runs it).

Thirty users, each with a session of their own opened in a browser (which hands the board
the session's key), save their boards over HTTP as the board does (``POST /api/board``, one
save in flight, the revision each answer gives): realistic designs of 10 to 40 boxes (a
scenario's reference design and a few more model servers), changed one box at a time (a box
moved, a latency changed, a box added or taken away with its edge), with a think time of 1
to 3 s between changes, so it is a load of people drawing, not a denial of service. Two real
browsers reload the whiteboard meanwhile (navigation start to the board drawn, as
``bench/page_loads.py`` times it). 3,000 saves in all.

Printed: p50 and p99 save times (target: p99 under 300 ms with 30 users), errors, the
browsers' page loads, and the server's resident memory at the start, once the first tenth of
the saves are done (the caches warm), and at the end (target: no growth over the saves).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench import page_loads  # noqa: E402
from bench.board_client import (  # noqa: E402
    Board,
    boards,
    machine_line,
    machine_ticks,
    percentile,
    read_keys,
    rss_mb,
    seed_sessions,
    spread,
)
from components.catalog import load_catalog  # noqa: E402
from scenarios.loader import shipped_scenarios  # noqa: E402
from scripts import replicas  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

TARGET_P99_MS = 300
GROWTH_MB = 10
"""What counts as no growth: the allocator's noise, not a save's design kept per save."""
SESSIONS_KEPT_S = 130
"""Seconds after which Streamlit's store of disconnected sessions (120 s) holds steady."""


def starting_design(rng: random.Random, scenario) -> dict:
    """The scenario's reference design, laid out, with model servers added up to 10-40 boxes."""
    from components.board import auto_layout

    design = auto_layout(scenario.reference_design).to_dict()
    design.pop("scenario", None)
    design.pop("title", None)
    want = rng.randint(max(10, len(design["components"])), 40)
    for n in range(want - len(design["components"])):
        design["components"].append(
            {"id": f"extra_{n}", "type": "model_server", "pos": {"x": 60 * n, "y": 900}}
        )
    return design


class User:
    """One person drawing: changes one box at a time on their own board."""

    def __init__(self, board: Board, design: dict, seed: int) -> None:
        self.board, self.design, self.rng = board, design, random.Random(seed)
        catalog = load_catalog()
        self.latency_types = {t for t in catalog.ids if "latency_ms" in catalog.get(t).params}
        self.added = 0

    def change(self) -> None:
        boxes, rng = self.design["components"], self.rng
        what = rng.random()
        if what < 0.6:  # a box moved
            box = rng.choice(boxes)
            box["pos"] = {"x": rng.randint(0, 1600), "y": rng.randint(0, 1000)}
        elif what < 0.8 and any(b["type"] in self.latency_types for b in boxes):
            box = rng.choice([b for b in boxes if b["type"] in self.latency_types])
            box["params"] = {**box.get("params", {}), "latency_ms": rng.randint(1, 80)}
        elif what < 0.9 or len(boxes) <= 10:  # a box added, wired to another
            if len(boxes) >= 40:
                return self.change()
            self.added += 1
            new = {"id": f"added_{self.added}", "type": "model_server", "pos": {"x": 50, "y": 50}}
            self.design["edges"].append({"from": rng.choice(boxes)["id"], "to": new["id"]})
            boxes.append(new)
        else:  # a box taken away, with its edges
            gone = rng.choice(boxes)["id"]
            self.design["components"] = [b for b in boxes if b["id"] != gone]
            self.design["edges"] = [
                e for e in self.design["edges"] if gone not in (e["from"], e["to"])
            ]

    def save(self) -> tuple[int, float]:
        self.change()
        status, _, ms = self.board.save(json.dumps(self.design))
        return status, ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--saves", type=int, default=3000, help="saves in all")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), help="seconds")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.saves, args.think = 4, 40, (0.05, 0.2)

    rng = random.Random(20)
    pack = list(shipped_scenarios().values())
    scenarios = [rng.choice(pack) for _ in range(args.users)]
    designs = [starting_design(rng, s) for s in scenarios]
    data_dir = tempfile.mkdtemp(prefix="bench-load-")
    urls = page_loads.seed(data_dir)  # the browsers' whiteboard, as page_loads opens it
    ready = page_loads.conditions([], int(urls["components"]), urls["notes"])["whiteboard"]
    user_ids = [
        seed_sessions(data_dir, [design], scenario.id)[0]
        for design, scenario in zip(designs, scenarios, strict=True)
    ]
    server = replicas.start(env={"WHITEBOARD_DATA_DIR": data_dir}, log=subprocess.DEVNULL)
    pid = server.process.pid
    times, in_route, errors, memory = [], [], Counter(), {}
    lock, done, issued = threading.Lock(), threading.Event(), [0]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            keys = read_keys(browser, server.url, user_ids)
            users = [
                User(board, design, n)
                for n, (board, design) in enumerate(
                    zip(boards(server.url, data_dir, keys), designs, strict=True)
                )
            ]
            memory["start"] = rss_mb(pid)
            warm = max(1, args.saves // 10)
            tenth = max(1, args.saves // 10)
            series: list[tuple[int, float, float]] = []  # (saves, seconds, RSS MB) each tenth

            def drawing(user: User) -> None:
                while not done.is_set():
                    time.sleep(user.rng.uniform(*args.think))
                    with lock:  # a save is counted when it is sent: 3,000, not a few more
                        if issued[0] >= args.saves:
                            done.set()
                            return
                        issued[0] += 1
                    status, ms = user.save()
                    with lock:
                        if status == 200:
                            times.append(ms)
                            if user.board.server_ms is not None:
                                in_route.append(user.board.server_ms)
                        else:
                            errors[status] += 1
                        taken = len(times) + sum(errors.values())
                        if taken == warm:
                            memory["warm"] = rss_mb(pid)
                        if taken % tenth == 0:
                            series.append((taken, time.perf_counter() - started, rss_mb(pid)))

            threads = [threading.Thread(target=drawing, args=(u,), daemon=True) for u in users]
            started, machine = time.perf_counter(), machine_ticks()
            for thread in threads:
                thread.start()
            # two browsers on the whiteboard, reloading it while the users draw
            pages = [
                browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
                for _ in range(2)
            ]
            url = server.url + urls["whiteboard"]
            loads = []
            while True:  # at least one load each, however quickly the saves were done
                for page in pages:
                    loads.append(page_loads.load_ms(page, url, ready))
                if done.is_set():
                    break
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            on_machine = machine_line(machine)
            memory["end"] = rss_mb(pid)
            browser.close()
    finally:
        server.stop()

    p50, p99 = statistics.median(times), percentile(times, 0.99)
    growth = memory["end"] - memory.get("warm", memory["start"])
    print("Load on POST /api/board (bench/load.py)")
    print(
        f"  {args.users} users, each on a session of their own, {len(times) + sum(errors.values())}"
        f" saves in {elapsed:.0f} s ({(len(times) + sum(errors.values())) / elapsed:.1f} a second),"
        f" think time {args.think[0]:g}-{args.think[1]:g} s, designs of"
        f" {min(len(d['components']) for d in designs)}-{max(len(d['components']) for d in designs)}"
        " boxes at the start, one box changed a save; two browsers reloading the whiteboard"
    )
    verdict = "ok" if p99 < TARGET_P99_MS else "OVER"
    print(
        f"  saves: p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   (target p99 < {TARGET_P99_MS} ms)"
        f"   {verdict}"
    )
    print(f"  saves: {spread(times)}")
    print(
        f"  in the route: {spread(in_route)}   (Server-Timing; p99"
        f" {percentile(in_route, 0.99) if in_route else float('nan'):.1f} ms)"
    )
    print(f"  the machine meanwhile: {on_machine}")
    print(
        f"  errors: {sum(errors.values())} ({', '.join(f'{s}: {n}' for s, n in sorted(errors.items())) or 'none'})"
    )
    print(f"  whiteboard page loads meanwhile: {spread(loads)}")
    # Streamlit keeps a disconnected page's session (its widgets' state) for
    # server.disconnectedSessionTTL (120 s), at most 128 of them: two browsers reloading fill
    # that store during the first two minutes, then it holds steady. Growth that goes on
    # after that is a leak; the same growth that stops is that store filled.
    steady = [point for point in series if point[1] >= SESSIONS_KEPT_S]
    steady_growth = steady[-1][2] - steady[0][2] if len(steady) >= 2 else float("nan")
    print(
        "  server memory each tenth of the saves: "
        + ", ".join(f"{rss:.0f}" for _, _, rss in series)
        + " MB"
    )
    if len(steady) >= 2:
        verdict = "ok" if steady_growth < GROWTH_MB / 2 else "GROWS"
        print(
            f"  after the first {SESSIONS_KEPT_S} s (Streamlit's store of disconnected sessions"
            f" full): {steady_growth:+.1f} MB over {steady[-1][0] - steady[0][0]} saves in"
            f" {steady[-1][1] - steady[0][1]:.0f} s (target: no growth, under"
            f" {GROWTH_MB / 2:g} MB)   {verdict}"
        )
    verdict = "ok" if growth < GROWTH_MB else "GROWS"
    if verdict == "GROWS" and steady_growth < GROWTH_MB / 2:
        verdict = "filled, then held (the line above)"
    print(
        f"  server memory (RSS): {memory['start']:.0f} MB at the start,"
        f" {memory.get('warm', float('nan')):.0f} MB after the first {warm} saves,"
        f" {memory['end']:.0f} MB at the end: {growth:+.1f} MB over the last"
        f" {len(times) + sum(errors.values()) - warm} saves (target: no growth, under"
        f" {GROWTH_MB} MB)   {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
