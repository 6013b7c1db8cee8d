"""Connection-bound subscriptions: pushed notifications, callbacks, re-subscribe."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from tests.ws.helpers import ws
from zaqarclient.errors import ConfigurationError, InvalidOperation, TimeoutError, ZaqarError
from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue
from zaqarclient.queues.v2.ws_subscribe import Notification, subscribe


def test_post_is_notified_within_a_second(client: Client, queue: Queue) -> None:
    with subscribe(client, queue, ttl=300) as sub:
        assert sub.id
        queue.post({"body": {"event": "built"}, "ttl": 120})
        note = sub.next_notification(timeout=1.0)
    assert note.queue_name == queue.name
    assert note.body == {"event": "built"}
    assert note.ttl == 120
    assert note.message_type == "Notification"


def test_notifications_are_not_taken_for_replies(client: Client, queue: Queue) -> None:
    sub = subscribe(client, queue.name)
    for n in range(5):
        queue.post({"body": n})
        assert queue.stats["messages"]["total"] == n + 1  # replies keep flowing
    assert sorted(sub.next_notification(1.0).body for _ in range(5)) == list(range(5))
    sub.close()


def test_timeout_and_iteration_with_timeout(client: Client, queue: Queue) -> None:
    sub = subscribe(client, queue)
    with pytest.raises(TimeoutError):
        sub.next_notification(timeout=0.2)
    queue.post([{"body": "a"}, {"body": "b"}])
    assert sorted(n.body for n in sub.iter(timeout=1.0)) == ["a", "b"]
    sub.close()
    assert list(sub) == []
    with pytest.raises(InvalidOperation):
        sub.next_notification(0.1)


def test_callback_receives_notifications(client: Client, queue: Queue) -> None:
    got: list[Notification] = []
    done = threading.Event()

    def on_note(note: Notification) -> None:
        got.append(note)
        _ = queue.stats  # a request from the callback must not deadlock the reader
        done.set()

    with subscribe(client, queue, callback=on_note):
        queue.post({"body": "cb"})
        assert done.wait(2.0)
    assert [n.body for n in got] == ["cb"]


def test_close_deletes_the_subscription(client: Client, queue: Queue) -> None:
    sub = subscribe(client, queue)
    assert [s.id for s in client.subscriptions(queue.name)] == [sub.id]
    sub.close()
    assert list(client.subscriptions(queue.name)) == []


def test_other_queues_are_not_delivered(client: Client, queue: Queue) -> None:
    other = client.queue(queue.name + "-x", force_create=True)
    a = subscribe(client, queue)
    b = subscribe(client, other)
    other.post({"body": "for b"})
    assert b.next_notification(1.0).body == "for b"
    with pytest.raises(TimeoutError):
        a.next_notification(0.2)
    a.close()
    b.close()


def test_resubscribes_after_the_connection_drops(
    client: Client, client_factory: Callable[..., Client], queue: Queue
) -> None:
    sub = subscribe(client, queue)
    old_id = sub.id
    ws(client).connection().abort()  # the network goes away
    poster = client_factory().queue(queue.name, auto_create=False)
    note = None
    for attempt in range(40):  # notifications are lost until the re-subscribe lands
        poster.post({"body": attempt})
        try:
            note = sub.next_notification(timeout=0.25)
            break
        except TimeoutError:
            continue
    assert note is not None
    assert sub.id != old_id
    sub.close()


def test_subscribe_needs_a_websocket_client(client: Client, queue: Queue) -> None:
    class Fake:
        def transport(self) -> object:
            return object()

    with pytest.raises(InvalidOperation, match="websocket"):
        subscribe(Fake(), queue)  # type: ignore[arg-type]


def test_closing_the_client_ends_iteration(client_factory: Callable[..., Client]) -> None:
    client = client_factory()
    queue = client.queue("closing", force_create=True)
    sub = subscribe(client, queue)
    client.close()
    with pytest.raises(ZaqarError):
        sub.next_notification(timeout=2.0)


def test_filter_delivers_only_matching_bodies(client: Client, queue: Queue) -> None:
    wanted = ["event_type=compute.instance.*", "state=active|error"]
    with client.subscribe(queue, filter=wanted) as sub:
        queue.post([
            {"body": {"event_type": "compute.instance.update", "state": "building"}},
            {"body": {"event_type": "compute.instance.update", "state": "active", "n": 1}},
            {"body": {"event_type": "image.update", "state": "active"}},
            {"body": "not an object"},
            {"body": {"event_type": "compute.instance.delete.end", "state": "error", "n": 2}},
        ])
        got = [sub.next_notification(timeout=2.0).body["n"] for _ in range(2)]
        with pytest.raises(TimeoutError):
            sub.next_notification(timeout=0.3)
    assert sorted(got) == [1, 2]
    assert sub.filtered_out == 3


def test_bad_filter_fails_before_subscribing(client: Client, queue: Queue) -> None:
    with pytest.raises(ConfigurationError, match="has no '='"):
        client.subscribe(queue, filter="state")
