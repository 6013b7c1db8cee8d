"""Webhook subscriptions through the Subscription resource over websocket."""

from __future__ import annotations

import pytest

from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue
from zaqarclient.transport.errors import ConflictError


def test_create_get_list_delete(client: Client, queue: Queue) -> None:
    sub = client.subscription(queue.name, subscriber="http://127.0.0.1:9/hook", ttl=300)
    assert sub.id
    assert (sub.subscriber, sub.ttl, sub.confirmed) == ("http://127.0.0.1:9/hook", 300, False)
    again = client.subscription(queue.name, id=sub.id)
    assert again.subscriber == sub.subscriber
    assert [s.id for s in client.subscriptions(queue.name)] == [sub.id]
    sub.delete()
    assert list(client.subscriptions(queue.name)) == []


def test_list_pages(client: Client, queue: Queue) -> None:
    made = [
        client.subscription(queue.name, subscriber=f"http://127.0.0.1:9/h{i}", ttl=300).id
        for i in range(3)
    ]
    assert sorted(s.id for s in queue.subscriptions(limit=1)) == sorted(made)


def test_duplicate_is_409_over_websocket(client: Client, queue: Queue) -> None:
    client.subscription(queue.name, subscriber="http://127.0.0.1:9/dup", ttl=300)
    with pytest.raises(ConflictError) as info:
        client.subscription(queue.name, subscriber="http://127.0.0.1:9/dup", ttl=300)
    assert "not created" in info.value.description
