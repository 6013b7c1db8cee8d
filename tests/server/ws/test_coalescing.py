"""Replies to pipelined websocket requests: same frames, same order, in few writes.

``Config.coalesce_websocket_writes`` once chose an opt-in protocol; the websocket
protocol now always coalesces, and the option is still accepted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.server.ws.conftest import Conn, unique
from zaqarclient.server.config import Config
from zaqarclient.testing import ReferenceServer


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
