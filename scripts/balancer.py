"""A small TCP load balancer for local replicas: sticky by client address, with failover.

Each new connection goes to the replica its client address hashes to; if that replica does
not accept the connection (it was killed), the next live one takes it. WebSockets pass
through untouched. Sticky because Streamlit keeps a browser session's uploads and
downloads in the memory of the process that serves its WebSocket; everything else lives
in the database, so when a replica dies the browser reconnects here, lands on another
replica and carries on. For production use a real load balancer with the same two
properties (see docs/deploy.md, "Shared deployments").
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading


class Balancer:
    def __init__(self, backends: list[tuple[str, int]], host: str = "127.0.0.1", port: int = 0):
        self.backends = backends
        self.host, self.port = host, port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server = None
        self._thread: threading.Thread | None = None

    def _order(self, client: str) -> list[tuple[str, int]]:
        start = int(hashlib.sha256(client.encode()).hexdigest(), 16) % len(self.backends)
        return self.backends[start:] + self.backends[:start]

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _handle(self, client_reader, client_writer) -> None:
        peer = client_writer.get_extra_info("peername") or ("?", 0)
        try:
            for host, port in self._order(str(peer[0])):
                try:
                    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 2)
                except (TimeoutError, OSError):
                    continue
                await asyncio.gather(
                    self._pipe(client_reader, writer), self._pipe(reader, client_writer)
                )
                return
        except asyncio.CancelledError:
            # stopping: end the connection quietly (asyncio logs a handler that ends
            # cancelled as an error, one per open connection)
            pass
        client_writer.close()  # stopping, or no replica alive

    async def _serve(self, ready: threading.Event) -> None:
        self._serve_task = asyncio.current_task()
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        ready.set()
        async with self._server:
            await self._server.serve_forever()

    def start(self) -> Balancer:
        """Serve in a background thread; returns once it listens (``self.port`` is set)."""
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            with contextlib.suppress(asyncio.CancelledError):
                self._loop.run_until_complete(self._serve(ready))

        self._thread = threading.Thread(target=run, daemon=True, name="balancer")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the balancer did not start")
        return self

    async def _shutdown(self) -> None:
        keep = (asyncio.current_task(), self._serve_task)
        others = [t for t in asyncio.all_tasks() if t not in keep]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        self._server.close()  # ends serve_forever, hence the loop

    def stop(self) -> None:
        if self._loop and self._server:
            future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
            with contextlib.suppress(Exception):
                future.result(timeout=5)
        if self._thread:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
