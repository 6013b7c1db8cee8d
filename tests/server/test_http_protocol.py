"""The reference server's HTTP/1.1 connection handling, over raw loopback sockets."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, BinaryIO

import pytest

from zaqarclient.server.config import Config
from zaqarclient.server.http_protocol import HttpProtocol, encode_response
from zaqarclient.server.protocol import ServerResponse
from zaqarclient.server.serving import Serving
from zaqarclient.testing import ReferenceServer

CID = "3381af92-2b9e-11e3-b191-71861300734c"
HEADERS = f"Client-ID: {CID}\r\nX-Project-ID: raw\r\n"


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as ref:
        yield ref


@pytest.fixture
def conn(server: ReferenceServer) -> Iterator[socket.socket]:
    host, port = server.url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        yield sock


def read_response(stream: BinaryIO, head: bool = False) -> tuple[int, dict[str, str], bytes]:
    status = int(stream.readline().split()[1])
    headers: dict[str, str] = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = 0 if head else int(headers.get("content-length", "0"))
    return status, headers, stream.read(length)


def test_pipelined_requests_are_answered_in_order(conn: socket.socket) -> None:
    post = json.dumps({"messages": [{"body": 1}]}).encode()
    conn.sendall(
        f"PUT /v2/queues/pipe HTTP/1.1\r\nHost: x\r\n{HEADERS}Content-Length: 0\r\n\r\n".encode()
        + f"POST /v2/queues/pipe/messages HTTP/1.1\r\nHost: x\r\n{HEADERS}"
        f"Content-Type: application/json\r\nContent-Length: {len(post)}\r\n\r\n".encode()
        + post
        + f"GET /v2/queues/pipe/stats HTTP/1.1\r\nHost: x\r\n{HEADERS}\r\n".encode()
    )
    stream = conn.makefile("rb")
    assert read_response(stream)[0] == 201
    status, _, body = read_response(stream)
    assert status == 201 and len(json.loads(body)["resources"]) == 1
    status, _, body = read_response(stream)
    assert status == 200 and json.loads(body)["messages"]["total"] == 1


def test_request_split_across_many_packets(conn: socket.socket) -> None:
    headers = f"Client-ID: {CID}\r\nX-Project-ID: split\r\n"
    raw = f"GET /v2/queues HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode()
    for i in range(len(raw)):
        conn.sendall(raw[i : i + 1])
    status, headers, body = read_response(conn.makefile("rb"))
    assert status == 200 and json.loads(body) == {"queues": [], "links": []}
    assert headers["content-length"] == str(len(body))


def test_chunked_request_body(conn: socket.socket) -> None:
    chunk = json.dumps({"messages": [{"body": "chunked"}]}).encode()
    conn.sendall(
        f"POST /v2/queues/chunky/messages HTTP/1.1\r\nHost: x\r\n{HEADERS}"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        + b"%x\r\n" % len(chunk) + chunk + b"\r\n0\r\n\r\n"
    )
    assert read_response(conn.makefile("rb"))[0] == 201


def test_head_has_no_body_and_204_has_no_length(conn: socket.socket) -> None:
    conn.sendall(
        f"HEAD /v2/ping HTTP/1.1\r\nHost: x\r\n{HEADERS}\r\n".encode()
        + f"GET /v2/ping HTTP/1.1\r\nHost: x\r\n{HEADERS}\r\n".encode()
    )
    stream = conn.makefile("rb")
    for _ in range(2):
        status, headers, body = read_response(stream, head=True)
        assert status == 204 and body == b"" and "content-length" not in headers


def test_connection_close_and_http_1_0_close_after_the_answer(server: ReferenceServer) -> None:
    host, port = server.url.rsplit("/", 1)[1].split(":")
    for request in (
        f"GET /v2/queues HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{HEADERS}\r\n",
        f"GET /v2/queues HTTP/1.0\r\n{HEADERS}\r\n",
    ):
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(request.encode())
            stream = sock.makefile("rb")
            status, headers, _ = read_response(stream)
            assert status == 200 and headers["connection"] == "close"
            assert stream.read() == b""  # the server closed the connection


def test_malformed_request_gets_400_and_close(conn: socket.socket) -> None:
    conn.sendall(b"NOT A REQUEST\r\n\r\n")
    stream = conn.makefile("rb")
    status, headers, body = read_response(stream)
    assert status == 400 and headers["connection"] == "close"
    assert body == b"Invalid HTTP request received."
    assert stream.read() == b""


def test_expect_100_continue(conn: socket.socket) -> None:
    post = json.dumps({"messages": [{"body": 1}]}).encode()
    conn.sendall(
        f"POST /v2/queues/expect/messages HTTP/1.1\r\nHost: x\r\n{HEADERS}"
        f"Content-Type: application/json\r\nExpect: 100-continue\r\n"
        f"Content-Length: {len(post)}\r\n\r\n".encode()
    )
    stream = conn.makefile("rb")
    assert stream.readline() == b"HTTP/1.1 100 Continue\r\n" and stream.readline() == b"\r\n"
    conn.sendall(post)
    assert read_response(stream)[0] == 201


def test_response_headers_reject_line_breaks() -> None:
    bad = ServerResponse(200, [("location", "/v2/queues/a\r\nX-Injected: 1")], b"")
    with pytest.raises(ValueError, match="line break"):
        encode_response(bad, head_only=False, close=False)


def test_encode_response_is_one_buffer() -> None:
    ok = ServerResponse(201, [("content-type", "application/json")], b"{}")
    assert encode_response(ok, head_only=False, close=False) == (
        b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
    )
    assert encode_response(ok, head_only=True, close=True).endswith(
        b"content-length: 2\r\nconnection: close\r\n\r\n"
    )


def test_unknown_method_reaches_the_core_like_zaqar(conn: socket.socket) -> None:
    conn.sendall(f"FOO /v2/queues HTTP/1.1\r\nHost: x\r\n{HEADERS}\r\n".encode())
    stream = conn.makefile("rb")
    status, _, body = read_response(stream)
    assert status == 400
    assert json.loads(body) == {"title": "Bad request", "description": "Invalid HTTP method"}
    conn.sendall(f"GET /v2/ping HTTP/1.1\r\nHost: x\r\n{HEADERS}\r\n".encode())
    assert read_response(stream, head=True)[0] == 204  # the connection is still usable


def test_garbage_method_is_still_a_bad_request(conn: socket.socket) -> None:
    conn.sendall(b"F(O) /v2/queues HTTP/1.1\r\nHost: x\r\n\r\n")
    status, _, body = read_response(conn.makefile("rb"))
    assert status == 400 and body == b"Invalid HTTP request received."


class FakeLoop:
    """Just enough of an event loop for the idle timer: a settable clock, recorded timers."""

    def __init__(self) -> None:
        self.now = 100.0
        self.timers: list[tuple[float, Any]] = []

    def time(self) -> float:
        return self.now

    def call_later(self, delay: float, callback: Any) -> Any:
        self.timers.append((self.now + delay, callback))
        return SimpleNamespace(cancel=lambda: None)

    def fire_due(self) -> None:
        due = [t for t in self.timers if t[0] <= self.now]
        self.timers = [t for t in self.timers if t[0] > self.now]
        for _, callback in due:
            callback()


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.closed = False
        self.written = b""

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def can_write_eof(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


def fake_connection() -> tuple[FakeLoop, HttpProtocol, FakeTransport]:
    loop = FakeLoop()
    core = SimpleNamespace(config=Config(), may_block=False)
    proto = HttpProtocol(Serving(core), _loop=loop)  # type: ignore[arg-type]
    transport = FakeTransport()
    proto.connection_made(transport)
    return loop, proto, transport


def test_idle_keep_alive_connections_close_after_the_timeout_only() -> None:
    loop, _proto, transport = fake_connection()
    loop.now += 3
    loop.fire_due()
    assert not transport.closed and len(loop.timers) == 1
    loop.now += 2
    loop.fire_due()  # 5 s without a byte, between requests: closed without an answer
    assert transport.closed and transport.written == b""


def test_a_stalled_request_gets_408_after_the_idle_timeout() -> None:
    loop, proto, transport = fake_connection()
    loop.now += 3
    proto.data_received(b"GET /v2/pi")  # activity (a partial request) restarts the wait
    loop.now += 3
    loop.fire_due()  # 6 s after connecting, but only 3 s idle: still open
    assert not transport.closed and len(loop.timers) == 1
    loop.now += 2
    loop.fire_due()  # 5 s idle in the middle of a request
    assert transport.written.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"nothing was received for 5 s (idle_timeout)" in transport.written
    loop.now += 0.5
    loop.fire_due()  # the linger after a refusal
    assert transport.closed


def test_a_trickled_request_gets_408_at_the_request_deadline() -> None:
    loop, proto, transport = fake_connection()
    proto.data_received(b"GET /v2/ping HTTP/1.1\r\n")
    for second in range(1, 40):
        loop.now += 1
        if second % 2 == 0:
            proto.data_received(b"X-Trickle: %d\r\n" % second)  # a line every 2 s
        loop.fire_due()
        if transport.written:
            break
    assert second == 30  # request_timeout, although it never stayed silent for 5 s
    assert b"it took longer than 30 s (request_timeout)" in transport.written
