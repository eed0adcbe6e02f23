"""nginx in front of replicas (scripts/nginx.py, deploy/nginx.conf): a real nginx before two
small HTTP servers. A browser gets a cookie naming the replica that answered and keeps
reaching it, over HTTP and its WebSocket; when that replica dies it reaches the other and
the cookie follows; a config nginx refuses is reported in nginx's words."""

from __future__ import annotations

import base64
import hashlib
import http.client
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts import nginx
from scripts.replicas import free_port
from ui.board_route import MAX_BODY_BYTES

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class _Replica(BaseHTTPRequestHandler):
    """Answers its replica's name (and the size of a POST's body); a WebSocket handshake
    is accepted and whatever follows is echoed back."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def _answer(self, text: str) -> None:
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.headers.get("Upgrade", "").lower() != "websocket":
            self._answer(self.server.name)
            return
        key = self.headers["Sec-WebSocket-Key"]
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.send_header("X-Replica", self.server.name)
        self.end_headers()
        self.wfile.flush()
        while data := self.connection.recv(4096):
            self.connection.sendall(data)
        self.close_connection = True

    def do_POST(self) -> None:
        size = len(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self._answer(f"{self.server.name} read {size}")


@pytest.fixture
def replicas():
    """Two replicas, "replica 1" and "replica 2", in the order nginx numbers them."""
    servers = []
    for n in (1, 2):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Replica)
        server.daemon_threads = True
        server.name = f"replica {n}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def proxy(replicas):
    running = nginx.start([s.server_address[1] for s in replicas], free_port())
    yield running
    running.stop()


def request(proxy, path="/", cookie=None, method="GET", body=None):
    """(status, body, the wb_replica cookie nginx set or None), as a browser sees them."""
    connection = http.client.HTTPConnection(proxy.host, proxy.port, timeout=10)
    headers = {"Cookie": f"wb_replica={cookie}"} if cookie else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    set_cookie = response.getheader("Set-Cookie")
    connection.close()
    if set_cookie is None:
        return response.status, text, None
    assert set_cookie.startswith("wb_replica=") and "; Path=/;" in set_cookie, set_cookie
    return response.status, text, set_cookie.split(";")[0].removeprefix("wb_replica=")


def named(cookie: str) -> str:
    return f"replica {nginx.replica_index(cookie) + 1}"


def test_a_new_browser_gets_a_cookie_naming_the_replica_that_answered(proxy):
    answers = [request(proxy) for _ in range(2)]
    for status, text, cookie in answers:
        assert status == 200 and cookie and named(cookie) == text
    # two browsers arriving one after the other are spread over both replicas
    assert {text for _, text, _ in answers} == {"replica 1", "replica 2"}


@pytest.mark.parametrize("cookie", ["r1", "r2"])
def test_a_browser_with_the_cookie_always_reaches_its_replica(proxy, cookie):
    for path in ("/", "/_stcore/health", "/static/app.js", "/api/room-watch?room=X"):
        assert request(proxy, path, cookie) == (200, named(cookie), None)  # no new cookie
    assert request(proxy, "/api/board", cookie, "POST", b"{}") == (
        200,
        f"{named(cookie)} read 2",
        None,
    )


def test_a_cookie_naming_no_replica_is_replaced(proxy):
    status, text, cookie = request(proxy, cookie="r9")
    assert status == 200 and named(cookie) == text


def test_when_its_replica_dies_the_browser_reaches_the_other_and_stays_there(proxy, replicas):
    replicas[0].shutdown()
    replicas[0].server_close()  # its port now refuses, as a killed replica's does
    assert request(proxy, "/", "r1") == (200, "replica 2", "r2")
    # the page's next POST goes where its WebSocket reconnected, and is not refused
    assert request(proxy, "/api/board", "r2", "POST", b"{}") == (200, "replica 2 read 2", None)
    # a POST still carrying the old cookie is not lost either
    assert request(proxy, "/api/board", "r1", "POST", b"{}") == (200, "replica 2 read 2", "r2")


def test_when_every_replica_is_down_nginx_says_so(proxy, replicas):
    for server in replicas:
        server.shutdown()
        server.server_close()
    status, _, cookie = request(proxy, cookie="r1")
    assert (status, cookie) == (502, None)


def test_a_design_at_the_apps_cap_reaches_the_app_which_refuses_larger_ones_itself(proxy):
    body = b"x" * (MAX_BODY_BYTES + 1)  # the app answers 413 with its own message
    status, text, _ = request(proxy, "/api/board", "r2", "POST", body)
    assert (status, text) == (200, f"replica 2 read {len(body)}")
    status, _, _ = request(proxy, "/api/board", "r2", "POST", b"x" * (nginx.BODY_CAP + 1))
    assert status == 413


def test_the_websocket_upgrade_passes_through_to_the_browsers_replica(proxy):
    key = base64.b64encode(b"sixteen byte key").decode()
    with socket.create_connection((proxy.host, proxy.port), timeout=10) as sock:
        sock.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: {proxy.host}:{proxy.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                "Cookie: wb_replica=r2\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(4096)
        head, _, rest = head.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        assert lines[0].startswith("HTTP/1.1 101"), lines
        assert "X-Replica: replica 2" in lines
        # and bytes flow both ways over the upgraded connection
        sock.sendall(b"\x81\x05hello")
        echoed = rest
        while len(echoed) < 7:
            echoed += sock.recv(4096)
        assert echoed == b"\x81\x05hello"


def test_a_config_nginx_refuses_is_reported_with_its_reason_file_and_line():
    with pytest.raises(nginx.NginxError) as refused:
        nginx.start([8502, 99999], free_port())
    message = str(refused.value)
    assert message.startswith("nginx -t refused the config:")
    assert 'invalid port in upstream "127.0.0.1:99999"' in message
    assert "nginx.conf:" in message  # file and line


def test_the_shipped_config_is_the_generated_one_for_make_serve_shared():
    shipped = nginx.SHIPPED.read_text()
    assert shipped == nginx.render("127.0.0.1:8501", ["127.0.0.1:8502", "127.0.0.1:8503"]), (
        "deploy/nginx.conf is stale: python -m scripts.nginx > deploy/nginx.conf"
    )
    checked = nginx.check(shipped)
    assert checked is None, checked
