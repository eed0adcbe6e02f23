"""Faults a real deployment meets: two tabs on one session, a full disk, a corrupt or
read-only database, a server killed mid-edit. Each ends with nothing stored lost and a
clear message on screen.

The full and read-only disks are real: a small tmpfs mounted for the test (the test run
is root, as `make test` is on CI and on the developers' machines).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from design_framework.session import Session
from storage import StorageError, open_store
from tests.notes_box import notes_data, text_view, type_notes

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs: fill it to get ENOSPC, remount it read-only to get EROFS."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Write zeros until the disk is full; return the filler (delete it to free space)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for _ in range(4096):
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def remount(disk: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True)


def long_notes(n: int) -> dict:
    return {"requirements": "peak 40k QPS, p99 under 200 ms. " * n}


# ---- storage ---------------------------------------------------------------------------------


def test_a_full_disk_fails_the_save_and_keeps_what_was_stored(small_disk):
    store = open_store(small_disk / "data")
    session = Session(notes={"requirements": "stored before the disk filled"})
    store.save_session(session)
    filler = fill(small_disk)
    bigger = session.model_copy(deep=True, update={"notes": long_notes(3000)})
    with pytest.raises(StorageError) as raised:
        store.save_session(bigger)
    assert "disk is full" in str(raised.value) and str(small_disk) in str(raised.value)
    assert store.load_session(session.id).notes == session.notes  # nothing overwritten
    filler.unlink()
    store.save_session(bigger)  # space freed: the same store saves again, no restart
    assert store.load_session(session.id).notes == bigger.notes


def test_a_read_only_database_serves_reads_and_names_the_path_on_write(small_disk):
    store = open_store(small_disk / "data")
    session = Session(notes={"data": "written before the disk went read-only"})
    store.save_session(session)
    store.close()
    remount(small_disk, "ro")
    reopened = open_store(small_disk / "data")
    assert reopened.load_session(session.id).notes == session.notes
    with pytest.raises(StorageError) as raised:
        reopened.save_session(session.model_copy(update={"notes": {"data": "new"}}))
    assert "read-only" in str(raised.value) and str(small_disk) in str(raised.value)
    remount(small_disk, "rw")
    assert open_store(small_disk / "data").load_session(session.id).notes == session.notes


WRITER = textwrap.dedent(
    """
    import sys
    from design_framework.session import Session
    from storage import open_store

    store = open_store(sys.argv[1])
    session = Session(id="killedmidedit01")
    revision = store.save_session(session)
    for n in range(100000):
        session.notes["requirements"] = f"edit {n} " + "x" * 2000
        revision = store.save_session(session, expected=revision)
        print(n, flush=True)
    """
)


def test_a_server_killed_mid_edit_keeps_every_acknowledged_save(tmp_path):
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged = -1
    deadline = time.time() + 60
    while acknowledged < 200 and time.time() < deadline:
        acknowledged = int(process.stdout.readline())
    os.kill(process.pid, signal.SIGKILL)  # in the middle of the next save
    process.wait(timeout=10)
    stored = open_store(data).load_session("killedmidedit01")
    edit = int(stored.notes["requirements"].split()[1])
    assert edit >= acknowledged


# ---- on screen -------------------------------------------------------------------------------


@pytest.fixture
def app_data(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    return tmp_path


def whiteboard(data_dir: Path, session_id: str | None = None) -> AppTest:
    os.environ["WHITEBOARD_DATA_DIR"] = str(data_dir)
    at = AppTest.from_file(APP, default_timeout=60)
    if session_id is None:
        at.run()
        at.button(key="lib_start_realtime-playlist-recs").click().run()
    else:
        at.switch_page("ui/practice.py")
        at.query_params["s"] = session_id
        at.run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    """Every message on the page as a reader sees it (escapes removed)."""
    text = "\n".join(
        e.value for kind in ("error", "warning", "info", "success") for e in getattr(at, kind)
    )
    return re.sub(r"\\(.)", r"\1", text)


def test_two_tabs_on_one_session_never_overwrite_each_other(app_data, monkeypatch):
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(app_data / "data"))
    tab_a = whiteboard(app_data / "data")
    session_id = tab_a.session_state["session"].id
    tab_b = whiteboard(app_data / "data", session_id)  # opened earlier, idle since
    type_notes(tab_a, "requirements", "A: 40k QPS at peak")
    text_view(tab_b)
    tab_b.text_area(key="w_quick_text").set_value("client: client_app\nclient -> ranker")
    tab_b.button(key="w_quick_apply").click().run()
    stored = open_store(app_data / "data").load_session(session_id)
    assert stored.notes["requirements"] == "A: 40k QPS at peak"  # B kept A's notes
    assert {c.id for c in stored.design.components} == {"client", "ranker"}
    assert notes_data(tab_b, "requirements")["text"] == "A: 40k QPS at peak"
    tab_a.button(key="w_clock_pause").click().run()  # A's clock action keeps B's design
    stored = open_store(app_data / "data").load_session(session_id)
    assert stored.started and {c.id for c in stored.design.components} == {"client", "ranker"}
    # both edit the same notes: this tab's text stays, the other's is kept as a copy
    type_notes(tab_a, "requirements", "A: 40k QPS, p99 200 ms")
    type_notes(tab_b, "requirements", "B: 10k QPS")
    assert not tab_b.exception
    assert "Two tabs changed notes on Clarify requirements" in page_text(tab_b)
    store = open_store(app_data / "data")
    (copy,) = store.load_session(session_id).copies
    assert store.load_session(session_id).notes["requirements"] == "B: 10k QPS"
    assert store.load_session(copy.id).notes["requirements"] == "A: 40k QPS, p99 200 ms"
    # the tab whose text went to the copy names it too, on its next run (its watcher's)
    tab_a.run()
    assert f"saved as session `{copy.id}`" in page_text(tab_a)


def test_a_full_disk_keeps_the_notes_on_screen_and_saves_them_later(small_disk, monkeypatch):
    data = small_disk / "data"
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(data))
    monkeypatch.chdir(ROOT)
    at = whiteboard(data)
    session_id = at.session_state["session"].id
    type_notes(at, "requirements", "stored first")
    filler = fill(small_disk)
    typed = "typed while the disk was full. " * 2000
    type_notes(at, "requirements", typed)
    assert not at.exception
    assert "Not saved" in page_text(at) and "disk is full" in page_text(at)
    assert any("Not saved" in t.value for t in at.toast)  # seen wherever the page is scrolled
    assert notes_data(at, "requirements")["text"] == typed
    assert open_store(data).load_session(session_id).notes["requirements"] == "stored first"
    at.switch_page("ui/report.py").run()  # wander off and back: the text stays
    assert not at.exception and "Not saved" in page_text(at)
    at.switch_page("ui/practice.py").run()
    assert notes_data(at, "requirements")["text"] == typed
    filler.unlink()
    at.run()  # the next page run retries
    assert "Not saved" not in page_text(at)
    assert open_store(data).load_session(session_id).notes["requirements"] == typed


def test_a_corrupt_database_names_its_path_and_the_app_still_serves(app_data, monkeypatch):
    data = app_data / "data"
    data.mkdir()
    (data / "whiteboard.sqlite3").write_bytes(b"garbage, not SQLite\n" * 100)
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert str(data / "whiteboard.sqlite3") in page_text(at) and "corrupt" in page_text(at)
    at.button(key="lib_start_skip-prediction").click().run()  # practising still works
    assert not at.exception
    type_notes(at, "requirements", "kept in memory")
    assert "Not saved" in page_text(at)
    assert notes_data(at, "requirements")["text"] == "kept in memory"
    at.switch_page("ui/history.py").run()
    assert not at.exception and "corrupt" in page_text(at)


def test_a_stored_session_that_no_longer_loads_does_not_break_the_library(app_data, monkeypatch):
    data = app_data / "data"
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(data))
    at = whiteboard(data)  # this browser's own session, listed in its library
    mine = at.session_state["session"].id
    store = open_store(data)
    bad = Session()
    store.save_session(bad, owner=store.session_owner(mine))
    body = json.loads(store._read("SELECT body FROM sessions WHERE id = ?", (bad.id,))[0][0])
    body["current_step"] = "an_old_step_id"  # as written by an older version
    store._write(
        lambda db: db.execute(
            "UPDATE sessions SET body = ? WHERE id = ?", (json.dumps(body), bad.id)
        )
    )
    at.switch_page("ui/library.py").run()
    assert not at.exception
    assert f"lib_resume_{mine}" in [b.key for b in at.button]  # the rest is served
    skipped = [e for e in at.expander if "skipped" in e.label]
    assert skipped and "1 stored session" in skipped[0].label
    assert bad.id in readable_captions(at) and "current_step" in readable_captions(at)
    fresh = AppTest.from_file(APP, default_timeout=60)  # opening it by its URL says why
    fresh.switch_page("ui/practice.py")
    fresh.query_params["s"] = bad.id
    fresh.run()
    assert not fresh.exception
    assert bad.id in page_text(fresh) and "current_step" in page_text(fresh)


def readable_captions(at: AppTest) -> str:
    return re.sub(r"\\(.)", r"\1", " ".join(c.value for c in at.caption))


def release_app_store() -> None:
    """Drop the app's cached store so its SQLite connection closes (as on a restart)."""
    import gc

    from storage import release_shared_stores

    release_shared_stores()
    gc.collect()


