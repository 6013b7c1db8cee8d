"""Message operations through Queue and Message over websocket."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue
from zaqarclient.transport.errors import ResourceNotFound


def _ids(result: dict[str, list[str]]) -> list[str]:
    return [href.rsplit("/", 1)[-1] for href in result["resources"]]


def test_post_answers_hrefs(queue: Queue) -> None:
    result = queue.post([{"body": {"a": 1}, "ttl": 120}, {"body": "two"}])
    assert len(result["resources"]) == 2
    assert all(h.startswith(f"/v2/queues/{queue.name}/messages/") for h in result["resources"])


def test_list_pages_with_the_last_id_as_marker(queue: Queue) -> None:
    ids = _ids(queue.post([{"body": i} for i in range(7)]))
    listed = list(queue.messages(echo=True, limit=2))
    assert [m.id for m in listed] == ids
    assert [m.body for m in listed] == list(range(7))
    assert listed[0].href == f"/v2/queues/{queue.name}/messages/{ids[0]}"


def test_list_hides_own_messages_without_echo(
    client_factory: Callable[..., Client], queue: Queue
) -> None:
    queue.post({"body": "mine"})
    assert list(queue.messages()) == []
    other = client_factory().queue(queue.name, auto_create=False)
    assert [m.body for m in other.messages()] == ["mine"]


def test_get_one_and_many(queue: Queue) -> None:
    ids = _ids(queue.post([{"body": "x"}, {"body": "y"}, {"body": "z"}]))
    one = queue.message(ids[1])
    assert (one.id, one.body, one.claim_id) == (ids[1], "y", None)
    assert one.href == f"/v2/queues/{queue.name}/messages/{ids[1]}"
    many = list(queue.messages(ids[0], ids[2]))
    assert sorted(m.body for m in many) == ["x", "z"]


def test_get_many_with_none_found_is_404_as_over_http(queue: Queue) -> None:
    with pytest.raises(ResourceNotFound):
        list(queue.messages("0f0e0d0c-0b0a-4909-8807-060504030201"))


def test_get_missing_message_is_404(queue: Queue) -> None:
    with pytest.raises(ResourceNotFound) as info:
        queue.message("0f0e0d0c-0b0a-4909-8807-060504030201")
    assert "does not exist" in info.value.description


def test_delete_one_and_many(queue: Queue) -> None:
    ids = _ids(queue.post([{"body": i} for i in range(4)]))
    queue.message(ids[0]).delete()
    queue.delete_messages(ids[1], ids[2])
    assert [m.id for m in queue.messages(echo=True)] == [ids[3]]


def test_pop_removes_and_returns(queue: Queue) -> None:
    queue.post([{"body": "a"}, {"body": "b"}, {"body": "c"}])
    popped = list(queue.pop(2))
    assert sorted(m.body for m in popped) == ["a", "b"]
    assert popped[0].claim_count == 0
    assert queue.stats["messages"]["total"] == 1
