"""What needs a real browser: the canvas (drag from the palette, connect, move, edit in
place, delete, undo/redo), downloads, the live clock, a refresh, and two browsers in one
mock interview."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bench.live_rooms import wait_idle
from scenarios.loader import shipped_scenarios
from tests.browser.conftest import text_tab

pytestmark = pytest.mark.browser

SCENARIO = "realtime-playlist-recs"


def widget(page: Page, key: str):
    """Streamlit marks each keyed widget's container with the class st-key-<key>."""
    return page.locator(f".st-key-{key}")


def start_scenario(page: Page, url: str, scenario: str = SCENARIO) -> None:
    page.goto(url)
    widget(page, f"lib_start_{scenario}").locator("button").click()
    expect(widget(page, "w_notes_requirements")).to_be_visible()


def apply_quick_text(page: Page, text: str) -> None:
    text_tab(page, "Quick text")
    area = widget(page, "w_quick_text").locator("textarea")
    area.fill(text)
    widget(page, "w_quick_apply").locator("button").click()


def board(page: Page, key: str = "w_canvas"):
    return widget(page, key).get_by_test_id("wb-canvas")


def node(page: Page, node_id: str, key: str = "w_canvas"):
    return board(page, key).locator(f".react-flow__node[data-id='{node_id}']")


def drop(page: Page, type_id: str, x: float, y: float) -> None:
    """Drag a type from the palette onto the board, at (x, y) inside the board's pane."""
    pane = board(page).locator(".react-flow__pane")
    board(page).locator(f".wb-item[data-type='{type_id}']").drag_to(
        pane, target_position={"x": x, "y": y}
    )


def centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def connect(page: Page, source: str, target: str) -> None:
    """Drag from the source node's right handle to the target node's left handle, once the
    board has the answer to the last change (as a user sees the last edge drawn first)."""
    expect_board_saved(page)
    for end in (source, target):
        expect(node(page, end).locator(".react-flow__handle")).to_have_count(2)
    sx, sy = centre(node(page, source).locator(".react-flow__handle.source"))
    tx, ty = centre(node(page, target).locator(".react-flow__handle.target"))
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move((sx + tx) / 2, (sy + ty) / 2, steps=5)
    page.mouse.move(tx, ty, steps=5)
    page.mouse.up()


def click_node(page: Page, node_id: str) -> None:
    board(page).evaluate("el => el.scrollIntoView({block: 'center'})")
    node(page, node_id).locator(".wb-node-label").click()


def drag_node(page: Page, node_id: str, dx: float, dy: float) -> None:
    board(page).evaluate("el => el.scrollIntoView({block: 'center'})")
    x, y = centre(node(page, node_id).locator(".wb-node-label"))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=5)
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()


def position(page: Page, node_id: str, key: str = "w_canvas") -> tuple[int, int]:
    """Where a node sits on the board, in whole canvas pixels (what the design saves)."""
    transform = node(page, node_id, key).evaluate("el => el.style.transform")
    x, y = re.match(r"translate\(([-\d.]+)px, ([-\d.]+)px\)", transform).groups()
    return round(float(x)), round(float(y))


BOARD_NOW = """key => {
    const host = document.querySelector(`.st-key-${key} [data-testid="stBidiComponentIsolated"]`);
    return host && host.shadowRoot && host.shadowRoot.querySelector('[data-testid="wb-canvas"]');
}"""
"""The board as it is now: Streamlit may replace the element under a wait (a fragment's run
remounts the component), so a wait that held the first element found watched a board no
longer on the page and never saw its answer."""


def expect_board_saved(page: Page, key: str = "w_canvas") -> None:
    """Wait until the server has taken every change sent from the board."""
    try:
        page.wait_for_function(
            f"""key => {{
                const el = ({BOARD_NOW})(key);
                return !!el && Number(el.dataset.saved) >= Number(el.dataset.sent);
            }}""",
            arg=key,
            timeout=15_000,
            polling=50,
        )
    except PlaywrightTimeoutError:
        shown = page.evaluate(
            f"key => {{ const el = ({BOARD_NOW})(key); return el && el.dataset.saved + ' of ' + el.dataset.sent; }}",
            key,
        )
        raise AssertionError(
            f"the board's changes were not all saved in 15 s: saved {shown}"
        ) from None


