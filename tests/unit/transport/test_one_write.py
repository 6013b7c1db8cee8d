"""Each request leaves in one write: head and body together (fewer segments, fewer wake-ups)."""

from __future__ import annotations

import io
import socket
from typing import Any

from urllib3.connection import HTTPConnection

from tests.support.loopback import LoopbackServer, Reply
from zaqarclient.queues.client import Client
from zaqarclient.transport.http import HttpTransport
from zaqarclient.transport.one_write import OneWriteHTTPConnection


class RecordingSocket:
    """Wraps a connected socket; records every sendall()."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.writes: list[bytes] = []

    def sendall(self, data: Any) -> None:
        self.writes.append(bytes(data))
        self._sock.sendall(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def connect(url: str) -> tuple[OneWriteHTTPConnection, RecordingSocket]:
    host, port = url.rsplit("/", 1)[1].split(":")
    conn = OneWriteHTTPConnection(host, int(port))
    conn.connect()
    recorder = RecordingSocket(conn.sock)
    conn.sock = recorder  # type: ignore[assignment]
    return conn, recorder


def test_head_and_body_go_out_in_one_write() -> None:
    with LoopbackServer([Reply(201, {"resources": []})]) as srv:
        conn, recorder = connect(srv.url)
        conn.request("POST", "/v2/queues/q/messages", body=b'{"messages":[]}',
                     headers={"Content-Type": "application/json"})
        assert conn.getresponse().status == 201
        assert len(recorder.writes) == 1
        assert recorder.writes[0].startswith(b"POST /v2/queues/q/messages HTTP/1.1\r\n")
        assert recorder.writes[0].endswith(b'\r\n\r\n{"messages":[]}')
        assert srv.requests[0].body == b'{"messages":[]}'
        conn.close()


def test_file_bodies_keep_their_order() -> None:
    with LoopbackServer([Reply(201, {})]) as srv:
        conn, _ = connect(srv.url)
        conn.request("PUT", "/x", body=io.BytesIO(b"streamed body"),
                     headers={"Content-Length": "13"})
        assert conn.getresponse().status == 201
        assert srv.requests[0].body == b"streamed body"
        conn.close()


def _endpoint_pool(client: Client) -> Any:
    pipeline = client._pipeline_instance
    assert pipeline is not None
    transport = pipeline.transport
    assert isinstance(transport, HttpTransport)
    return transport._endpoint_pool


def test_the_sdk_endpoint_pool_uses_one_write_connections_when_asked() -> None:
    with LoopbackServer([Reply(201, {"resources": ["/v2/queues/q/messages/1"]})]) as srv:
        conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "p"}},
                "one_write": True}
        with Client(srv.url, version=2, conf=conf) as client:
            client.queue("q").post({"body": 1})
            assert _endpoint_pool(client).ConnectionCls is OneWriteHTTPConnection
        assert srv.requests[0].json() == {"messages": [{"body": 1}]}


def test_the_default_path_keeps_urllib3s_own_connections() -> None:
    with LoopbackServer([Reply(201, {"resources": ["/v2/queues/q/messages/1"]})]) as srv:
        conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "p"}}}
        with Client(srv.url, version=2, conf=conf) as client:
            client.queue("q").post({"body": 1})
            assert _endpoint_pool(client).ConnectionCls is HTTPConnection