def test_a_read_only_database_keeps_typing_on_screen_and_says_why(small_disk, monkeypatch):
    data = small_disk / "data"
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(data))
    monkeypatch.chdir(ROOT)
    at = whiteboard(data)
    session_id = at.session_state["session"].id
    type_notes(at, "requirements", "stored before")
    release_app_store()  # a mount with a file open for writing cannot turn read-only
    remount(small_disk, "ro")
    type_notes(at, "requirements", "typed on a read-only disk")
    assert not at.exception
    assert "Not saved" in page_text(at) and "read-only" in page_text(at)
    assert str(data) in page_text(at)
    assert notes_data(at, "requirements")["text"] == "typed on a read-only disk"
    remount(small_disk, "rw")  # writable again: the next run saves, no restart needed
    at.run()
    assert "Not saved" not in page_text(at)
    stored = open_store(data).load_session(session_id)
    assert stored.notes["requirements"] == "typed on a read-only disk"


def test_a_resend_after_a_failed_save_is_not_called_saved_until_the_store_has_it(
    small_disk, monkeypatch
):
    # issue 20: the box's watchdog resends the same seq 2.5 s after a failed save; the
    # session in memory already held the text, so the resend looked unchanged and was
    # marked stored: the box said "Saved" about 4 s after a save that never happened
    data = small_disk / "data"
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(data))
    monkeypatch.chdir(ROOT)
    at = whiteboard(data)
    session_id = at.session_state["session"].id
    type_notes(at, "requirements", "stored first", seq=1)
    assert notes_data(at, "requirements")["saved"] == 1
    filler = fill(small_disk)
    typed = "typed while the disk was full. " * 2000
    type_notes(at, "requirements", typed, seq=2)
    type_notes(at, "requirements", typed, seq=2, attempt=1)  # the watchdog's resend
    box = notes_data(at, "requirements")
    assert box["saved"] == 1, "a send the store never took is shown as saved"
    assert "disk is full" in box["unsaved"]  # the box says so itself, for as long as it lasts
    assert open_store(data).load_session(session_id).notes["requirements"] == "stored first"
    filler.unlink()
    type_notes(at, "requirements", typed, seq=2, attempt=2)  # the next resend finds room
    box = notes_data(at, "requirements")
    assert box["saved"] == 2 and not box["unsaved"]
    assert open_store(data).load_session(session_id).notes["requirements"] == typed


