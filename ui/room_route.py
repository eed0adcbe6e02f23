"""The HTTP route a room's screens poll (served by serve.py; no Streamlit here).

``GET /api/room-watch?room=CODE&key=KEY`` answers ``{"v": n, "boot": id}`` to a browser
holding one of the room's keys: ``n`` is the number the holder's page compares with the
one it was drawn with, ``boot`` names this server process, so a page drawn by a replica
that died runs again on the one that answers now.

With ``seen=N&wait=1`` it is a long poll: the answer waits (up to ``WAIT_S``) until the
number is not ``N`` any more, looking every ``LOOK_S``, so a change reaches the other
screen a few tens of milliseconds after it is saved instead of half a poll interval
later; a waiting browser costs one small read every ``LOOK_S`` and no thread. Plain polls
stay the fallback (static/watch.js).

With ``live=1`` the answer also carries ``live``: what the holder's screen shows of the
other side as of that number (ui/room_live.py), which the browser draws at once. A live
part that cannot be worked out is left out (logged): the number still answers.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from storage import StorageError, shared_store

WATCH_PATH = "/api/room-watch"
BOOT_ID = uuid.uuid4().hex[:12]
"""This server process: a page drawn by another one (a replica that died) runs again."""
WAIT_S = 15.0
LOOK_S = 0.05
_WHOLE = re.compile(r"-?[0-9]{1,18}\Z")  # a number a long poll may wait on (ASCII digits)
_LOG = logging.getLogger(__name__)


def _watched(code: str, key: str) -> tuple[int, str] | None:
    """The number the holder of ``key`` watches and their role, or None without a key of
    the room."""
    store = shared_store()
    room = store.room(code) if code else None
    role = room.role_for(key) if room is not None else None
    if role is None:
        return None
    value = store.room_watch(code) if role == "interviewer" else store.room_version(code)
    return value, role


def _live(code: str, role: str, value: int) -> dict | None:
    from ui import room_live  # here: it imports the board route, which imports this module

    try:
        return room_live.payload(shared_store(), code, role, value)
    except StorageError:
        raise
    except Exception:  # the watcher must keep its number whatever the live part does
        _LOG.exception("room %s: no live answer for %s at %s", code, role, value)
        return None


async def room_watch(request: Request) -> JSONResponse:
    """The room's version for the candidate; for the interviewer, plus the candidate
    session's revision (``Store.room_watch``). 403 without a key of the room."""
    code = (request.query_params.get("room") or "").strip().upper()
    key = request.query_params.get("key") or ""
    seen = request.query_params.get("seen")
    wait = request.query_params.get("wait") == "1" and seen is not None and _WHOLE.match(seen)
    live = request.query_params.get("live") == "1"
    headers = {"Cache-Control": "no-store"}
    deadline = time.monotonic() + WAIT_S
    try:
        while True:
            watched = await run_in_threadpool(_watched, code, key)
            if watched is None:
                return JSONResponse({"error": "no such room or key"}, 403, headers=headers)
            value, role = watched
            if not wait or value != int(seen) or time.monotonic() >= deadline:
                break
            if await request.is_disconnected():
                break
            await asyncio.sleep(LOOK_S)
        answer = {"v": value, "boot": BOOT_ID}
        if live and not (wait and value == int(seen)):  # nothing new: nothing to draw
            shown = await run_in_threadpool(_live, code, role, value)
            if shown is not None:
                answer["live"] = shown
    except StorageError as error:
        return JSONResponse({"error": str(error)}, 503, headers=headers)
    return JSONResponse(answer, headers=headers)