def expect_saved(page: Page, pattern: str) -> None:
    """Wait until the design the server saved matches ``pattern`` (the YAML view is reseeded
    from the saved design after every change)."""
    text_tab(page, "YAML")
    expect(widget(page, "w_yaml_text").locator("textarea")).to_have_value(
        re.compile(pattern, re.DOTALL)
    )


def test_build_on_the_canvas_drag_connect_move_edit_delete_undo_redo(page, server):
    start_scenario(page, server["url"])
    drop(page, "client_app", 90, 160)
    drop(page, "ranker", 300, 160)
    expect(node(page, "client_app")).to_be_visible()
    expect(node(page, "ranker")).to_be_visible()
    connect(page, "client_app", "ranker")
    expect(board(page)).to_have_attribute("data-edges", "1")
    # the rubric is drawn on the board: a ranker scoring the whole catalog blows the budget
    ranker = node(page, "ranker").locator(".wb-node")
    expect(ranker).to_have_attribute("data-status", "fail")
    expect(ranker).to_contain_text("100M → 200 items")
    expect(board(page).locator(".react-flow__edge.wb-edge-fail")).to_have_count(1)

    # move: the new place is saved
    before = position(page, "ranker")
    drag_node(page, "ranker", 120, 90)
    moved = position(page, "ranker")
    assert moved != before

    # edit in place: click the node, change out_k, see the funnel figure change
    click_node(page, "ranker")
    editor = board(page).get_by_test_id("wb-editor")
    expect(editor).to_have_attribute("data-editing", "ranker")
    expect(editor.locator("[data-param-help='out_k']")).to_contain_text("default 200")
    editor.locator("input[name='out_k']").fill("50")
    editor.locator("input[name='out_k']").press("Enter")
    expect(ranker).to_contain_text("100M → 50 items")
    expect_saved(page, r"params: \{out_k: 50\}")

    # delete with the key, undo and redo with the keyboard
    click_node(page, "client_app")
    page.keyboard.press("Delete")
    expect(node(page, "client_app")).to_have_count(0)
    expect(board(page)).to_have_attribute("data-edges", "0")
    page.keyboard.press("Control+z")
    expect(node(page, "client_app")).to_have_count(1)
    expect(board(page)).to_have_attribute("data-edges", "1")
    page.keyboard.press("Control+Shift+z")
    expect(node(page, "client_app")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(board(page)).to_have_attribute("data-edges", "1")

    # the delete button removes the selection too
    click_node(page, "ranker")
    board(page).locator("[data-action='delete-selected']").click()
    expect(node(page, "ranker")).to_have_count(0)
    board(page).locator("[data-action='undo']").click()
    expect(node(page, "ranker")).to_have_count(1)
    page.screenshot(path=str(server["data"] / "canvas.png"), full_page=True)

    # a reload brings back every node where it was left
    expect_board_saved(page)
    page.reload()
    expect(node(page, "ranker")).to_be_visible()
    assert position(page, "ranker") == moved
    expect(board(page)).to_have_attribute("data-edges", "1")
    expect(node(page, "ranker").locator(".wb-node")).to_contain_text("100M → 50 items")


def test_quick_text_redraws_the_board_and_keeps_positions(page, server):
    start_scenario(page, server["url"])
    drop(page, "client_app", 120, 160)
    expect(node(page, "client_app")).to_be_visible()
    drag_node(page, "client_app", 60, 40)
    expect_board_saved(page)
    placed = position(page, "client_app")
    expect_saved(page, rf"pos: \{{x: {placed[0]}, y: {placed[1]}\}}")
    apply_quick_text(page, "client_app -> gateway(api_gateway) -> ranker")
    expect(node(page, "gateway")).to_be_visible()
    expect(node(page, "ranker")).to_be_visible()
    expect(board(page)).to_have_attribute("data-edges", "2")
    assert position(page, "client_app") == placed


def test_the_clock_ticks_without_a_page_rerun_and_pauses(page, server):
    start_scenario(page, server["url"])
    widget(page, "w_notes_requirements").locator("textarea").fill("typing while the clock runs")
    # the library's Start has started the clock; it ticks in the browser
    step_left = widget(page, "w_clock").locator("[data-field='stepLeft']")
    expect(step_left).to_have_text(re.compile(r"^\d+:\d\d$"))
    first = step_left.inner_text()
    time.sleep(2.5)
    second = step_left.inner_text()
    assert first != second  # the clock ticked on its own
    # the ticks redraw only the clock: what was typed is still there
    expect(widget(page, "w_notes_requirements").locator("textarea")).to_have_value(
        "typing while the clock runs"
    )
    widget(page, "w_clock_pause").locator("button").click()
    expect(widget(page, "w_clock").get_by_text("paused", exact=True)).to_be_visible()
    paused = step_left.inner_text()
    time.sleep(2.2)
    assert step_left.inner_text() == paused


def test_show_on_the_board_in_the_findings_selects_the_nodes_at_fault(page, server):
    start_scenario(page, server["url"])
    apply_quick_text(page, "client: client_app\nclient -> ranker\nfeature_store -> ranker")
    expect(node(page, "feature_store")).to_be_visible()
    findings = widget(page, "w_findings")
    # on the Requirements step the freshness check waits until Data (issue 24): go there
    page.locator("[class*='st-key-w_step_nav_'] button").get_by_text("Data", exact=True).click()
    wait_idle(page)
    fault = findings.locator(".wbf-item[data-rule='freshness.streaming']")
    expect(fault).to_contain_text("Nodes at fault: feature_store")
    fault.scroll_into_view_if_needed()
    expect(board(page)).not_to_be_in_viewport(ratio=0.9)  # the list sits under the board
    fault.get_by_role("button", name="Show on the board").click()
    expect(board(page).locator(".react-flow__node.selected")).to_have_count(1)
    expect(board(page)).to_be_in_viewport(ratio=0.9)  # brought back into view
    expect(node(page, "feature_store")).to_have_class(re.compile("selected"))
    # a group the user closed stays closed through the next change on the board
    group = findings.locator("details[data-group='data']")
    group.locator("summary").click()
    expect(group).not_to_have_attribute("open", "")
    drop(page, "model_server", 420, 300)
    expect(node(page, "model_server")).to_be_visible()
    expect_board_saved(page)
    expect(group).not_to_have_attribute("open", "")


def sends(page: Page) -> tuple[int, int]:
    """How the board's changes went: (answered by the direct route, sent through a page run)."""
    counts = board(page).evaluate("el => [el.dataset.directSends, el.dataset.pageSends]")
    return tuple(int(c or 0) for c in counts)


def test_the_board_saves_and_checks_each_change_without_a_page_run(page, server):
    """With the text views closed, each drop and connect goes to the direct route: saved,
    and the marks on the board and the findings list below it answered, with no script run;
    once the user pauses, the page picks the saves up. A refused route costs nothing: the
    change goes through the page run instead."""
    sent_to_server = []  # what the page sent over Streamlit's WebSocket (each asks a run)
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent_to_server.append(frame)))
    start_scenario(page, server["url"])
    findings = widget(page, "w_findings")
    expect(findings.locator(".wbf-score")).to_contain_text("Rubric")
    wait_idle(page)
    page.wait_for_timeout(300)  # the board's first report (the catalog it holds) and its run
    wait_idle(page)
    before = len(sent_to_server)
    assert before, "the page's own runs were seen"
    drop(page, "client_app", 120, 120)
    drop(page, "ranker", 420, 120)
    expect(node(page, "ranker")).to_be_visible()
    connect(page, "client_app", "ranker")
    expect_board_saved(page)
    assert sends(page) == (3, 0)
    latency = findings.locator(".wbf-item[data-rule='latency.budget']")
    expect(latency).to_contain_text("ranker")
    expect(node(page, "ranker").locator(".wb-node")).to_have_attribute("data-status", "fail")
    assert len(sent_to_server) == before, "no message to the Streamlit server: no run"
    # the pause: one run picks the saves up
    answered = board(page).get_attribute("data-revision")
    expect(board(page)).to_have_attribute("data-drawn-revision", answered, timeout=5000)
    assert len(sent_to_server) == before + 1
    page.reload()
    expect(node(page, "ranker")).to_be_visible()
    expect(board(page).locator(".react-flow__edge")).to_have_count(1)

    # the route refused (another server process, a full disk): through the page instead
    page.route(
        "**/api/board",
        lambda route: route.fulfill(status=503, body='{"error": "disk full"}'),
    )
    drop(page, "feature_store", 420, 320)
    expect(node(page, "feature_store")).to_be_visible()
    expect_board_saved(page)
    assert sends(page) == (0, 1)
    page.unroute("**/api/board")
    page.reload()
    expect(node(page, "feature_store")).to_be_visible()
    expect(board(page).locator(".react-flow__node")).to_have_count(3)


