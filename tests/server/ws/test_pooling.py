"""Websocket actions that create a queue on a pooled server with no pool to put it in.

The expected answers were read off a real Zaqar 23.0.1 websocket server with
``pooling = True`` and no virtual pool.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.ws.conftest import Conn
from zaqarclient.server.config import Config
from zaqarclient.testing import ReferenceServer


@pytest.fixture
def conn() -> Iterator[Conn]:
    config = Config(profile="zaqar-23", admin_mode=True, pooling=True)
    with ReferenceServer(config) as server:
        connection = Conn("ws" + server.url[len("http"):])
        yield connection
        connection.close()


def test_no_pool_for_a_new_queue(conn: Conn) -> None:
    def answer(action: str, body: dict[str, object]) -> tuple[int, object]:
        resp = conn.send(action, body)
        return resp["headers"]["status"], resp["body"]

    assert answer("queue_create", {"queue_name": "q1"}) == (
        503, {"exception": "No pools registered", "error": "Queue q1 could not be created."})
    assert answer("queue_create", {"queue_name": "q1", "metadata": {"_flavor": "nope"}}) == (
        503, {"exception": "Flavor nope does not exist",
              "error": "Queue q1 could not be created."})
    assert answer("message_post", {"queue_name": "q2", "messages": [{"body": 1}]}) == (
        500, {"exception": "No pools registered", "error": "Unexpected error."})
    assert answer("subscription_create", {"queue_name": "q3", "ttl": 3600,
                                          "subscriber": "http://127.0.0.1:9/x"}) == (
        503, {"exception": "No pools registered",
              "error": "Subscription q3 could not be created."})
