"""Session state in one place: which session is open, how it is saved and restored.

The open session lives in ``st.session_state["session"]`` and is saved to the store after
every change. Its id is in the URL (``?s=<id>``), so a browser refresh or a server restart
restores it. Widget keys are stable, readable strings; tests and browser automation find
widgets by them.

Saving never loses work:

- Each tab remembers the revision it read (``session_revision``) and the session as it was
  then (``session_base``). A save that finds a newer revision (another tab saved) merges
  the two per part (notes per step, design, clock); where both changed the same part, this
  tab's edit stays and the other tab's version is kept as a copy, and the page says so.
- A save that fails (disk full, read-only or corrupt database) keeps the session in
  memory, says so at the top of every page, and is retried on the next page run.
- Everything a browser lists belongs to its owner: the signed-in user where the deployment
  configures Streamlit's login (``[auth]`` in secrets.toml), else a key kept in a cookie.
"""

from __future__ import annotations

import re
import secrets
import time

import streamlit as st

from components.design import Design
from components.markdown import escape
from design_framework.curveballs import note_recovery
from design_framework.rubric import Report
from design_framework.session import ConflictCopy, Session, merge_sessions
from design_framework.steps import load_framework
from scenarios.loader import scenario_from_string, shipped_scenarios
from storage import ConflictError, StorageError, Store, shared_store
from ui.board_route import (
    SESSION_WATCH_PATH,
    board_token,
    checked,
    effective_scenario,
    own_saves_since,
    wrote,
)
from ui.room_route import BOOT_ID

SESSION = "session"
SESSION_PARAM = "s"
CANVAS_REV = "w_canvas_rev"
ROOM_PARAM = "room"
REVISION = "session_revision"  # revision of the open session this tab last read or wrote
BASE = "session_base"  # the open session as of that revision (for three-way merges)
UNSAVED = "session_unsaved"  # why the last save failed; the session waits in memory
MERGED = "session_merged"  # a merge in a fragment's run: the whole page must show it
OWNER = "owner"
OWNER_COOKIE = "whiteboard_owner"
_OWNER_KEY = re.compile(r"^[0-9a-f]{32}$")


def store() -> Store:
    """The store for the configured data folder (WHITEBOARD_DATA_DIR, default ./data), or
    WHITEBOARD_DATABASE_URL's database: one per process (``storage.shared_store``)."""
    return shared_store()


@st.cache_resource
def pack() -> dict:
    return shipped_scenarios()


@st.cache_data(max_entries=32, show_spinner=False)
def authored_scenario(text: str, source: str = "authored scenario"):
    """A scenario from YAML text, parsed once per text (the author page reruns often)."""
    return scenario_from_string(text, source)


def scenario_of(session: Session | None):
    """The scenario a session practises: shipped, authored in the app, or none
    (``ui.board_route.scenario_for``, which the board's direct route reads too)."""
    if session is None:
        return None
    return effective_scenario(session)


# ---- owners ---------------------------------------------------------------------------------


def login_configured() -> bool:
    """Whether the deployment configured Streamlit's built-in login (``[auth]`` secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def owner() -> str:
    """Who the open browser works for: ``user:<subject>`` when signed in, else
    ``browser:<key>``, a random key the browser keeps in a cookie."""
    if login_configured() and st.user.is_logged_in:
        subject = st.user.get("sub") or st.user.get("email")
        return f"user:{st.user.get('iss', '')}|{subject}"
    key = st.session_state.get(OWNER)
    if key is None:
        cookie = st.context.cookies.get(OWNER_COOKIE) if st.context.cookies else None
        key = cookie if cookie and _OWNER_KEY.match(cookie) else secrets.token_hex(16)
        st.session_state[OWNER] = key
    return f"browser:{key}"


def _remember_owner() -> None:
    """Keep this browser's key in a cookie, so a refresh or a new tab is the same owner."""
    key = st.session_state.get(OWNER)
    if key is None or st.session_state.get("owner_cookie_set"):
        return
    if (st.context.cookies or {}).get(OWNER_COOKIE) != key:
        st.html(
            f"<script>document.cookie = '{OWNER_COOKIE}={key}; path=/; "
            "max-age=31536000; SameSite=Strict';</script>",
            unsafe_allow_javascript=True,
            width="content",
        )
    st.session_state["owner_cookie_set"] = True


