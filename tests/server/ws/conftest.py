"""Fixtures of the websocket API tests: a reference server and raw websocket connections."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import msgpack
import pytest
from websocket import ABNF, WebSocket, create_connection

from zaqarclient.server.config import Config, Token
from zaqarclient.testing import ReferenceServer

CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c"


class Conn:
    """One raw websocket connection speaking JSON (or MessagePack) envelopes."""

    def __init__(self, url: str, project: str = "p1") -> None:
        self.ws: WebSocket = create_connection(url, timeout=5)
        self.headers: dict[str, Any] = {"Client-ID": CLIENT_ID, "X-Project-ID": project}

    def send(self, action: str, body: Any = None, headers: Any = None) -> dict[str, Any]:
        doc: dict[str, Any] = {"action": action, "headers": headers or self.headers}
        if body is not None:
            doc["body"] = body
        self.ws.send(json.dumps(doc))
        return self.recv()

    def send_binary(self, doc: Any) -> Any:
        self.ws.send(msgpack.packb(doc), opcode=ABNF.OPCODE_BINARY)
        opcode, data = self.ws.recv_data()
        assert opcode == ABNF.OPCODE_BINARY
        return msgpack.unpackb(data)

    def send_raw(self, text: str) -> dict[str, Any]:
        self.ws.send(text)
        return self.recv()

    def recv(self, timeout: float = 5) -> Any:
        self.ws.settimeout(timeout)
        return json.loads(self.ws.recv())

    def ok(self, action: str, body: Any = None) -> Any:
        """Send, check the status is 2xx and return the response body."""
        resp = self.send(action, body)
        assert resp["headers"]["status"] < 300, resp
        return resp["body"]

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as srv:
        yield srv


@pytest.fixture
def connect(server: ReferenceServer) -> Iterator[Callable[..., Conn]]:
    made: list[Conn] = []

    def factory(project: str = "p1", path: str = "/") -> Conn:
        conn = Conn("ws" + server.url[len("http"):] + path, project)
        made.append(conn)
        return conn

    yield factory
    for conn in made:
        conn.close()


@pytest.fixture
def conn(connect: Callable[..., Conn]) -> Conn:
    return connect()


@pytest.fixture
def token_server() -> Iterator[ReferenceServer]:
    config = Config(tokens={"good": Token("tp")})
    with ReferenceServer(config) as srv:
        yield srv


def unique(prefix: str = "q") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
