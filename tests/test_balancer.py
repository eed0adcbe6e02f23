"""The local balancer in front of replicas (scripts/balancer.py): sticky, fails over to a
live replica, and stops cleanly with connections still open."""

from __future__ import annotations

import logging
import socket
import socketserver
import threading

import pytest

from scripts.balancer import Balancer
from scripts.replicas import free_port


class _Named(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.sendall(self.server.name.encode())
        self.request.recv(16)  # hold the connection open until the client goes


@pytest.fixture
def backend():
    servers = []

    def start(name: str) -> int:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Named)
        server.daemon_threads = True
        server.name = name
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def answer(port: int) -> tuple[str, socket.socket]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    return sock.recv(16).decode(), sock


def test_a_client_sticks_to_one_replica(backend):
    ports = {backend("a"): "a", backend("b"): "b"}
    balancer = Balancer([("127.0.0.1", p) for p in ports]).start()
    try:
        first = ports[balancer._order("127.0.0.1")[0][1]]
        held = [answer(balancer.port) for _ in range(4)]
        assert [name for name, _ in held] == [first] * 4
    finally:
        balancer.stop()
        for _, sock in held:
            sock.close()


def test_a_connection_goes_to_a_live_replica_when_its_own_is_down(backend, caplog):
    live = backend("live")
    dead = free_port()  # nothing listens there: a killed replica
    backends = [("127.0.0.1", live), ("127.0.0.1", dead)]
    if Balancer(backends)._order("127.0.0.1")[0][1] == live:
        backends.reverse()  # the dead one is where this client looks first
    balancer = Balancer(backends)
    assert balancer._order("127.0.0.1")[0][1] == dead
    balancer.start()
    name, held = answer(balancer.port)
    try:
        assert name == "live"
    finally:
        with caplog.at_level(logging.ERROR, logger="asyncio"):
            balancer.stop()  # with a connection still open
        held.close()
    assert not [r for r in caplog.records if r.name == "asyncio"], caplog.text