def sign_in_gate() -> None:
    """Where login is configured, nobody works without signing in; show who is signed in."""
    if not login_configured():
        owner()
        _remember_owner()
        return
    if not st.user.is_logged_in:
        st.title("ML system-design whiteboard")
        st.info(
            "This server keeps each user's sessions, rooms and history apart. Sign in to see yours."
        )
        st.button("Sign in", key="w_login", type="primary", on_click=st.login)
        st.stop()
    with st.sidebar:
        who = st.user.get("email") or st.user.get("name") or "you"
        st.caption(f"Signed in as {escape(who)}")
        st.button("Sign out", key="w_logout", on_click=st.logout)


# ---- the open session ------------------------------------------------------------------------


def current_session() -> Session | None:
    """The open session, restored from the URL after a refresh or a restart."""
    session = st.session_state.get(SESSION)
    wanted = st.query_params.get(SESSION_PARAM)
    if session is not None and (wanted is None or wanted == session.id):
        if wanted is None:
            st.query_params[SESSION_PARAM] = session.id
        _retry_or_refresh(session)
        return session
    if wanted:
        try:
            restored = store().load_versioned(wanted)
            stored_owner = store().session_owner(wanted) if restored else None
        except StorageError as error:
            st.error(escape(f"{error} Your session {wanted[:40]} cannot be opened until then."))
            return None
        if restored is None:
            return None
        # Signed-in users own their sessions on every device; without login the id in
        # the URL is the key (unguessable, never listed to other browsers).
        mine = owner()
        if stored_owner not in (None, mine) and mine.startswith("user:"):
            st.error(
                f"Session {escape(wanted[:40])} belongs to someone else on this server, so it is not "
                "opened here. Ask its owner for the session file (Report page) instead."
            )
            return None
        _adopt(*restored)
        if stored_owner is None:
            _try(lambda: store().claim_session(wanted, owner()))
        return restored[0]
    return None


def _adopt(session: Session, revision: int | None) -> None:
    st.session_state[SESSION] = session
    st.session_state[REVISION] = revision
    st.session_state[BASE] = session.model_copy(deep=True)
    st.query_params[SESSION_PARAM] = session.id


def _try(action):
    try:
        return action()
    except StorageError as error:
        st.session_state[UNSAVED] = str(error)
        return None


def open_session(session: Session) -> None:
    """Make ``session`` the open one and drop widget values that belong to another."""
    _forget_open()
    _adopt(session, None)
    _write(session)


def resume_session(session: Session) -> None:
    """Open a stored session as the store holds it now (the library's Resume): the copy a
    list was drawn with may be older than what another tab has saved since, and writing
    it back would undo that."""
    try:
        stored = store().load_versioned(session.id)
    except StorageError:
        stored = None
    if stored is None:
        open_session(session)
        return
    _forget_open()
    _adopt(*stored)


def _forget_open() -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("w_")]:
        del st.session_state[key]
    st.session_state.pop(UNSAVED, None)
    st.session_state.pop(MERGED, None)


NOTICES = "w_notices"


def notify(message: str, icon: str | None = None) -> None:
    """A toast, shown by the next ``show_notices`` of a page or fragment body.

    Callbacks must not draw: one that runs in a fragment's rerun (a canvas change, a notes
    save, Apply quick text) writes its elements at the top of the page's tree, which
    Streamlit warns "is not officially supported". Queued here, the toast is drawn where
    drawing is safe: the body of the run that follows the callback.
    """
    queued = st.session_state.setdefault(NOTICES, [])
    if (message, icon) not in queued:  # a callback run twice says it once
        queued.append((message, icon))


PAGE_SHOWN = "page_shown"  # not "w_": opening a session forgets those
SCROLL_SCRIPT = (
    "<script>(function(){{/* page {n} */var go=function(){{var m=document.querySelector("
    "'[data-testid=\"stMain\"]');if(m)m.scrollTo(0,0);window.scrollTo(0,0);}};go();"
    "requestAnimationFrame(go);setTimeout(go,150);}})();</script>"
)


def top_on_page_switch(page) -> None:
    """A page another page switched to opens at its top: Streamlit keeps the main
    container's scroll across pages, so Start on a library card 3,000 px down opened the
    whiteboard scrolled to its bottom. The script runs again on the next frames, after the
    new page has replaced the old one's height."""
    shown = page.url_path if page is not None else None
    before = st.session_state.get(PAGE_SHOWN)
    st.session_state[PAGE_SHOWN] = shown
    if before is None or before == shown:
        return
    count = st.session_state.get("page_switches", 0) + 1
    st.session_state["page_switches"] = count  # a new text: Streamlit runs it again
    st.html(SCROLL_SCRIPT.format(n=count), unsafe_allow_javascript=True, width="content")


