"""Oversized and slow requests over real sockets: bounded, refused clearly, never a stall."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterable, Iterator

import pytest
import requests

from tests.security.server_process import ServerProcess
from zaqarclient.server.config import Config
from zaqarclient.testing import ReferenceServer

CID = "3381af92-2b9e-11e3-b191-71861300734c"
HEAD = f"Host: x\r\nClient-ID: {CID}\r\nX-Project-ID: limits\r\n"


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    # Short timeouts so the slow-client cases take a second, not the default 30 s.
    with ReferenceServer(Config(request_timeout=1.0, idle_timeout=0.6)) as ref:
        yield ref


def exchange(server: ReferenceServer, chunks: Iterable[bytes]) -> tuple[int, dict[str, str],
                                                                          bytes]:
    """Send everything (ignoring a reset once the server refused), read the whole answer."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            for chunk in chunks:
                sock.sendall(chunk)
        except OSError:
            pass
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def description(body: bytes) -> str:
    text: str = json.loads(body)["description"]
    return text


def test_a_50_mib_header_is_refused_once_the_head_passes_its_bound(
    server: ReferenceServer,
) -> None:
    def chunks() -> Iterator[bytes]:
        yield f"GET /v2/queues HTTP/1.1\r\n{HEAD}X-Big: ".encode()
        for _ in range(800):
            yield b"a" * 65536
    status, headers, body = exchange(server, chunks())
    assert status == 431 and headers["connection"] == "close"
    assert description(body) == ("The request line and headers are larger than 1048576 bytes "
                                 "(max_header_bytes).")


@pytest.mark.parametrize(("extra", "status", "text"), [
    ("X-Big: " + "a" * 65536 + "\r\n", 431,
     "A header line is longer than 65536 bytes (max_header_line)."),
    ("".join(f"X-H{i}: v\r\n" for i in range(20000)), 431,
     "The request has more than 100 headers (max_header_count)."),
])
def test_header_lines_and_counts_are_bounded_like_zaqars_server(
    server: ReferenceServer, extra: str, status: int, text: str
) -> None:
    got, _, body = exchange(server, [f"GET /v2/queues HTTP/1.1\r\n{HEAD}{extra}\r\n".encode()])
    assert (got, description(body)) == (status, text)


def test_a_hundred_headers_are_still_fine(server: ReferenceServer) -> None:
    extra = "".join(f"X-H{i}: v\r\n" for i in range(96))
    request = f"GET /v2/queues HTTP/1.1\r\n{HEAD}{extra}Connection: close\r\n\r\n"
    assert exchange(server, [request.encode()])[0] == 200


def test_a_long_request_target_gets_414(server: ReferenceServer) -> None:
    request = "GET /v2/queues?" + "a" * 70000 + f" HTTP/1.1\r\n{HEAD}\r\n"
    status, _, body = exchange(server, [request.encode()])
    assert status == 414 and "max_request_line" in description(body)


