"""The preview answers only at its own address: no DNS rebinding, no foreign pages on its
live-reload connection, and a 404 (not a traceback) for any path."""

from __future__ import annotations

import base64
import http.client
import os
import socket

import pytest

from catalogpress.app.server import _OwnHostsOnly, allowed_hosts, host_allowed

from .test_serve import served  # noqa: F401 - the running preview


def test_the_preview_names_are_its_own():
    hosts = allowed_hosts("127.0.0.1", 8000)
    assert hosts == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert host_allowed("LOCALHOST:8000", hosts)
    assert not host_allowed("evil.example:8000", hosts)
    assert not host_allowed("127.0.0.1:8001", hosts)
    assert not host_allowed("", hosts)
    assert allowed_hosts("0.0.0.0", 8000) is None  # others may see it, on purpose
    assert allowed_hosts("192.0.2.7", 80) == {"192.0.2.7:80", "192.0.2.7"}


def test_the_web_app_refuses_other_host_names():
    calls = []
    app = _OwnHostsOnly(lambda environ, start: calls.append(1) or [b"page"], frozenset({"a:1"}))
    statuses = []
    body = app({"HTTP_HOST": "rebound.example:1"}, lambda s, h: statuses.append(s))
    assert statuses == ["421 Misdirected Request"] and calls == [] and b"own address" in body[0]
    assert app({"HTTP_HOST": "a:1"}, lambda s, h: None) == [b"page"]


def request(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def upgrade(port: int, host: str, origin: str) -> int:
    """The status of a WebSocket handshake on the live-reload connection."""
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            (
                f"GET /livereload HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
            ).encode()
        )
        return int(conn.recv(1024).split(b" ")[1])


@pytest.mark.slow
def test_a_running_preview_answers_only_its_own_names(served):  # noqa: F811
    served.wait_for_text("/", "Office of Shared Technology")
    own = f"127.0.0.1:{served.port}"
    assert request(served.port, "/", {"Host": own})[0] == 200
    assert request(served.port, "/", {"Host": f"localhost:{served.port}"})[0] == 200
    status, body = request(served.port, "/", {"Host": f"rebound.example:{served.port}"})
    assert status == 421 and "Office of Shared Technology" not in body
    assert upgrade(served.port, own, f"http://{own}") == 101
    assert upgrade(served.port, own, "http://evil.example") == 403
    assert upgrade(served.port, f"rebound.example:{served.port}", "http://rebound.example") in (
        403,
        421,
    )
    status, _ = request(served.port, "/" + "a" * 5000, {"Host": own})
    assert status == 404
    assert "Traceback" not in served.log.read_text()