def show_notices() -> None:
    """Draw the toasts queued by callbacks (see ``notify``)."""
    for message, icon in st.session_state.pop(NOTICES, []):
        st.toast(message, icon=icon)


def save(session: Session) -> bool:
    """Autosave: called after every change the user makes. False if it could not be saved
    now (the page says why; the change stays in memory and is saved on a later run)."""
    st.session_state[SESSION] = session
    return _write(session)


def _write(session: Session, announce: bool = True) -> bool:
    for _ in range(3):  # each round merges what another tab saved meanwhile
        try:
            revision = store().save_session(
                session, owner(), expected=st.session_state.get(REVISION)
            )
        except ConflictError as conflict:
            _merge(session, conflict)
            continue
        except StorageError as error:
            if announce:  # where the user is looking, whatever the scroll
                notify(
                    "Not saved: your text stays on this page. See the message at the top.",
                    icon=":material/cloud_off:",
                )
            st.session_state[UNSAVED] = str(error)
            return False
        st.session_state[REVISION] = revision
        st.session_state[BASE] = session.model_copy(deep=True)
        st.session_state.pop(UNSAVED, None)
        wrote(session.id, tab_id(), revision)  # not another tab's, to this tab's watcher
        return True
    st.session_state[UNSAVED] = "Another tab keeps saving this session; will try again."
    return False


def _merge(session: Session, conflict: ConflictError) -> None:
    """Fold what another tab saved into ``session`` (in place: callers hold it)."""
    theirs = conflict.stored
    base = st.session_state.get(BASE) or theirs
    merged = merge_sessions(base, session, theirs)
    if merged.conflicts:
        _keep_copy(merged.session, theirs, merged.conflicts)
    st.session_state[MERGED] = True
    _replace(session, merged.session)
    st.session_state[REVISION] = conflict.revision
    st.session_state[BASE] = theirs.model_copy(deep=True)


def keep_their_copy(session: Session, step_id: str, theirs: str) -> None:
    """The other tab's text of one step's notes, which this tab's typing replaces, kept as
    a copy of the session and named in every tab (as a merge does)."""
    titles = {s.id: s.title for s in load_framework().steps}
    notes = {**session.notes, step_id: theirs}
    _keep_copy(
        session,
        session.model_copy(update={"notes": notes}),
        [f"notes on {titles.get(step_id, step_id)}"],
    )


def _keep_copy(session: Session, version: Session, parts: list[str]) -> None:
    """Save ``version`` as a session of its own and name it in ``session`` (saved with it),
    so this tab and every other tab open on the session say where it went."""
    copy = version.model_copy(deep=True, update={"id": Session().id, "copies": []})
    _try(lambda: store().save_session(copy, owner()))
    session.copies = [*session.copies, ConflictCopy(id=copy.id, parts=parts, at=time.time())][-100:]


def _replace(session: Session, new: Session, board_drew_it: bool = False) -> None:
    """Make ``session`` hold ``new`` and reseed the widgets that showed what changed.
    ``board_drew_it``: the new design is what this tab's board saved itself, so the board
    already shows it (or something newer): it is not pushed to it again."""
    if session.notes != new.notes:
        # the notes boxes replace what they show only when this revision moves (ui/notes.py)
        st.session_state["w_notes_rev"] = st.session_state.get("w_notes_rev", 0) + 1
    if session.design != new.design:
        for key in [k for k in st.session_state if isinstance(k, str)]:
            if key in ("w_quick_text", "w_yaml_text") or key.startswith("w_edit_"):
                st.session_state.pop(key, None)
        # the canvas reloads only when its revision moves (see ui/canvas.py)
        if not board_drew_it:
            st.session_state[CANVAS_REV] = st.session_state.get(CANVAS_REV, 0) + 1
    if session.drawing_for != new.drawing_for:
        st.session_state.pop("w_drawing_for", None)
    for name in Session.model_fields:
        setattr(session, name, getattr(new, name))


TAB = "browser_tab"


def tab_id() -> str:
    """Names this browser tab to the board's direct route, which keeps each tab's saves."""
    return st.session_state.setdefault(TAB, secrets.token_hex(8))


