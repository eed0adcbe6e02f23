"""A real `streamlit run` on a free port and headless Chromium (Debian's, installed by
`make test`) driven by Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from scripts.replicas import free_port  # noqa: F401 (tests import it from here)

# A rerun plus a Graphviz layout in the browser can take seconds on a busy two-core
# machine; Playwright's 5 s default for expect() turned that into failures.
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def text_tab(page, name: str) -> None:
    """Open the board's text views (a closed expander until asked for) and their tab
    ``name`` ("Quick text" or "YAML"), as a user's clicks would."""
    import re

    views = page.locator(".st-key-w_text_views")
    if not views.locator("details[open]").count():
        views.locator("summary").click()
    tab = page.get_by_role("tab", name=re.compile(name))
    expect(tab).to_be_visible()
    tab.click()
    kind = "quick" if name.startswith("Quick") else "yaml"
    expect(page.locator(f".st-key-w_{kind}_text textarea")).to_be_visible()
    # each click reruns the board's fragment; typing into a view that run is still drawing
    # can be lost (a user types slower than that)
    from bench.live_rooms import wait_idle

    wait_idle(page)


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("no Chromium found: `make test` installs Debian's chromium package")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Mark a test whose body failed, so fixtures can keep what the browser showed."""
    report = yield
    if report.when == "call" and report.failed:
        item.failed_call = True
    return report


def start_server(data: Path, port: int | None = None, args=(), env=None):
    """`streamlit run app.py` on 127.0.0.1; returns (process, url) once it answers."""
    from scripts import replicas

    replica = replicas.start(port, {"WHITEBOARD_DATA_DIR": str(data), **(env or {})}, args=args)
    return replica.process, replica.url


def stop_server(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-data")
    process, url = start_server(data)
    yield {"url": url, "data": data}
    stop_server(process)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def shared(postgres_server, tmp_path_factory):
    """Two app replicas on one PostgreSQL database, and nginx in front of them with
    deploy/nginx.conf's settings (sticky by cookie, failing over to the live replica), as a
    shared deployment runs. Yields the replicas, nginx, and ``replica_of(page)``: the
    replica nginx sends that browser to, as its cookie names it."""
    from scripts import nginx, replicas

    url = postgres_server.create_database(f"shared_{os.getpid()}_{int(time.time())}")
    logs = tmp_path_factory.mktemp("replica-logs")
    started = []
    proxy = None

    def replica_of(page):
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        assert nginx.COOKIE in cookies, f"nginx set no {nginx.COOKIE} cookie: {cookies}"
        return started[nginx.replica_index(cookies[nginx.COOKIE])]

    try:
        for n in range(2):
            log = open(logs / f"replica-{n}.log", "wb")  # noqa: SIM115 - the process's output
            started.append(replicas.start(env={"WHITEBOARD_DATABASE_URL": url}, log=log))
        proxy = nginx.start([r.port for r in started], free_port())
        yield {"replicas": started, "nginx": proxy, "replica_of": replica_of, "logs": logs}
    finally:
        if proxy:
            (logs / "nginx-error.log").write_text(proxy.log())
            proxy.stop()
        for replica in started:
            replica.stop()
