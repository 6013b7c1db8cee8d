"""Connection-bound subscriptions: pushed frames with no envelope, format, removal on close."""

from __future__ import annotations

import json
from collections.abc import Callable

import msgpack
from websocket import ABNF

from tests.server.ws.conftest import Conn
from zaqarclient.testing import ReferenceServer


def test_push_arrives_without_envelope(connect: Callable[..., Conn]) -> None:
    listener, poster = connect(), connect()
    created = listener.send("subscription_create", {"queue_name": "nq", "ttl": 600})
    assert created["headers"] == {"status": 201}
    poster.ok("message_post", {"queue_name": "nq", "messages": [{"body": {"e": 1}, "ttl": 120}]})
    push = listener.recv(timeout=1)  # within a second, no sleeping
    assert push == {"ttl": 120, "body": {"e": 1}, "Message_Type": "Notification",
                    "queue_name": "nq"}
    assert list(push) == ["ttl", "body", "Message_Type", "queue_name"]


def test_subscriber_is_the_connection(connect: Callable[..., Conn]) -> None:
    conn = connect()
    sid = conn.ok("subscription_create", {"queue_name": "nq"})["subscription_id"]
    sub = conn.ok("subscription_get", {"queue_name": "nq", "subscription_id": sid})
    assert sub["subscriber"].startswith("http://127.0.0.1:")
    again = conn.send("subscription_create", {"queue_name": "nq"})
    assert again["headers"] == {"status": 409}


def test_push_format_follows_last_binary_subscription(connect: Callable[..., Conn]) -> None:
    listener, poster = connect(), connect()
    resp = listener.send_binary({"action": "subscription_create", "headers": listener.headers,
                                 "body": {"queue_name": "bq"}})
    assert resp["headers"] == {"status": 201}
    poster.ok("message_post", {"queue_name": "bq", "messages": [{"body": "hi", "ttl": 60}]})
    listener.ws.settimeout(1)
    opcode, data = listener.ws.recv_data()
    assert opcode == ABNF.OPCODE_BINARY
    assert msgpack.unpackb(data) == {"ttl": 60, "body": "hi", "Message_Type": "Notification",
                                     "queue_name": "bq"}


def test_failed_subscription_does_not_change_format(connect: Callable[..., Conn]) -> None:
    listener, poster = connect(), connect()
    listener.ok("subscription_create", {"queue_name": "fq"})
    resp = listener.send_binary({"action": "subscription_create", "headers": listener.headers,
                                 "body": {"queue_name": "fq"}})
    assert resp["headers"] == {"status": 409}  # not successful: pushes stay JSON
    poster.ok("message_post", {"queue_name": "fq", "messages": [{"body": 1}]})
    listener.ws.settimeout(1)
    opcode, data = listener.ws.recv_data()
    assert opcode == ABNF.OPCODE_TEXT and json.loads(data)["body"] == 1


def test_one_push_per_message(connect: Callable[..., Conn]) -> None:
    listener, poster = connect(), connect()
    listener.ok("subscription_create", {"queue_name": "mq"})
    poster.ok("message_post", {"queue_name": "mq", "messages": [{"body": n} for n in range(3)]})
    assert sorted(listener.recv(timeout=1)["body"] for _ in range(3)) == [0, 1, 2]


def test_subscriptions_removed_on_close(
    server: ReferenceServer, connect: Callable[..., Conn]
) -> None:
    listener, other = connect(), connect()
    listener.ok("subscription_create", {"queue_name": "cq"})
    listener.ok("subscription_create", {"queue_name": "cq", "subscriber": "http://keep.test/"})
    assert len(other.ok("subscription_list", {"queue_name": "cq"})["subscriptions"]) == 2
    listener.close()
    # The server drops them when it sees the close; wait on the socket, not the clock.
    for _ in range(200):
        subs = other.ok("subscription_list", {"queue_name": "cq"})["subscriptions"]
        if len(subs) == 1:
            break
    assert [s["subscriber"] for s in subs] == ["http://keep.test/"]
    assert len(server.app.notifier.sinks) == 1  # only the open connection remains


def test_post_without_listeners_is_fine(conn: Conn) -> None:
    conn.ok("subscription_create", {"queue_name": "solo"})
    conn.ok("message_post", {"queue_name": "solo", "messages": [{"body": 1}]})
    assert conn.recv(timeout=1)["queue_name"] == "solo"  # own post notifies too
