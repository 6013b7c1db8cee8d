"""Queue operations through the Queue resource over websocket."""

from __future__ import annotations

import uuid

from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue


def test_create_reports_new_then_existing(client: Client) -> None:
    queue = client.queue("c-" + uuid.uuid4().hex[:8], auto_create=False)
    assert queue.create({"color": "blue"}) is True
    assert queue.create() is False


def test_get_metadata_is_the_stored_metadata(client: Client) -> None:
    queue = client.queue("m-" + uuid.uuid4().hex[:8], auto_create=False)
    queue.create({"color": "blue", "n": 3})
    assert queue.metadata(force_reload=True) == {"color": "blue", "n": 3}


def test_list_pages_through_every_queue(client: Client) -> None:
    names = sorted(f"l{i}-{uuid.uuid4().hex[:6]}" for i in range(5))
    for name in names:
        client.queue(name, force_create=True)
    listed = [q.name for q in client.list_queues(limit=2)]
    assert listed == names
    first = next(iter(client.list_queues(limit=2)))
    assert first.href == f"/v2/queues/{names[0]}"


def test_list_detailed_carries_metadata(client: Client) -> None:
    client.queue("d-" + uuid.uuid4().hex[:8], auto_create=False).create({"k": "v"})
    (found,) = list(client.list_queues(detailed=True))
    assert found.metadata() == {"k": "v"}


def test_stats_count_messages_and_link_oldest(queue: Queue) -> None:
    queue.post([{"body": 1}, {"body": 2}])
    stats = queue.stats["messages"]
    assert (stats["free"], stats["claimed"], stats["total"]) == (2, 0, 2)
    assert stats["oldest"]["href"].startswith(f"/v2/queues/{queue.name}/messages/")


def test_stats_of_missing_queue_are_zeros_as_over_http(client: Client) -> None:
    queue = client.queue("nope-" + uuid.uuid4().hex[:6], auto_create=False)
    assert queue.stats == {"messages": {"claimed": 0, "free": 0, "total": 0}}


def test_purge_and_delete(client: Client, queue: Queue) -> None:
    queue.post([{"body": i} for i in range(3)])
    queue.purge(["messages"])
    assert queue.stats["messages"]["total"] == 0
    queue.delete()
    assert queue.name not in [q.name for q in client.list_queues()]


def test_a_listing_flag_that_asks_for_nothing_is_accepted(client: Client) -> None:
    name = "wc-" + uuid.uuid4().hex[:8]
    client.queue(name, force_create=True)
    queues, count = client.queues(with_count=False)
    assert [q.name for q in queues] == [name] and count is None