def catch_up(session: Session) -> None:
    """Adopt what this tab's board saved through its direct route since this tab last read
    or wrote the session (``ui.board_route.own_saves_since``). Every callback that changes
    the session calls it first: callbacks run before the page's own check for newer
    saves, and acting on the older copy would read the board's saves as another tab's
    (a false conflict) and book the clock's time twice. Saves of anyone else are left for
    the page run and the save's three-way merge, as before."""
    revision = st.session_state.get(REVISION)
    if not isinstance(revision, int):
        return
    if st.session_state.get(UNSAVED) and session != st.session_state.get(BASE):
        return  # changes wait in memory: their retried save merges what is stored
    found = own_saves_since(session.id, tab_id(), revision)
    if found is None:
        return
    newer, saved = found
    # Pushing it to the board again would only race the board's next change (the board
    # holds it, or newer); the text views reseed from it.
    _replace(session, saved, board_drew_it=True)
    st.session_state[REVISION] = newer
    st.session_state[BASE] = saved.model_copy(deep=True)
    st.session_state.pop(UNSAVED, None)  # a read that failed left nothing unsaved


def _retry_or_refresh(session: Session) -> None:
    """Each page run: retry a failed save, or pick up what another tab saved."""
    catch_up(session)  # this tab's own direct saves are no other tab's, even after a failure
    if st.session_state.get(UNSAVED):
        if _write(session, announce=False):
            notify("Saved: your unsaved changes are stored now.")
        return
    try:
        stored = store().session_revision(session.id)
        if stored is None or stored == st.session_state.get(REVISION):
            return
        fresh = store().load_versioned(session.id)
    except StorageError as error:
        st.session_state[UNSAVED] = str(error)
        return
    if fresh is not None:
        _replace(session, fresh[0])
        st.session_state[REVISION] = fresh[1]
        st.session_state[BASE] = fresh[0].model_copy(deep=True)


RETRY_S = 10
"""How often a page whose save failed tries again on its own."""


def waiting(session: Session) -> list[str]:
    """What a failed save left only on this page: the parts that differ from what is stored
    (as of this tab's last read), in words a user recognises."""
    base = st.session_state.get(BASE)
    if base is None:
        return ["the whole session (never stored yet)"]
    titles = {s.id: s.title for s in load_framework().steps}
    parts = [
        f"your notes on {titles.get(step, step)} ({len(text):,} characters)"
        for step, text in session.notes.items()
        if text != base.notes.get(step, "")
    ]
    if session.design != base.design:
        parts.append(f"the design ({len(session.design.components)} boxes)")
    rest = ("spent_s", "running_since", "current_step", "hints_used", "finished_at", "feedback")
    if any(getattr(session, name) != getattr(base, name) for name in rest):
        parts.append("the clock and step")
    return parts


def storage_notice() -> None:
    """What the user must know about saving, at the top of the page until it is over: a
    failed save (what waits, and that the page retries and guards the tab's closing), and
    versions kept as copies when two tabs changed the same part at once."""
    # One container in every run, whatever it holds: a banner that comes and goes must not
    # move the page's later elements, or the browser mounts them again (a notes box mounted
    # again forgot what was on its way).
    with st.container(key="w_storage_notice"):
        _storage_notice()


def _storage_notice() -> None:
    session = st.session_state.get(SESSION)
    unsaved = st.session_state.get(UNSAVED)
    st.session_state.pop(MERGED, None)  # this run draws the whole page from the merge
    if unsaved:
        parts = waiting(session) if session is not None else []
        what = f" Waiting: {', '.join(parts)}." if parts else ""
        st.error(
            ":material/cloud_off: **Not saved.** "
            + escape(unsaved)
            + escape(what)
            + f" It stays on this page (typed notes in this browser too), and the page tries "
            f"again every {RETRY_S} s; do not close the tab until this message is gone.",
        )
    _guard_closing(bool(unsaved))
    if session is None:
        return
    for copy in [c for c in session.copies if not c.dismissed][-3:]:
        st.warning(
            f":material/call_split: Two tabs changed {escape(', '.join(copy.parts))} of this "
            "session at the same time. The version saved last is kept here; the other one "
            f"is saved as session `{copy.id}` (open it with `?s={copy.id}` or from the "
            "library)."
        )
        st.button(
            "Got it", key=f"w_copy_ok_{copy.id}", on_click=_dismiss_copy, args=(session, copy.id)
        )


def _dismiss_copy(session: Session, copy_id: str) -> None:
    catch_up(session)
    for copy in session.copies:
        if copy.id == copy_id:
            copy.dismissed = True
    save(session)


