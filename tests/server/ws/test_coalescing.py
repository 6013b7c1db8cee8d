"""Coalesced writes of the websocket API (opt-in): same frames, same order, fewer system calls.

The fast path subclasses an internal of uvicorn; the last tests check what it relies on
(the class, and ``connection_made`` setting ``transport`` and ``loop``) against the
installed uvicorn, so an upgrade that moves them fails here.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from uvicorn.protocols.websockets import websockets_sansio_impl

from tests.server.ws.conftest import Conn, unique
from zaqarclient.server.config import Config
from zaqarclient.server.ws.transport import (
    MAX_BYTES,
    MAX_FRAMES,
    CoalescingTransport,
    CoalescingWebSocketProtocol,
)
from zaqarclient.testing import ReferenceServer


class _Recorder(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[Any] = []

    def write(self, data: Any) -> None:
        self.events.append(bytes(data))

    def close(self) -> None:
        self.events.append("close")

    def abort(self) -> None:
        self.events.append("abort")

    def is_closing(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return 0


def _run(scenario: Any) -> list[Any]:
    loop = asyncio.new_event_loop()
    try:
        real = _Recorder()
        loop.run_until_complete(scenario(CoalescingTransport(real, loop)))
        return real.events
    finally:
        loop.close()


def test_writes_of_one_turn_go_out_together_at_its_end() -> None:
    async def scenario(transport: CoalescingTransport) -> None:
        transport.write(b"a")
        transport.write(b"")
        transport.writelines([b"b", b"c"])
        assert transport.get_write_buffer_size() == 3
        await asyncio.sleep(0)
        transport.write(b"d")
        await asyncio.sleep(0)

    assert _run(scenario) == [b"abc", b"d"]


def test_long_bursts_go_out_in_pieces() -> None:
    async def scenario(transport: CoalescingTransport) -> None:
        for n in range(MAX_FRAMES + 1):
            transport.write(b"%d" % n)
        transport.write(b"x" * MAX_BYTES)
        await asyncio.sleep(0)

    frames = [b"%d" % n for n in range(MAX_FRAMES + 1)]
    assert _run(scenario) == [b"".join(frames[:MAX_FRAMES]), frames[-1] + b"x" * MAX_BYTES]


def test_close_writes_what_is_gathered_first_and_abort_drops_it() -> None:
    async def scenario(transport: CoalescingTransport) -> None:
        transport.write(b"close frame")
        transport.close()
        transport.write(b"lost")
        transport.abort()
        await asyncio.sleep(0)

    assert _run(scenario) == [b"close frame", "close", "abort"]


@pytest.fixture
def coalescing() -> Iterator[ReferenceServer]:
    with ReferenceServer(Config(coalesce_websocket_writes=True)) as srv:
        yield srv


@pytest.fixture
def conn(coalescing: ReferenceServer) -> Iterator[Conn]:
    made = Conn("ws" + coalescing.url[len("http"):] + "/")
    yield made
    made.close()


def test_pipelined_requests_are_answered_in_order(conn: Conn) -> None:
    queue = unique()
    for n in range(50):
        conn.ws.send(json.dumps({
            "action": "message_post", "headers": {**conn.headers, "n": n},
            "body": {"queue_name": queue, "messages": [{"body": n}]},
        }))
    replies = [conn.recv() for _ in range(50)]
    assert [r["request"]["headers"]["n"] for r in replies] == list(range(50))
    assert {r["headers"]["status"] for r in replies} == {201}
    listed = conn.ok("message_list", {"queue_name": queue, "echo": True, "limit": 10})
    assert [m["body"] for m in listed["messages"]] == list(range(10))


def test_the_uvicorn_protocol_it_extends_is_still_there() -> None:
    assert issubclass(CoalescingWebSocketProtocol,
                      websockets_sansio_impl.WebSocketsSansIOProtocol)


def test_connection_made_sets_transport_and_loop(coalescing: ReferenceServer) -> None:
    seen: list[CoalescingWebSocketProtocol] = []
    made = CoalescingWebSocketProtocol.connection_made

    def spy(self: CoalescingWebSocketProtocol, transport: asyncio.BaseTransport) -> None:
        made(self, transport)
        seen.append(self)

    CoalescingWebSocketProtocol.connection_made = spy  # type: ignore[method-assign]
    try:
        conn = Conn("ws" + coalescing.url[len("http"):] + "/")
        conn.ok("queue_list", {})
        conn.close()
    finally:
        CoalescingWebSocketProtocol.connection_made = made  # type: ignore[method-assign]
    assert len(seen) == 1
    assert isinstance(seen[0].transport, CoalescingTransport)
    assert isinstance(seen[0].loop, asyncio.AbstractEventLoop)
