"""The websocket protocol on its own: keepalive, backpressure, closing, handshake refusals.

Most tests drive `WebSocketProtocol` with a recorded clock and transport (no
sleeping); the last ones use a real server on loopback.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import struct
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from zaqarclient.server import App
from zaqarclient.server.serving import Serving
from zaqarclient.server.ws import connection
from zaqarclient.server.ws.connection import WebSocketProtocol
from zaqarclient.testing import ReferenceServer

HEADERS = {"Client-ID": "3381af92-2b9e-11e3-b191-71861300734c", "X-Project-ID": "p"}
_KEY = base64.b64encode(b"0123456789abcdef").decode()


def upgrade_head(*extra: str) -> bytes:
    lines = ["GET / HTTP/1.1", "Host: x", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {_KEY}", "Sec-WebSocket-Version: 13", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def client_frame(opcode: int, payload: bytes) -> bytes:
    """One final, masked frame as a client sends it (payloads under 64 KiB)."""
    mask = b"abcd"
    size = struct.pack("!B", 0x80 | len(payload)) if len(payload) < 126 else \
        struct.pack("!BH", 0x80 | 126, len(payload))
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bytes([0x80 | opcode]) + size + mask + masked


def request(action: str) -> bytes:
    return client_frame(1, json.dumps({"action": action, "headers": HEADERS}).encode())


class FakeLoop:
    """A settable clock and recorded timers; threadsafe calls run at once."""

    def __init__(self) -> None:
        self.now = 100.0
        self.timers: list[tuple[float, Any, SimpleNamespace]] = []

    def time(self) -> float:
        return self.now

    def call_later(self, delay: float, callback: Any) -> SimpleNamespace:
        handle = SimpleNamespace(cancelled=False)
        handle.cancel = lambda: setattr(handle, "cancelled", True)
        self.timers.append((self.now + delay, callback, handle))
        return handle

    def call_soon_threadsafe(self, callback: Any, *args: Any) -> None:
        callback(*args)

    def advance(self, seconds: float) -> None:
        self.now += seconds
        due = [t for t in self.timers if t[0] <= self.now]
        self.timers = [t for t in self.timers if t[0] > self.now]
        for _, callback, handle in due:
            if not handle.cancelled:
                callback()


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False
        self.reading = True

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 8888) if name == "sockname" else default

    def take(self) -> bytes:
        written, self.written = self.written, b""
        return written


@pytest.fixture
def opened() -> Iterator[tuple[FakeLoop, WebSocketProtocol, FakeTransport]]:
    loop, transport = FakeLoop(), FakeTransport()
    serving = Serving(App())
    protocol = WebSocketProtocol(serving, loop)  # type: ignore[arg-type]
    protocol.connection_made(transport)
    protocol.data_received(upgrade_head())
    assert transport.take().startswith(b"HTTP/1.1 101 Switching Protocols\r\n")
    assert serving.connections == {protocol}
    yield loop, protocol, transport
    protocol.connection_lost(None)
    assert not serving.connections


def test_a_ping_every_20_s_and_close_1011_without_a_pong(
    opened: tuple[FakeLoop, WebSocketProtocol, FakeTransport],
) -> None:
    loop, _protocol, transport = opened
    loop.advance(connection.PING_INTERVAL - 1)
    assert transport.take() == b""
    loop.advance(1)
    ping = transport.take()
    assert ping[0] == 0x89 and len(ping) == 6  # final ping, 4-byte payload, unmasked
    loop.advance(connection.PING_TIMEOUT)
    closing = transport.take()
    assert closing[:4] == b"\x88\x18\x03\xf3" and closing.endswith(b"keepalive ping timeout")
    assert transport.closed


def test_the_matching_pong_keeps_the_connection_and_the_next_ping_comes(
    opened: tuple[FakeLoop, WebSocketProtocol, FakeTransport],
) -> None:
    loop, protocol, transport = opened
    loop.advance(connection.PING_INTERVAL)
    payload = transport.take()[2:]
    protocol.data_received(client_frame(0xA, b"stale"))  # not the ping's payload: ignored
    protocol.data_received(client_frame(0xA, payload))
    loop.advance(connection.PING_TIMEOUT)
    assert not transport.closed
    assert transport.take()[0] == 0x89  # the next ping (RTT 0: 20 s after the pong)


def test_requests_wait_while_the_peer_is_not_reading(
    opened: tuple[FakeLoop, WebSocketProtocol, FakeTransport],
) -> None:
    _loop, protocol, transport = opened
    protocol.pause_writing()
    assert not transport.reading
    protocol.data_received(request("queue_list") + request("queue_list"))
    assert transport.take() == b""
    protocol.resume_writing()
    replies = transport.take()
    assert replies.count(b'"status": 200') == 2 and transport.reading


def test_replies_to_one_read_leave_in_one_write_then_early_past_8_frames(
    opened: tuple[FakeLoop, WebSocketProtocol, FakeTransport],
) -> None:
    _loop, protocol, transport = opened
    writes: list[bytes] = []
    transport.write = writes.append  # type: ignore[method-assign]
    protocol.data_received(request("queue_list") * 3)
    assert len(writes) == 1 and writes[0].count(b'"status": 200') == 3
    writes.clear()
    protocol.data_received(request("queue_list") * (connection.MAX_FRAMES + 1))
    assert [w.count(b'"status": 200') for w in writes] == [connection.MAX_FRAMES, 1]


def test_a_request_zaqar_drops_gets_1011_and_waits_for_the_close_answer(
    opened: tuple[FakeLoop, WebSocketProtocol, FakeTransport],
) -> None:
    _loop, protocol, transport = opened
    protocol.data_received(client_frame(1, json.dumps({"action": [1], "headers": {}}).encode()))
    assert transport.take() == b"\x88\x02\x03\xf3" and not transport.closed
    protocol.data_received(request("queue_list"))  # after our close frame: ignored
    assert transport.take() == b"" and not transport.closed
    protocol.data_received(client_frame(8, struct.pack("!H", 1011)))
    assert transport.closed


def test_without_the_close_answer_the_socket_closes_after_10_s(
    opened: tuple[FakeLoop, WebSocketProtocol, FakeTransport],
) -> None:
    loop, protocol, transport = opened
    protocol.data_received(client_frame(1, json.dumps({"action": [1], "headers": {}}).encode()))
    loop.advance(connection.CLOSE_TIMEOUT - 0.5)
    assert not transport.closed
    loop.advance(0.5)
    assert transport.closed


def test_a_close_in_the_same_read_as_a_dropping_request_is_echoed(
    opened: tuple[FakeLoop, WebSocketProtocol, FakeTransport],
) -> None:
    _loop, protocol, transport = opened
    dropping = client_frame(1, json.dumps({"action": [1], "headers": {}}).encode())
    protocol.data_received(dropping + client_frame(8, struct.pack("!H", 1000)))
    assert transport.take() == b"\x88\x02\x03\xe8" and transport.closed


def test_invalid_utf8_after_the_peer_closed_is_no_error(
    opened: tuple[FakeLoop, WebSocketProtocol, FakeTransport],
) -> None:
    _loop, protocol, transport = opened
    protocol.data_received(client_frame(1, b"\xff") + client_frame(8, struct.pack("!H", 1000)))
    assert transport.take() == b"\x88\x02\x03\xe8" and transport.closed


def test_invalid_utf8_is_closed_with_1007(
    opened: tuple[FakeLoop, WebSocketProtocol, FakeTransport],
) -> None:
    _loop, protocol, transport = opened
    protocol.data_received(client_frame(1, b"\xff\xfe"))
    assert transport.take() == b"\x88\x02\x03\xef" and transport.closed


def test_shutdown_says_1012_to_an_open_connection(
    opened: tuple[FakeLoop, WebSocketProtocol, FakeTransport],
) -> None:
    _loop, protocol, transport = opened
    protocol.shutdown()
    assert transport.take() == b"\x88\x02\x03\xf4" and transport.closed


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as srv:
        yield srv


def _exchange(server: ReferenceServer, data: bytes) -> bytes:
    """Send ``data``, read until the server closes (at most 5 s)."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def test_a_head_websockets_cannot_parse_gets_its_431_not_a_stall(
    server: ReferenceServer,
) -> None:
    # Within the HTTP limits (65536 bytes a header) but past websockets' 8192-byte line.
    answer = _exchange(server, upgrade_head("X-Long: " + "a" * 10000))
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert answer.endswith(b"expected no more than 8192 bytes.\n")


def test_a_frame_past_max_size_is_closed_with_1009(server: ReferenceServer) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    limit = server.app.config.body_limit() + 65536
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(upgrade_head())
        assert sock.recv(65536).startswith(b"HTTP/1.1 101 ")
        # The header declares one byte too many; the payload need not follow.
        sock.sendall(b"\x81\xff" + struct.pack("!Q", limit + 1) + b"abcd")
        received = sock.recv(65536)
    assert received[:4] == b"\x88" + bytes([len(received) - 2]) + b"\x03\xf1"
    assert f"exceeds limit of {limit} bytes".encode() in received
