"""Drops, reconnects and the MessagePack frame format against the server."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest

from tests.ws.helpers import ws
from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue
from zaqarclient.queues.v2.ws_subscribe import subscribe


def test_next_call_reconnects_after_a_drop(client: Client, queue: Queue) -> None:
    transport = ws(client)
    first = transport.connection()
    first.abort()
    assert queue.stats["messages"]["total"] == 0
    assert transport.connection() is not first
    assert not first.alive


def test_a_dropped_post_is_not_silently_resent(client: Client, queue: Queue) -> None:
    transport = ws(client)
    transport.connection().abort()
    # Either the drop is seen first (fresh connection, sent once) or the
    # post fails: never sent twice.
    with contextlib.suppress(ConnectionError):
        queue.post({"body": "once"})
    assert queue.stats["messages"]["total"] <= 1


def test_close_is_final(client: Client, queue: Queue) -> None:
    client.close()
    with pytest.raises(ConnectionError, match="closed"):
        _ = queue.stats


def test_msgpack_frames_end_to_end(client_factory: Callable[..., Client]) -> None:
    client = client_factory(ws_format="msgpack")
    assert ws(client).codec.format == "msgpack"
    queue = client.queue("mp-q", force_create=True)
    sub = subscribe(client, queue)
    ids = [h.rsplit("/", 1)[-1] for h in queue.post([{"body": {"bin": [1, 2]}}])["resources"]]
    assert queue.message(ids[0]).body == {"bin": [1, 2]}
    assert sub.next_notification(1.0).body == {"bin": [1, 2]}
    claim = queue.claim(ttl=60)
    assert [m.id for m in claim] == ids
    sub.close()