def test_a_page_run_drawn_before_a_direct_save_does_not_undo_it(page, server):
    """The pause's run picks up the board's saves, but its answer can reach the browser
    after the user's next change was saved directly: drawn from an older revision, it must
    not take that change off the board. The run's answer is held back here until then."""
    held, hold = [], [False]

    def relay(ws):
        server_side = ws.connect_to_server()
        ws.on_message(lambda message: server_side.send(message))
        server_side.on_message(
            lambda message: held.append(message) if hold[0] else ws.send(message)
        )
        relay.page_side = ws

    page.route_web_socket(re.compile(r"/_stcore/stream"), relay)
    start_scenario(page, server["url"])
    drop(page, "client_app", 120, 120)
    expect(node(page, "client_app")).to_be_visible()
    expect_board_saved(page)
    hold[0] = True  # the pause's run (1.2 s on) answers into the queue
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert held, "the pause asked for a run"
    page.wait_for_timeout(300)  # the run's whole answer
    drop(page, "ranker", 420, 120)  # saved directly while that answer is on its way
    expect(node(page, "ranker")).to_be_visible()
    expect_board_saved(page)
    hold[0] = False
    for message in held:
        relay.page_side.send(message)
    page.wait_for_timeout(300)
    # the user's next change, made on what the board shows then
    drop(page, "feature_store", 420, 320)
    expect(node(page, "feature_store")).to_be_visible()
    expect_board_saved(page)
    page.reload()
    expect(node(page, "ranker")).to_be_visible()
    expect(board(page).locator(".react-flow__node")).to_have_count(3)


