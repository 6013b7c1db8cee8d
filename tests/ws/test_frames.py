"""Many frames in flight, large frames, cancelled waits, a ping from the server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.ws.helpers import ws
from zaqarclient.queues.v2.client import Client
from zaqarclient.transport.request import Request


@pytest.fixture
def fast_client(client_factory: Callable[..., Client]) -> Client:
    """A websocket client (``ws_fast_frames``, once a fast path's switch, is ignored)."""
    return client_factory(ws_fast_frames=True)


def test_many_replies_in_one_read_are_all_delivered(fast_client: Client) -> None:
    queue = fast_client.queue("many", force_create=True)
    futures = [
        fast_client.submit(
            Request("message_post", {"queue_name": queue.name}, body={"messages": [{"body": n}]})
        )
        for n in range(300)
    ]
    assert [f.result(10).status for f in futures] == [201] * 300
    assert len(futures[0].result(10).created) == 1


@pytest.mark.parametrize("fmt", ["json", "msgpack"])
def test_messages_larger_than_a_read_and_a_16_bit_frame(
    client_factory: Callable[..., Client], fmt: str
) -> None:
    client = client_factory(ws_format=fmt)
    queue = client.queue("big-" + fmt, force_create=True)
    body = {"text": "é" * 30000 + "x" * 100000}  # ~160 KB of UTF-8 per frame
    href = queue.post({"body": body})["resources"][0]
    assert queue.message(href.rsplit("/", 1)[-1]).body == body


def test_a_cancelled_submit_does_not_stop_the_reader(fast_client: Client) -> None:
    queue = fast_client.queue("cancelled", force_create=True)
    request = Request("queue_get_stats", {"queue_name": queue.name})
    futures = [fast_client.submit(request) for _ in range(50)]
    kept = [f for f in futures if not f.cancel()]
    assert [f.result(10).status for f in kept] == [200] * len(kept)
    assert fast_client.call(request).status == 200
    assert ws(fast_client).connected