def test_a_stale_tab_typing_after_a_merge_keeps_the_other_tabs_notes(app_data, monkeypatch):
    # issue 20: tab B merged A's notes into its session (through a board change), but B's
    # box still showed its old text; B typed, its send replaced the notes wholesale and A's
    # text was in no session at all. The box now says which text it typed on (its base):
    # typed on an older text, both additions are kept, and B's box is shown the result.
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(app_data / "data"))
    tab_a = whiteboard(app_data / "data")
    session_id = tab_a.session_state["session"].id
    tab_b = whiteboard(app_data / "data", session_id)
    type_notes(tab_a, "requirements", "A: 40k QPS at peak.", base="")
    text_view(tab_b)  # B changes the design: its save merges A's notes into B's session
    tab_b.text_area(key="w_quick_text").set_value("client: client_app\nclient -> ranker")
    tab_b.button(key="w_quick_apply").click().run()
    type_notes(tab_b, "requirements", "B: p99 200 ms.", base="")  # typed on the old, empty text
    stored = open_store(app_data / "data").load_session(session_id).notes["requirements"]
    assert "A: 40k QPS at peak." in stored and "B: p99 200 ms." in stored
    assert notes_data(tab_b, "requirements")["text"] == stored  # B's box shows what is stored


def test_both_tabs_editing_the_same_text_keep_the_other_as_a_named_copy(app_data, monkeypatch):
    monkeypatch.setenv("WHITEBOARD_DATA_DIR", str(app_data / "data"))
    tab_a = whiteboard(app_data / "data")
    session_id = tab_a.session_state["session"].id
    type_notes(tab_a, "requirements", "40k QPS", base="")
    tab_b = whiteboard(app_data / "data", session_id)
    type_notes(tab_a, "requirements", "40k QPS at peak, 300M users", base="40k QPS")
    type_notes(tab_b, "requirements", "10k QPS", base="40k QPS")  # edits, not appends
    store = open_store(app_data / "data")
    assert store.load_session(session_id).notes["requirements"] == "10k QPS"
    assert "Two tabs changed notes on Clarify requirements" in page_text(tab_b)
    (copy,) = store.load_session(session_id).copies
    assert store.load_session(copy.id).notes["requirements"] == "40k QPS at peak, 300M users"
    tab_a.run()  # the other tab names the same copy
    assert f"saved as session `{copy.id}`" in page_text(tab_a)