def test_a_refresh_keeps_notes_and_design(page, server):
    start_scenario(page, server["url"])
    area = widget(page, "w_notes_requirements").locator("textarea")
    area.fill("peak 40k qps and p99 under 200 ms")
    area.press("Control+Enter")
    apply_quick_text(page, "client: client_app\nclient -> ranker")
    expect(node(page, "ranker")).to_contain_text("Ranker")
    page.reload()
    expect(widget(page, "w_notes_requirements").locator("textarea")).to_have_value(
        "peak 40k qps and p99 under 200 ms"
    )
    expect(node(page, "ranker")).to_contain_text("Ranker")


def test_the_exported_png_downloads(page, server, tmp_path):
    start_scenario(page, server["url"])
    apply_quick_text(
        page,
        "client: client_app\nclient -> gateway(api_gateway) -> "
        "retrieval(candidate_generation) -> ranker\nfeature_store -> ranker",
    )
    expect(node(page, "feature_store")).to_contain_text("Feature store")
    widget(page, "w_finish").locator("button").click()
    expect(widget(page, "w_export_png")).to_be_visible()
    with page.expect_download() as info:
        widget(page, "w_export_png").locator("button").click()
    target = tmp_path / "design.png"
    info.value.save_as(target)
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    (server["data"] / "exported.png").write_bytes(data)