def test_an_unterminated_chunked_body_is_not_buffered(server: ReferenceServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield f"POST /v2/queues/ch/claims HTTP/1.1\r\n{HEAD}Transfer-Encoding: chunked\r\n\r\n"\
            .encode()
        for _ in range(200):  # 12.5 MiB and never a last chunk
            yield b"10000\r\n" + b"a" * 65536 + b"\r\n"
    status, headers, body = exchange(server, chunks())
    assert status == 413 and headers["connection"] == "close"
    assert description(body) == ("The request body is larger than 262144 bytes, the most this "
                                 "server accepts (max_body_size).")


def test_declared_oversize_bodies_get_the_routes_own_answer_or_413(
    server: ReferenceServer,
) -> None:
    h = {"Client-ID": CID, "X-Project-ID": "limits"}
    big = b"x" * 300_000
    resp = requests.post(server.url + "/v2/queues/q/messages", data=big, headers=h)
    assert resp.status_code == 400
    assert resp.json()["description"] == "Message collection size is too large. Max size 262144"
    resp = requests.put(server.url + "/v2/queues/q", data=big, headers=h)
    assert resp.json()["description"] == "Queue metadata is too large. Max size: 65536"
    resp = requests.post(server.url + "/v2/queues/q/subscriptions", data=big, headers=h)
    assert resp.status_code == 413
    resp = requests.post(server.url + "/v2/queues/q/claims", data=iter([big]), headers=h)
    assert resp.status_code == 413  # chunked: no Content-Length to check first
    assert requests.get(server.url + "/v2/ping", headers=h).status_code == 204


def test_an_oversize_expect_100_continue_gets_the_final_answer_at_once(
    server: ReferenceServer,
) -> None:
    request = (f"POST /v2/queues/q/claims HTTP/1.1\r\n{HEAD}Expect: 100-continue\r\n"
               "Content-Length: 5000000\r\n\r\n")
    status, _, _ = exchange(server, [request.encode()])
    assert status == 413


def test_a_request_trickled_a_line_at_a_time_gets_408_at_the_deadline(
    server: ReferenceServer,
) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        start = time.monotonic()
        sock.sendall(b"GET /v2/queues HTTP/1.1\r\n")
        data = b""
        for line in range(40):
            time.sleep(0.1)  # well inside idle_timeout: only the request deadline can end it
            try:
                sock.sendall(b"X-Slow-%d: v\r\n" % line)
            except OSError:
                break
        while chunk := sock.recv(65536):
            data += chunk
        elapsed = time.monotonic() - start
    assert data.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"it took longer than 1 s (request_timeout)" in data
    assert 0.9 < elapsed < 3


def test_a_silent_connection_is_closed_after_the_idle_timeout(server: ReferenceServer) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        start = time.monotonic()
        assert sock.recv(100) == b""  # closed without an answer: no request was started
        assert 0.5 < time.monotonic() - start < 2


def test_connections_past_the_cap_are_told_so_and_the_server_recovers(
        caplog: pytest.LogCaptureFixture) -> None:
    config = Config(max_connections=5)
    caplog.set_level(logging.WARNING, logger="zaqarclient.server.http")
    with ReferenceServer(config) as ref:
        port = int(ref.url.rsplit(":", 1)[1])
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(5)]
        try:
            for _ in range(3):
                with socket.create_connection(("127.0.0.1", port), timeout=5) as extra:
                    extra.sendall(f"GET /v2/ping HTTP/1.1\r\n{HEAD}\r\n".encode())
                    data = b""
                    while chunk := extra.recv(65536):
                        data += chunk
                assert data.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
                assert b"retry-after: 1" in data
                assert b"The server has 5 open connections, its limit (max_connections)." in data
            # The operator hears of it once, not once per refused connection.
            notices = [r.getMessage() for r in caplog.records if "Refusing connections" in
                       r.getMessage()]
            assert notices == ["Refusing connections with 503: 5 open, the limit "
                               "(max_connections); 1 refused since the last notice"]
        finally:
            for sock in held:
                sock.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            resp = requests.get(ref.url + "/v2/ping", headers={"Client-ID": CID,
                                                               "X-Project-ID": "p"})
            if resp.status_code == 204:
                break
            time.sleep(0.05)
        assert resp.status_code == 204


def test_slow_clients_cannot_exhaust_a_128_file_limit() -> None:
    # The original report: 148 connections trickling header lines against a 128-file
    # limit left the server unable to accept anything. The cap is 128 - 64 = 64 here.
    with ServerProcess("--request-timeout", "2", "--idle-timeout", "1",
                       open_files=128) as proc:
        slow = []
        for _ in range(148):
            sock = socket.create_connection(("127.0.0.1", proc.port), timeout=5)
            sock.sendall(b"GET /v2/queues HTTP/1.1\r\n")
            slow.append(sock)
        try:
            refused = 0
            for sock in slow:
                sock.settimeout(0.2)
                try:
                    if sock.recv(12).startswith(b"HTTP/1.1 503"):
                        refused += 1
                except TimeoutError:
                    pass
            # Most of the others were told why; a few may still wait in the listen backlog.
            assert refused >= 64, refused
            deadline = time.monotonic() + 10  # the held ones meet their request deadline
            while True:
                try:
                    assert proc.ping_ms() < 1000
                    break
                except (AssertionError, OSError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        finally:
            for sock in slow:
                sock.close()
