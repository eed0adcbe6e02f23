"""The board in real Chromium: ``python bench/browser_canvas.py`` (``make bench`` runs it).

From mouse-up on a palette drop or a connect to the updated board and rubric in the DOM
(the server has saved the change and its answer, with the new verdict, is drawn: the
board's ``data-saved`` reaches its ``data-sent``, and the findings list under the board
draws the same revision as the board's marks), on a whiteboard holding a 30-component
design; it prints how many changes the board's direct route answered (ui/board_route.py)
and how many went through a page run; beside it, a bare Streamlit page's button click (mouse-up to the rerun's text in
the DOM) measured in the same run, so the ratio holds on any machine. Also the board's own
render (React and React Flow, from new data to the committed DOM) at 30 components.
The bare click and the board's actions alternate (tabs of one browser), so both see the
same load on a shared machine.

Two bare pages: one with this app's Streamlit settings (.streamlit/config.toml), one with
Streamlit's default of a full garbage collection after every run (``runner.postScriptGC``),
which this app turns off. That collection held the interpreter lock for about 0.1 s on this
app's heap, and about 0.05 s on a bare page's; the ratio is printed against both.
Targets: median within 1.5 times the bare click; the board's render under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from components.board import auto_layout  # noqa: E402
from components.design import Design  # noqa: E402
from design_framework.session import Session  # noqa: E402
from scenarios.loader import get_scenario  # noqa: E402
from scripts import replicas  # noqa: E402
from storage import open_store  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

BARE = """import streamlit as st
st.session_state.setdefault("clicks", 0)
if st.button("Click me", key="only"):
    st.session_state.clicks += 1
