"""The large lane of the board's direct route: a change whose body or stored session is over
``LARGE_BYTES``, or whose session spent its budget of the server's CPU
(``board_route.Budgets``), is taken in a process of its own, one at a time, at the lowest
CPU priority.

Why: the route answers from a pool of threads that share one interpreter lock with the page
runs and with every other board's save. A design at the drawing cap costs about 75 ms of
parsing and validation (pydantic, the JSON of the design sent and of the stored session)
and marks, and some 50 ms more of rubric when its verdict is new, none of which lets go of
the lock; with six of them in flight, a small save waited 184 ms instead of 13, and a page load
took twice as long (bench/flood.py). In the lane process that work holds another
interpreter's lock, and under ``nice`` the operating system gives the CPU to the server
first.

Admission: one change in the lane at a time and ``WAITING`` more in line (first come, first
served, each waiting in the event loop, holding no thread); beyond that, or after waiting
``MAX_WAIT_S``, the answer is 429 with ``Retry-After``. The board sends a refused change
through the page run, as every refusal (canvas/frontend/src/index.jsx), so no change is lost.
What a tab's save leaves to remember (``board_route.Kept``) comes back with the answer and is
kept in the server's process, where the tab's session watcher asks.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import concurrent.futures
import multiprocessing
import os
import threading
import time

from starlette.responses import JSONResponse

from storage import ConflictError, StorageError, reopen
from ui import board_route

WAITING = 6
"""Large changes waiting for the lane at most (a tab sends one at a time)."""
MAX_WAIT_S = 3.0
"""Under the board's own timeout (4 s), after which it sends the change through the page."""
RETRY_AFTER_S = 2
NICENESS = 19
BUSY = "the server is taking other large designs: the page takes this one"


class Lane:
    """One change at a time, the others in line in the event loop, first come first served."""

    def __init__(self, waiting: int = WAITING) -> None:
        self.waiting = waiting
        self.busy = False
        self.line: collections.deque[asyncio.Future] = collections.deque()

    async def enter(self, max_wait: float = MAX_WAIT_S) -> bool:
        """Whether this change may go in (then ``leave`` after it); False: refuse it."""
        if not self.busy and not self.line:
            self.busy = True
            return True
        if len(self.line) >= self.waiting:
            return False
        turn = asyncio.get_running_loop().create_future()
        self.line.append(turn)
        try:
            await asyncio.wait_for(turn, max_wait)
        except TimeoutError:
            return False
        except asyncio.CancelledError:  # the client went away while it waited
            if turn.done() and not turn.cancelled():
                self.leave()  # handed the lane just then: pass it on
            raise
        finally:
            if turn in self.line:
                self.line.remove(turn)
        return True

    def leave(self) -> None:
        """Hand the lane to the first change still waiting, or free it."""
        while self.line:
            turn = self.line.popleft()
            if not turn.done() and not turn.get_loop().is_closed():
                turn.set_result(True)
                return
        self.busy = False


_LANE = Lane()
_POOL: concurrent.futures.ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> concurrent.futures.ProcessPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            # spawn, not fork: the server's threads may hold locks a forked child would keep
            _POOL = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(board_route._SECRET,),
            )
        return _POOL


def _forget_pool() -> None:
    """A lane process that died is replaced on the next large change."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


atexit.register(_forget_pool)


def warm_up() -> int:
    """Start the lane process and import what it runs, before anyone waits for it; its pid."""
    return _pool().submit(os.getpid).result()


_STORES: dict = {}


def _start_worker(secret: bytes) -> None:
    os.nice(NICENESS)
    board_route._SECRET = secret  # the keys this server's pages handed their boards
    threading.Thread(target=_end_with, args=(os.getppid(),), daemon=True).start()


def _end_with(server: int) -> None:
    """End the lane process once the server is gone: a server stopped or killed without
    shutting its pool down (SIGTERM, SIGKILL) left its lane process waiting for work, and
    its resource tracker beside it, for good (70 MB a server)."""
    while os.getppid() == server:
        time.sleep(1)
    os._exit(0)


def _take_large(address: tuple[str, str], body: bytes):
    """In the lane process: ``(status, answer as JSON bytes, Kept or None)``."""
    store = _STORES.get(address)
    if store is None:
        store = _STORES[address] = reopen(address)
    try:
        status, answer, kept = board_route.take_change(store, body)
    except ConflictError as conflict:  # another tab saved between the read and the write
        status, answer, kept = 409, {"error": str(conflict)}, None
    except StorageError as error:
        status, answer, kept = 503, {"error": str(error)}, None
    return status, JSONResponse(answer).body, kept


async def large_answer(store, body: bytes) -> tuple[int, bytes | dict, object]:
    """A large change through the lane: ``(status, answer, kept)``; the answer is JSON bytes
    from the lane process, or a dict for a refusal made here."""
    if not await _LANE.enter():
        return 429, {"error": BUSY}, None
    try:
        future = _pool().submit(_take_large, store.address(), body)
        return await asyncio.wrap_future(future)
    except concurrent.futures.process.BrokenProcessPool:
        _forget_pool()
        return 503, {"error": "the server's large-design process stopped: the page takes it"}, None
    finally:
        _LANE.leave()
