"""Message behaviour through the SDK, against the reference server and a real Zaqar."""

from __future__ import annotations

import pytest

from tests.conftest import Backend
from zaqarclient.queues.v2.client import Client
from zaqarclient.transport import errors as terrors


def test_post_returns_resources_in_order(client: Client) -> None:
    queue = client.queue("posts")
    result = queue.post([{"body": {"n": 1}, "ttl": 300}, {"body": "two"}])
    assert len(result["resources"]) == 2
    assert all(r.startswith("/v2/queues/posts/messages/") for r in result["resources"])
    ids = [r.rsplit("/", 1)[1] for r in result["resources"]]
    messages = list(queue.messages(echo=True))
    assert [m.id for m in messages] == ids
    assert [(m.body, m.ttl) for m in messages] == [({"n": 1}, 300), ("two", 3600)]
    assert messages[0].href == f"/v2/queues/posts/messages/{ids[0]}"
    assert messages[0].claim_id is None and messages[0].age is not None


def test_listing_pages_through_all_messages(client: Client) -> None:
    queue = client.queue("many")
    queue.post([{"body": i} for i in range(25)])
    assert [m.body for m in queue.messages(echo=True)] == list(range(25))
    assert [m.body for m in queue.messages(echo=True, limit=4)] == list(range(25))
    assert len(list(queue.messages(echo=True).stream(False))) == 10


def test_listing_filter_keeps_matching_bodies_across_pages(client: Client) -> None:
    queue = client.queue("filtered")
    queue.post([{"body": {"n": i, "state": "active" if i % 3 == 0 else "building"}}
                for i in range(25)] + [{"body": "plain text"}])
    active = queue.messages(echo=True, limit=4, filter="state=active")
    assert [m.body["n"] for m in active] == list(range(0, 25, 3))
    other = queue.messages(echo=True, filter=["state!=active", "n=1*"])
    assert [m.body["n"] for m in other] == [1, 10, 11, 13, 14, 16, 17, 19]
    ids = [m.id for m in queue.messages(echo=True, limit=3).stream(False)]
    assert [m.body["n"] for m in queue.messages(*ids, filter={"n": [1, 2]})] == [1, 2]


def test_echo_hides_own_messages_from_the_poster_only(backend: Backend, project: str) -> None:
    producer = backend.client(project)
    consumer = backend.client(project)
    producer.queue("echo").post({"body": "mine"})
    assert list(producer.queue("echo").messages()) == []
    assert [m.body for m in producer.queue("echo").messages(echo=True)] == ["mine"]
    assert [m.body for m in consumer.queue("echo").messages()] == ["mine"]


def test_configured_client_uuid_is_the_echo_identity(backend: Backend, project: str) -> None:
    same = "5a3c8f3e-2b9e-11e3-b191-71861300734c"
    one = backend.client(project, client_uuid=same)
    two = backend.client(project, client_uuid=same.replace("-", "").upper())
    one.queue("ids").post({"body": 1})
    assert list(two.queue("ids").messages()) == []  # Zaqar compares Client-IDs as UUIDs


def test_get_one_get_many_and_missing(client: Client, project: str) -> None:
    queue = client.queue("lookup")
    ids = [r.rsplit("/", 1)[1] for r in queue.post([{"body": i} for i in range(3)])["resources"]]
    assert queue.message(ids[1]).body == 1
    got = {m.id: m.body for m in queue.messages(ids[0], ids[2], "unknown-id")}
    assert got == {ids[0]: 0, ids[2]: 2}
    with pytest.raises(terrors.ResourceNotFound) as caught:
        queue.message("nope")
    assert caught.value.description == (
        f"Message nope does not exist in queue lookup for project {project}"
    )
    with pytest.raises(terrors.ResourceNotFound):
        list(queue.messages("nope1", "nope2"))


def test_delete_one_and_many(client: Client) -> None:
    queue = client.queue("deletes")
    ids = [r.rsplit("/", 1)[1] for r in queue.post([{"body": i} for i in range(5)])["resources"]]
    queue.message(ids[0]).delete()
    queue.delete_messages(ids[1], ids[2], "not-there")
    assert [m.id for m in queue.messages(echo=True)] == ids[3:]


def test_pop_returns_unclaimed_messages_in_pop_shape(backend: Backend, client: Client) -> None:
    queue = client.queue("pops")
    queue.post([{"body": i} for i in range(4)])
    queue.claim(limit=1)
    popped = list(queue.pop(2))
    assert [m.body for m in popped] == [1, 2]
    assert all(m.claim_count == 0 and m.href is None and m.checksum is None for m in popped)
    if backend.kind == "reference":  # MongoDB semantics; the Redis driver fills claim_id
        assert all(m.claim_id is None for m in popped)
    assert [m.body for m in queue.pop(5)] == [3]
    assert list(queue.pop(1)) == []
    with pytest.raises(terrors.MalformedRequest) as caught:
        list(queue.pop(21))
    assert caught.value.description == (
        "Pop value must be at least 1 and may not be greater than 20."
    )


def test_validation_errors_carry_zaqar_texts(client: Client) -> None:
    queue = client.queue("strict")
    with pytest.raises(terrors.MalformedRequest) as caught:
        queue.post({"body": 1, "ttl": 10})
    assert caught.value.title == "Invalid API request"
    assert caught.value.description == (
        "The TTL for a message may not exceed 1209600 seconds, "
        "and must be at least 60 seconds long."
    )
    assert caught.value.request_id and caught.value.request_id.startswith("req-")
    with pytest.raises(terrors.MalformedRequest, match="No messages to enqueu"):
        queue.post([])
    with pytest.raises(terrors.MalformedRequest) as caught:
        list(queue.messages(limit=21))
    assert caught.value.description == "Limit must be at least 1 and may not be greater than 20."


def test_oversized_post_is_rejected_not_truncated(client: Client) -> None:
    queue = client.queue("big")
    with pytest.raises(terrors.MalformedRequest, match="too large"):
        queue.post({"body": "x" * 262144})
    assert list(queue.messages(echo=True)) == []


def test_delayed_messages_need_a_queue_default_delay(client: Client) -> None:
    plain = client.queue("nodelay")
    plain.post({"body": 1, "delay": 60})  # silently dropped by Zaqar
    assert [m.body for m in plain.messages(echo=True)] == [1]
    delayed = client.queue("delayed")
    delayed.create({"_default_message_delay": 30})
    delayed.post({"body": 2})
    assert list(delayed.messages(echo=True)) == []
    assert [m.body for m in delayed.messages(echo=True, include_delayed=True)] == [2]