st.write(f"clicks: {st.session_state.clicks}")
"""

# A handle to a promise (so arming it does not wait) that resolves with ms from the next
# mouse-up (or drop) to the moment ``done()`` holds.
TIME_UNTIL = """([selector, doneSource]) => ({promise: new Promise((resolve, reject) => {
    const done = new Function('el', doneSource);
    // "HOST >> INNER": INNER inside the shadow root of a component under HOST
    const find = () => {
        const [host, inner] = selector.split(' >> ');
        const outer = document.querySelector(host);
        if (!inner || !outer) return outer;
        const shadow = [...outer.querySelectorAll('*')].find((e) => e.shadowRoot);
        return shadow && shadow.shadowRoot.querySelector(inner);
    };
    let start = null;
    const mark = () => { if (start === null) start = performance.now(); };
    document.addEventListener('mouseup', mark, {capture: true, once: true});
    document.addEventListener('drop', mark, {capture: true, once: true});
    // looked up on every check: a page run can remount the component, and an element found
    // once would then be a board no longer on the page (the bench timed out on one)
    const check = () => {
        const target = find();
        if (start !== null && target && done(target)) {
            observer.disconnect();
            resolve(performance.now() - start);
        }
    };
    const observer = new MutationObserver(check);
    const watch = {subtree: true, childList: true, attributes: true, characterData: true};
    const first = find();
    // the component's shadow root outlives a remount of what is drawn inside it
    observer.observe(first && first.getRootNode ? first.getRootNode() : first, watch);
    // and the findings list, another component: through a page run it is drawn after the board
    const host = document.querySelector('.st-key-w_findings');
    const inner = host && [...host.querySelectorAll('*')].find((e) => e.shadowRoot);
    const list = inner && inner.shadowRoot.querySelector('[data-testid="wb-findings"]');
    if (list) observer.observe(list, watch);
    setTimeout(() => {
        const el = find();
        const shown = el ? JSON.stringify(el.dataset) : 'no element';
        reject(new Error(`timed out: ${shown}; findings revision ${list && list.dataset.revision}`));
    }, 20000);
})})"""


# The server has taken every change, and the findings list under the board draws the verdict
# of the same revision as the board's marks (the list is another component, in its own
# shadow root).
ANSWERED = """el.dataset.saved === el.dataset.sent && (() => {
    const host = document.querySelector('.st-key-w_findings');
    const inner = host && [...host.querySelectorAll('*')].find((e) => e.shadowRoot);
    const list = inner && inner.shadowRoot.querySelector('[data-testid="wb-findings"]');
    return !!list && list.dataset.revision === el.dataset.revision;
})()"""


def serve(script: Path, data_dir: str, args=()) -> tuple[subprocess.Popen, str]:
    replica = replicas.start(
        env={"WHITEBOARD_DATA_DIR": data_dir}, log=subprocess.DEVNULL, script=script, args=args
    )
    return replica.process, replica.url


def thirty_components() -> Design:
    """The realtime-playlist-recs reference design plus six model servers: 30 components."""
    data = get_scenario("realtime-playlist-recs").reference_design.to_dict()
    data["components"] += [{"id": f"extra_{i}", "type": "model_server"} for i in range(6)]
    return auto_layout(Design.model_validate(data))


def summary(name: str, samples: list[float]) -> str:
    return (
        f"  {name:<34} median {statistics.median(samples):7.1f} ms   max {max(samples):7.1f} ms"
        f"   (n={len(samples)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=21, help="drops (one fewer connects)")
    parser.add_argument(
        "--through-page",
        action="store_true",
        help="refuse the board's direct route (403), so every change goes through a page run",
    )
    args = parser.parse_args()
    if not 2 <= args.actions <= 21:  # the drops fill a 3 x 7 grid on the free side of the board
        parser.error("--actions must be between 2 and 21")
    data_dir = tempfile.mkdtemp(prefix="bench-canvas-")
    bare_script = Path(data_dir) / "bare.py"
    bare_script.write_text(BARE)
    design = thirty_components()
    session = Session(scenario_id="realtime-playlist-recs", design=design)
    open_store(data_dir).save_session(session)

    app, app_url = serve(ROOT / "serve.py", data_dir)
    bare, bare_url = serve(bare_script, data_dir)
    default, default_url = serve(bare_script, data_dir, args=("--runner.postScriptGC", "true"))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            bare_page = browser.new_context().new_page()
            bare_page.set_default_timeout(30_000)
            default_page = browser.new_context().new_page()
            default_page.set_default_timeout(30_000)
            page = browser.new_context(viewport={"width": 1600, "height": 1100}).new_page()
            page.set_default_timeout(30_000)
            if args.through_page:  # as from a replica that did not draw the page
                page.route("**/api/board", lambda route: route.fulfill(status=403, body="{}"))

            # the bare page: a button click, mouse-up to the rerun's text
            for tab, url in ((bare_page, bare_url), (default_page, default_url)):
                tab.goto(url)
                tab.get_by_text("clicks: 0").wait_for()

            def click(tab, n: int) -> float:
                tab.bring_to_front()  # a background tab is not drawn
                done = f"return el.innerText.includes('clicks: {n}')"
                pending = tab.evaluate_handle(TIME_UNTIL, ["body", done])
                tab.locator(".st-key-only button").click()
                ms = pending.evaluate("h => h.promise")
                page.bring_to_front()
                return ms

            def click_bare(n: int) -> float:
                defaults.append(click(default_page, n))
                return click(bare_page, n)

            # the whiteboard with 30 components
            page.goto(f"{app_url}/practice?s={session.id}")
            canvas = page.locator(".st-key-w_canvas [data-testid='wb-canvas']")
            canvas.wait_for()
            page.locator(".react-flow__node[data-id='extra_5']").wait_for()
            canvas.evaluate("el => el.scrollIntoView({block: 'center'})")
            page.locator("[data-action='fit']").click()
            selector = ".st-key-w_canvas >> [data-testid='wb-canvas']"
            pane = canvas.locator(".react-flow__pane")
            # pan the design to the left so the right of the board is free to drop on
            box = pane.bounding_box()
            page.mouse.move(box["x"] + box["width"] - 30, box["y"] + box["height"] - 70)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] - 700, box["y"] + box["height"] - 70, steps=8)
            page.mouse.up()
            clicks, defaults, drops, connects, renders = [], [], [], [], []
            components = int(canvas.get_attribute("data-components"))
            edges = int(canvas.get_attribute("data-edges"))
            previous = None
            for n in range(args.actions):
                clicks.append(click_bare(len(clicks) + 1))
                new_id = "model_server" if n == 0 else f"model_server_{n + 1}"
                components += 1
                done = f"return el.dataset.components === '{components}' && " + ANSWERED
                pending = page.evaluate_handle(TIME_UNTIL, [selector, done])
                canvas.locator(".wb-item[data-type='model_server']").drag_to(
                    pane, target_position={"x": 240 + (n % 3) * 200, "y": 40 + (n // 3) * 55}
                )
                drops.append(pending.evaluate("h => h.promise"))
                renders.append(float(canvas.get_attribute("data-render-ms")))
                if previous is not None:
                    # connect the previous new node to this one, handle to handle (the drops keep to
                    # the top left, clear of the minimap in the bottom right corner)
                    source = page.locator(
                        f".react-flow__node[data-id='{previous}'] .react-flow__handle.source"
                    ).bounding_box()
                    target = page.locator(
                        f".react-flow__node[data-id='{new_id}'] .react-flow__handle.target"
                    ).bounding_box()
                    edges += 1
                    done = f"return el.dataset.edges === '{edges}' && " + ANSWERED
                    pending = page.evaluate_handle(TIME_UNTIL, [selector, done])
                    sx = source["x"] + source["width"] / 2
                    sy = source["y"] + source["height"] / 2
                    page.mouse.move(sx, sy)
                    page.mouse.down()
                    tx = target["x"] + target["width"] / 2
                    ty = target["y"] + target["height"] / 2
                    page.mouse.move(tx, ty, steps=6)
                    page.mouse.up()
                    connects.append(pending.evaluate("h => h.promise"))
                    renders.append(float(canvas.get_attribute("data-render-ms")))
                    clicks.append(click_bare(len(clicks) + 1))
                previous = new_id
            edges = int(canvas.get_attribute("data-edges"))
            direct = int(canvas.get_attribute("data-direct-sends") or 0)
            through_page = int(canvas.get_attribute("data-page-sends") or 0)
            browser.close()
    finally:
        for process in (app, bare, default):
            process.terminate()
            process.wait(timeout=10)

    both = drops + connects
    print(
        f"Board in Chromium, mouse-up to updated board and rubric in the DOM "
        f"(30 components to start, {edges} edges at the end)"
    )
    print(summary("bare click, this app's settings", clicks))
    print(summary("bare click, Streamlit's defaults", defaults))
    print(summary("palette drop", drops))
    print(summary("connect (handle to handle)", connects))
    median = statistics.median(both)
    print(
        summary("drop or connect", both)
        + f"   x{median / statistics.median(clicks):.2f} the bare click with this app's"
        f" settings, x{median / statistics.median(defaults):.2f} with Streamlit's defaults"
        " (target x1.5)"
    )
    print(summary("board render (30+ components)", renders) + "   (target < 50 ms)")
    print(
        f"  changes answered by the direct route: {direct}, sent through a page run:"
        f" {through_page} (ui/board_route.py)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