def test_two_browsers_share_one_mock_interview(browser, server):
    """The SQLite default, one server: the interviewer hosts, the candidate joins by link."""
    from bench.live_rooms import (
        click,
        commit_notes,
        host,
        join,
        send_question,
        wait_for_text,
        wait_idle,
    )

    candidate = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    interviewer = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    link = host(interviewer, server["url"])
    join(candidate, link)
    assert "Interviewer's guide" not in candidate.locator("body").text_content()
    commit_notes(candidate, "requirements", "Peak 40k QPS; p99 budget 200 ms")
    wait_for_text(interviewer, "Peak 40k QPS; p99 budget 200 ms")
    send_question(interviewer, "How many candidates reach the ranker?")
    wait_for_text(candidate, "How many candidates reach the ranker?")
    # the question shows before the page's run that follows it (issue 23); a person reads
    # it before drawing on, a test would drop into that run
    wait_idle(candidate)

    # the interviewer's read-only board follows the candidate's
    for type_id, x in (("client_app", 120), ("ranker", 480)):
        drop(candidate, type_id, x, 160)
        wait_idle(candidate)
        if not node(candidate, type_id).count():
            # Known and left open (closing note): a drop that lands while the page runs
            # from the top can vanish from the candidate's board; they drop it again.
            drop(candidate, type_id, x, 160)
        expect(node(candidate, type_id)).to_have_count(1)
    connect(candidate, "client_app", "ranker")
    watched = board(interviewer, "w_mock_board")
    expect(watched).to_have_attribute("data-edges", "1", timeout=60_000)
    expect(node(interviewer, "ranker", "w_mock_board").locator(".wb-node")).to_have_attribute(
        "data-status", "fail"
    )
    expect(watched.get_by_test_id("wb-palette")).to_have_count(0)
    before = position(interviewer, "ranker", "w_mock_board")
    drag_node(candidate, "ranker", 0, 150)
    expect(node(interviewer, "ranker", "w_mock_board")).not_to_have_css(
        "transform", f"translate({before[0]}px, {before[1]}px)", timeout=60_000
    )

    # the interviewer's page redraws what the candidate just did: a click landing during
    # that run can be lost (a user would click again), so wait for it to end
    wait_idle(interviewer)
    widget(interviewer, "w_fb_summary").locator("textarea").fill("Clear on numbers.")
    interviewer.get_by_role("button", name="Save feedback").click()
    expect(interviewer.get_by_text(re.compile(r"^Saved at"))).to_be_visible()
    wait_idle(interviewer)
    click(interviewer, "w_iv_end")
    wait_for_text(candidate, "Clear on numbers.")
    expect(candidate.get_by_text("Overall score")).to_be_visible()
    candidate.context.close()
    interviewer.context.close()


WATCH_LIVE = """board => {
    // how the other side's change was first drawn: from the room watcher's announcement
    // (the board's data-live-v, a live text's data-source) or by a run of the page
    window.__log = [];
    window.__want = null;
    const host = document.querySelector(`.st-key-${board} [data-testid="stBidiComponentIsolated"]`);
    new MutationObserver((records) => {
        for (const r of records) window.__log.push(
            ['board', Number(r.target.dataset.components), r.target.dataset.liveV ? 'live' : 'page']);
    }).observe(host.shadowRoot, {attributes: true, attributeFilter: ['data-components'], subtree: true});
    new MutationObserver(() => {
        const want = window.__want;
        if (!want) return;
        const box = [...document.querySelectorAll('.wbl')].find(el => el.textContent.includes(want));
        if (box) {
            window.__log.push(['text', want, box.dataset.source]);
            window.__want = null;
        } else if (document.body.textContent.includes(want)) {
            window.__log.push(['text', want, 'page']);
            window.__want = null;
        }
    }).observe(document.body, {childList: true, characterData: true, subtree: true});
}"""


def first_drawn(page: Page, kind: str, what) -> str:
    """How ``what`` was first drawn on ``page``: "live" (from the watcher's announcement,
    before any run of the page) or "page"."""
    find = "([k, w]) => window.__log.find(x => x[0] === k && x[1] === w) || null"
    try:
        page.wait_for_function(find, arg=[kind, what], timeout=30_000)
    except PlaywrightTimeoutError:
        raise AssertionError(f"never drawn: {page.evaluate('() => window.__log')}") from None
    return page.evaluate(find, [kind, what])[2]


def test_each_screen_draws_the_other_sides_change_before_its_page_runs(browser, server):
    """Issue 23 item 5: the interviewer's board and notes, and the candidate's latest
    message, are drawn as the room's watcher brings them, not by the page's run that
    follows (which draws the rest: the guide's coverage, the findings)."""
    from bench.live_rooms import commit_notes, host, join, send_question, wait_idle

    candidate = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    interviewer = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    join(candidate, host(interviewer, server["url"]))
    wait_idle(interviewer)
    expect(board(candidate)).to_be_visible()
    expect(board(interviewer, "w_mock_board")).to_be_attached()  # drawn while still empty
    interviewer.evaluate(WATCH_LIVE, "w_mock_board")
    candidate.evaluate(WATCH_LIVE, "w_canvas")

    drop(candidate, "ranker", 200, 160)
    assert first_drawn(interviewer, "board", 1) == "live"
    expect(node(interviewer, "ranker", "w_mock_board")).to_have_count(1)

    words = "Live words: 40k QPS at peak"
    interviewer.evaluate("w => { window.__want = w; }", words)
    commit_notes(candidate, "requirements", words)
    assert first_drawn(interviewer, "text", words) == "live"

    question = "Which cache sits in front of the feature store?"
    candidate.evaluate("w => { window.__want = w; }", question)
    send_question(interviewer, question)
    assert first_drawn(candidate, "text", question) == "live"
    expect(candidate.get_by_test_id("wb-live-message")).to_contain_text(question)
    candidate.context.close()
    interviewer.context.close()