def _guard_closing(unsaved: bool) -> None:
    """While a save waits, closing or reloading the tab asks first (``beforeunload``); the
    flag is drawn on every change of state, since a script of the same text runs once."""
    if st.session_state.get("w_guard_drawn") == unsaved:
        return
    st.session_state["w_guard_drawn"] = unsaved
    st.html(
        "<script>(function(){var w=window;w.__wbUnsaved=%s;if(!w.__wbGuard){w.__wbGuard=1;"
        "w.addEventListener('beforeunload',function(e){if(w.__wbUnsaved){e.preventDefault();"
        "e.returnValue='';}});}})();</script>" % ("true" if unsaved else "false"),
        unsafe_allow_javascript=True,
        width="content",
    )


def page_changed() -> None:
    """A fragment's callback changed what other parts of the page show: run it whole."""
    st.session_state[MERGED] = True


def rerun_page_if_stale() -> None:
    """In a fragment's run: after a merge (the other panels must show the merged session) or
    when a save failed or went through since the page drew its banner, run the whole page."""
    guard = st.session_state.get("w_guard_drawn", False)
    if st.session_state.pop(MERGED, False) or bool(st.session_state.get(UNSAVED)) != guard:
        st.rerun()


def watch_session(session: Session) -> None:
    """Run the page when another tab saved this session (the browser polls the revision,
    ``ui.board_route.session_watch``), so what this tab shows is what is stored before its
    user types over it; and, while a save waits, every ``RETRY_S`` to try it again."""
    from whiteboard_canvas import room_watch

    revision = st.session_state.get(REVISION)
    room_watch(
        key="w_session_watch",
        data={
            "path": SESSION_WATCH_PATH,
            "query": {"session": session.id, "token": board_token(session.id), "tab": tab_id()},
            "seen": revision if isinstance(revision, int) else -1,
            "boot": BOOT_ID,
            "intervalMs": 1500,
            "retryMs": RETRY_S * 1000 if st.session_state.get(UNSAVED) else 0,
            "testid": "wb-session-watch",
        },
        on_moved_change=lambda: None,  # the run itself picks up what is stored
    )


def set_design(session: Session, design: Design, drawn: bool = True) -> None:
    """Take a new design and save. ``drawn``: it was drawn or typed on the whiteboard, so
    the time spent on it is booked to the step it belongs to (``Session.record_design``);
    a design opened from a file is not drawing."""
    if drawn:
        session.record_design(design)
    else:
        session.design = design
    if session.curveballs and note_recovery(session, rubric(session)):
        page_changed()  # the curveball's line above the notes says it passes again
    save(session)


def check(design: Design, scenario_id: str | None, scenario_yaml: str | None = None) -> Report:
    """The rubric for any design, cached like ``rubric``."""
    return checked(design, scenario_id, scenario_yaml)


def finish(session: Session) -> None:
    """Stop the clock, save, and record the attempt for the History page (once)."""
    from design_framework.report import build_report

    session.finish()
    save(session)
    report = build_report(session, scenario_of(session), rubric=rubric(session))
    _try(lambda: store().record_attempt(session, report.score, report.summary(), owner()))


def check_against(design: Design, scenario, ball) -> dict[str, str]:
    """Each rule's status for ``design`` against ``scenario`` after the curveball ``ball``."""
    from design_framework.curveballs import statuses
    from design_framework.rubric import check_design

    return statuses(check_design(design, scenario.with_curveballs([ball])))


def rubric(session: Session) -> Report:
    """Rubric findings of the session's design, cached by design and scenario: every widget
    change reruns the page, and most reruns do not touch the diagram. One cache with the
    board's direct route (``ui.board_route.checked``), so the run after a direct save finds
    the verdict the route drew."""
    return checked(session.design, session.scenario_id, session.scenario_yaml, session.curveballs)


def widget_value(key: str, initial):
    """Seed a widget's value from the session once, then let the widget own it.

    ``initial`` may be a callable, so costly seeds (the design as YAML) are built only
    when the widget is first drawn, not on every rerun.
    """
    if key not in st.session_state:
        st.session_state[key] = initial() if callable(initial) else initial
    return key


def require_session() -> Session:
    """The open session, or a pointer to the library and a stop."""
    session = current_session()
    storage_notice()
    if session is None:
        st.info(
            "No session is open. Pick a scenario in the library to start one, or open a "
            "session file on the Files page."
        )
        st.page_link(
            "ui/library.py", label="Go to the scenario library", icon=":material/library_books:"
        )
        st.stop()
    return session
