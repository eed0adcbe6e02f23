"""Safety in a real browser: login against a real OIDC provider, owners kept apart,
nothing fetched from outside the machine, and a server killed mid-edit."""

from __future__ import annotations

import os
import re
import signal
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import free_port, start_server, stop_server, text_tab
from tests.hostile import SCENARIO_WITH_IMAGE
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

pytestmark = pytest.mark.browser


def widget(page: Page, key: str):
    return page.locator(f".st-key-{key}")


@pytest.fixture
def login_server(tmp_path):
    """The app with Streamlit's login configured against a provider this test runs."""
    provider = Provider().start()
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{os.urandom(16).hex()}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n'
    )
    process, url = start_server(
        tmp_path / "data",
        port,
        args=["--secrets.files", str(secrets)],
        env={"AUTHLIB_INSECURE_TRANSPORT": "1"},  # the provider is plain http on 127.0.0.1
    )
    yield url
    stop_server(process)
    provider.stop()


def sign_in(page: Page, url: str, user: str) -> None:
    page.goto(url)
    widget(page, "w_login").locator("button").click()
    page.get_by_role("button", name=f"Sign in as {user}").click()
    expect(page.get_by_text(f"Signed in as {user}@example.test")).to_be_visible()


def test_signed_in_users_see_only_their_own_sessions(browser, login_server):
    alice = browser.new_context().new_page()
    alice.goto(login_server)
    expect(alice.get_by_text("Sign in to see yours")).to_be_visible()  # no way around it
    assert not alice.locator(".st-key-lib_start_skip-prediction").count()
    sign_in(alice, login_server, "alice")
    widget(alice, "lib_start_skip-prediction").locator("button").click()
    notes = widget(alice, "w_notes_requirements").locator("textarea")
    notes.fill("alice's private notes")
    notes.blur()
    expect(alice.get_by_text("Notes cover")).to_be_visible()
    time.sleep(1)
    alice_session_url = alice.url
    assert "s=" in alice_session_url

    bob = browser.new_context().new_page()
    sign_in(bob, login_server, "bob")
    expect(widget(bob, "lib_start_skip-prediction")).to_be_visible()
    assert not bob.get_by_text("Recent sessions").count()  # alice's session is not listed
    bob.goto(alice_session_url.replace(urlparse(alice_session_url).path, "/practice"))
    expect(bob.get_by_text("belongs to someone else")).to_be_visible()
    assert not bob.get_by_text("alice's private notes").count()

    alice.goto(login_server)  # alice, on a new page load, still sees hers
    expect(alice.get_by_text("Recent sessions")).to_be_visible()
    alice.context.close()
    bob.context.close()


def test_no_page_fetches_anything_from_outside_the_machine(page, server):
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("data:", "blob:"))
            and urlparse(r.url).hostname not in ("127.0.0.1", "localhost")
            or ":9/" in r.url
            else None
        ),
    )
    page.goto(server["url"])
    expect(page.get_by_text("ML system-design whiteboard").first).to_be_visible()
    page.goto(server["url"] + "/author")
    area = widget(page, "w_author_text").locator("textarea")
    area.fill(SCENARIO_WITH_IMAGE)
    area.blur()
    expect(page.get_by_text("Valid:")).to_be_visible()
    expect(page.get_by_text("1MB per file").first).to_be_visible()  # the server's cap, shown
    widget(page, "w_author_practise").locator("button").click()
    expect(widget(page, "w_notes_requirements")).to_be_visible()
    page.get_by_text("Prompt and requirements").click()
    expect(page.get_by_text("Just before a track").first).to_be_visible()
    page.get_by_role("button", name=re.compile("Reveal a hint")).click()
    expect(page.get_by_text("The most useful signal").first).to_be_visible()
    text_tab(page, "Quick text")
    quick = widget(page, "w_quick_text").locator("textarea")
    quick.fill("r: ![b](http://127.0.0.1:9/q.png)\n")
    widget(page, "w_quick_apply").locator("button").click()
    expect(page.get_by_text("unknown component type").first).to_be_visible()
    time.sleep(1)
    assert page.locator("img[src*=':9/']").count() == 0
    assert outside == []
    icon = page.locator("link[rel*='icon']").first.get_attribute("href")
    assert icon and not icon.startswith("http") or "127.0.0.1" in icon


def test_a_server_killed_mid_edit_loses_nothing_saved(browser, tmp_path):
    data = tmp_path / "data"
    port = free_port()
    process, url = start_server(data, port)
    page = browser.new_context().new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    widget(page, "lib_start_skip-prediction").locator("button").click()
    notes = widget(page, "w_notes_requirements").locator("textarea")
    notes.fill("saved before the crash: 200k QPS, 50 ms")
    notes.blur()
    expect(page.get_by_text("Notes cover")).to_be_visible()
    time.sleep(1)
    session_url = page.url
    notes.fill("saved before the crash: 200k QPS, 50 ms, and typing when it")  # mid-edit
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process, url = start_server(data, port)  # the same data folder and port
    try:
        page.goto(session_url)
        area = widget(page, "w_notes_requirements").locator("textarea")
        expect(area).to_have_value(re.compile("^saved before the crash: 200k QPS, 50 ms"))
        assert not page.get_by_text("Traceback").count()
    finally:
        page.context.close()
        stop_server(process)