def test_the_browser_clock_shows_the_overrun_and_the_later_shares_python_computes(page, server):
    """The clock ticks in the browser from where the page said it stood: what it shows a
    few seconds later is what design_framework.session.clock_view says for that moment."""
    from design_framework.session import Session, clock_view, step_budgets
    from design_framework.steps import load_framework
    from storage import open_store

    session = Session(scenario_id=SCENARIO, length_minutes=45)
    overrun_s = 130
    session.start(time.time() - step_budgets(45)["requirements"] * 60 - overrun_s)
    open_store(server["data"]).save_session(session)
    page.goto(f"{server['url']}/practice?s={session.id}")
    clock = widget(page, "w_clock")
    over = clock.locator("[data-field='over']")
    expect(over).to_have_text(re.compile(r"is \d+:\d\d over its budget\.$"))
    time.sleep(2)  # the browser counts on by itself
    shown_at = time.time()
    over_text = over.inner_text()
    squeeze_text = clock.locator("[data-field='squeeze']").inner_text()
    view = clock_view(session, shown_at)

    def seconds(mmss: str) -> int:
        minutes, secs = mmss.split(":")
        return int(minutes) * 60 + int(secs)

    title = load_framework().get("requirements").title
    over_s = seconds(re.match(rf"{re.escape(title)} is (\d+:\d\d) over", over_text).group(1))
    assert abs(over_s - -view.step_left_s) <= 2, (over_text, view.step_left_s)
    behind = re.match(
        r"You are (\d+:\d\d) behind plan; what is left for the later steps: (.*)\.$", squeeze_text
    )
    assert behind, squeeze_text
    assert abs(seconds(behind.group(1)) - view.overrun_s) <= 2
    titles = {s.id: s.title for s in load_framework().steps}
    shares = dict(part.rsplit(" ", 1) for part in behind.group(2).split(", "))
    assert list(shares) == [titles[s] for s in view.later_budgets_s]
    for step_id, budget_s in view.later_budgets_s.items():
        assert abs(seconds(shares[titles[step_id]]) - budget_s) <= 2, (step_id, shares)


STAR = """\
client: client_app
gateway: api_gateway
ab: ab_testing
service: recommendation_service
retrieval: candidate_generation out_k=1000
rank: ranker out_k=100
client -> gateway -> service
service -> ab
ab -> service
service -> retrieval
retrieval -> service
service -> rank
rank -> service
ann_index -> retrieval
feature_store -> rank
"""


def test_a_star_with_answer_arrows_is_read_as_a_chain_and_an_arrow_keeps_its_kind(page, server):
    start_scenario(page, server["url"])
    apply_quick_text(page, STAR)
    rank = node(page, "rank").locator(".wb-node")
    # read in stage order: the ranker scores what retrieval returns, not the catalog
    expect(rank).to_contain_text("1k → 100 items")
    expect(rank).not_to_have_attribute("data-status", "fail")
    findings = widget(page, "w_findings")
    expect(findings).to_contain_text("read as a call from service and its answer")

    # the edge editor states what an arrow means, and a later change on the board keeps it
    edge = board(page).locator(".react-flow__edge[data-id='gateway->service']")
    edge.dispatch_event("click")  # its path may sit under the page's fold
    editor = board(page).get_by_test_id("wb-edge-editor")
    expect(editor).to_contain_text("gateway → service")
    editor.locator("select[name='edge-kind']").select_option("call")
    editor.get_by_role("button", name="Save").click()
    expect_board_saved(page)
    drag_node(page, "client", 0, 60)
    expect_board_saved(page)
    expect_saved(page, r"\{from: gateway, to: service, kind: call\}")
    page.screenshot(path=str(server["data"] / "star.png"), full_page=True)


