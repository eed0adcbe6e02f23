"""The HTTP route a room's screens poll (served by serve.py; no Streamlit here).

``GET /api/room-watch?room=CODE&key=KEY`` answers ``{"v": n, "boot": id}`` to a browser
holding one of the room's keys: ``n`` is the number the holder's page compares with the
one it was drawn with, ``boot`` names this server process, so a page drawn by a replica
that died runs again on the one that answers now.
"""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse

from storage import StorageError, shared_store

WATCH_PATH = "/api/room-watch"
BOOT_ID = uuid.uuid4().hex[:12]
"""This server process: a page drawn by another one (a replica that died) runs again."""


def room_watch(request: Request) -> JSONResponse:
    """The room's version for the candidate; for the interviewer, plus the candidate
    session's revision (``Store.room_watch``). 403 without a key of the room."""
    code = (request.query_params.get("room") or "").strip().upper()
    key = request.query_params.get("key") or ""
    headers = {"Cache-Control": "no-store"}
    try:
        store = shared_store()
        room = store.room(code) if code else None
        role = room.role_for(key) if room is not None else None
        if role is None:
            return JSONResponse({"error": "no such room or key"}, 403, headers=headers)
        value = store.room_watch(code) if role == "interviewer" else store.room_version(code)
    except StorageError as error:
        return JSONResponse({"error": str(error)}, 503, headers=headers)
    return JSONResponse({"v": value, "boot": BOOT_ID}, headers=headers)