def test_what_is_typed_in_an_editor_is_kept_on_click_away_and_escape(page, server):
    # issue 20: a value typed in the box editor and not confirmed with Enter disappeared
    # when the user clicked the board or another box, and Escape did not close the editor
    start_scenario(page, server["url"])
    apply_quick_text(page, "client: client_app\nclient -> gateway(api_gateway) -> ranker")
    expect(node(page, "ranker")).to_be_visible()
    click_node(page, "ranker")
    editor = board(page).get_by_test_id("wb-editor")
    editor.locator("input[name='out_k']").fill("60")  # no Enter
    board(page).locator(".react-flow__pane").click(position={"x": 40, "y": 400})
    expect(editor).to_have_count(0)
    expect(node(page, "ranker").locator(".wb-node")).to_contain_text("→ 60 items")

    click_node(page, "gateway")
    editor.locator("input[name='label']").fill("Edge API")
    editor.locator("input[name='label']").press("Escape")  # closes, keeping the label
    expect(editor).to_have_count(0)
    expect(node(page, "gateway")).to_contain_text("Edge API")

    click_node(page, "ranker")
    editor.locator("input[name='label']").fill("Deep ranker")
    click_node(page, "client")  # another box: the first one's edit is applied first
    expect(node(page, "ranker")).to_contain_text("Deep ranker")
    expect_board_saved(page)
    expect_saved(page, r"label: Deep ranker.*params: \{out_k: 60\}")


@pytest.mark.parametrize("pause_s", [1.0, 0.0])
def test_a_sticky_note_typed_and_reloaded_before_a_blur_is_kept(page, server, pause_s):
    # issue 20: a sticky note's text was sent only on blur, so a reload lost it
    start_scenario(page, server["url"])
    board(page).locator("[data-action='note']").click()
    note = board(page).locator(".wb-note-input").first
    note.click()
    note.press_sequentially("ask about cold start", delay=5)
    time.sleep(pause_s)  # a pause in typing, or none: the page hides and flushes it
    page.reload()
    expect(board(page).locator(".wb-note-input").first).to_have_value("ask about cold start")


def test_text_typed_in_edit_as_text_survives_closing_the_view(page, server):
    # issue 20: closing "Edit as text" dropped the text typed there and not yet applied
    start_scenario(page, server["url"])
    text_tab(page, "Quick text")
    area = widget(page, "w_quick_text").locator("textarea")
    area.fill("client: client_app\nclient -> gateway(api_gateway) -> ranker")
    area.blur()
    wait_idle(page)
    views = page.locator(".st-key-w_text_views")
    views.locator("summary").click()  # close the view without applying
    expect(area).to_have_count(0)
    wait_idle(page)
    views.locator("summary").click()  # open it again: the text is still there, said unapplied
    wait_idle(page)
    text_tab(page, "Quick text")
    expect(area).to_have_value(re.compile("client -> gateway"))
    expect(page.get_by_text("This text is not applied")).to_be_visible()
    widget(page, "w_quick_discard").locator("button").click()
    expect(area).not_to_have_value(re.compile("client -> gateway"))
    expect(page.get_by_text("This text is not applied")).to_have_count(0)


def test_a_rehearsal_holds_every_verdict_until_the_end(page, server):
    # issue 24: the clock, the board and the notes only; rubric, checklist ticks,
    # follow-ups, hints and the board's marks wait until Finish
    page.goto(server["url"])
    page.locator(".st-key-lib_practice_as").get_by_text("Rehearsal").click()
    wait_idle(page)
    widget(page, "lib_start_realtime-playlist-recs").locator("button").click()
    expect(widget(page, "w_notes_requirements")).to_be_visible()
    expect(page.get_by_text("Rehearsal", exact=False).first).to_be_visible()
    drop(page, "client_app", 90, 160)
    drop(page, "ranker", 300, 160)
    connect(page, "client_app", "ranker")
    expect_board_saved(page)
    ranker = node(page, "ranker").locator(".wb-node")
    expect(ranker).not_to_have_attribute("data-status", "fail")
    expect(ranker).not_to_contain_text("items")  # no funnel figures either
    assert widget(page, "w_findings").count() == 0
    expect(page.get_by_text("Checklist", exact=True)).to_have_count(0)
    expect(page.get_by_text("The interviewer asks", exact=True)).to_have_count(0)
    assert widget(page, "w_hint").count() == 0
    widget(page, "w_finish").locator("button").click()
    expect(page.get_by_text("Likely recommendation")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("latency.budget").first).to_be_visible()  # all of it, now


def test_a_rehearsal_whose_time_runs_out_is_finished_and_shows_the_report(page, server):
    # issue 24: in a rehearsal the end of the interview's time ends the attempt
    from design_framework.session import Session
    from storage import open_store

    session = Session(scenario_id="skip-prediction", length_minutes=30, rehearsal=True)
    session.start(now=time.time() - 30 * 60 - 5)  # started 30 minutes and 5 seconds ago
    open_store(server["data"]).save_session(session)
    page.goto(f"{server['url']}/practice?s={session.id}")
    expect(page.get_by_text("Likely recommendation")).to_be_visible(timeout=20_000)
    stored = open_store(server["data"]).load_session(session.id)
    assert stored.finished_at is not None


def test_a_coached_empty_board_shows_no_failure(page, server):
    # issue 24: the board opened under "Rubric score 12/100 - 7 failing" in red
    start_scenario(page, server["url"])
    findings = widget(page, "w_findings")
    expect(findings).to_contain_text("nothing drawn to check yet")
    expect(findings).to_contain_text("waiting")
    expect(findings.locator("[data-status='fail']")).to_have_count(0)
    expect(findings).to_contain_text("Not drawn yet")


@pytest.mark.parametrize("coached", [False, True])
def test_the_interviewer_chooses_what_the_candidate_sees(browser, server, coached):
    # issue 24: rehearsal by default, as in a real interview; coached if the host says so
    from bench.live_rooms import commit_notes, join, open_page, wait_for_text

    interviewer = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    candidate = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    open_page(interviewer, f"{server['url']}/mock")
    expect(widget(interviewer, "w_mock_host")).to_be_visible(timeout=90_000)
    if coached:
        interviewer.locator(".st-key-w_host_practice_as").get_by_text("Coached").click()
        wait_idle(interviewer)
    widget(interviewer, "w_mock_host").locator("button").click()
    link_box = widget(interviewer, "w_iv_candidate_link").locator("code").first
    expect(link_box).to_be_visible(timeout=90_000)
    join(candidate, link_box.inner_text().strip())
    commit_notes(candidate, "requirements", "Flag within 5 minutes of the play")
    wait_for_text(interviewer, "Flag within 5 minutes of the play")  # both pages settled
    wait_idle(candidate)
    drop(candidate, "client_app", 120, 160)
    expect(node(candidate, "client_app")).to_be_visible()
    drop(candidate, "ranker", 480, 160)
    connect(candidate, "client_app", "ranker")
    expect_board_saved(candidate)
    ranker = node(candidate, "ranker").locator(".wb-node")
    if coached:
        expect(widget(candidate, "w_findings")).to_be_visible()
        expect(ranker).to_have_attribute("data-status", "fail")
    else:
        expect(candidate.get_by_text("Rehearsal").first).to_be_visible()
        assert widget(candidate, "w_findings").count() == 0
        expect(ranker).not_to_have_attribute("data-status", "fail")
    # the interviewer sees every verdict either way
    expect(interviewer.get_by_text("Rubric score").first).to_be_visible(timeout=30_000)
    interviewer.context.close()
    candidate.context.close()


def start_on_the_last_card(page: Page, url: str):
    """Start on the library's last card, far below the fold (the whole library drawn
    first); returns the page's scrolling main container, once the whiteboard is open."""
    page.goto(url)
    cards = page.locator("[class*='st-key-lib_start_']:not(.st-key-lib_start_free)")
    expect(cards).to_have_count(len(shipped_scenarios()))  # the whole library is drawn
    cards.last.scroll_into_view_if_needed()
    main = page.locator("[data-testid='stMain']")
    assert main.evaluate("m => m.scrollTop") > 500  # the card is below the fold
    cards.last.locator("button").click()
    expect(widget(page, "w_notes_requirements")).to_be_visible()
    return main


def test_start_on_a_card_below_the_fold_opens_the_whiteboard_at_its_top(page, server):
    """Issue 21: Start on the library's last card opened the whiteboard scrolled 3,000 px
    down, past the clock and the board."""
    main = start_on_the_last_card(page, server["url"])
    expect(page.locator(".st-key-w_canvas .react-flow")).to_be_visible()
    page.wait_for_timeout(500)
    assert main.evaluate("m => m.scrollTop") == 0
    assert page.locator(".st-key-w_clock").first.bounding_box()["y"] < 1000  # in view
