"""Queue behaviour through the SDK, against the reference server and a real Zaqar."""

from __future__ import annotations

import pytest

from tests.conftest import Backend
from zaqarclient import errors
from zaqarclient.queues.v2.client import Client
from zaqarclient.transport import errors as terrors

RESERVED_DEFAULTS = {
    "_max_messages_post_size": 262144,
    "_default_message_ttl": 3600,
    "_default_message_delay": 0,
    "_dead_letter_queue": None,
    "_dead_letter_queue_messages_ttl": None,
    "_max_claim_count": None,
    "_enable_encrypt_messages": False,
}


def names(client: Client, **params: object) -> list[str]:
    return [queue.name for queue in client.list_queues(**params)]


def test_queue_handle_is_lazy_and_post_creates_it(client: Client) -> None:
    queue = client.queue("lazy-q")
    assert names(client) == []
    assert not queue.exists()
    queue.post({"body": "hello"})
    assert names(client) == ["lazy-q"]
    assert queue.exists()


def test_force_create_and_create_report_whether_new(client: Client) -> None:
    client.queue("forced", force_create=True)
    assert names(client) == ["forced"]
    fresh = client.queue("made")
    assert fresh.create({"color": "red"}) is True
    assert fresh.create({"color": "blue"}) is False
    # Zaqar ignores the metadata of a PUT on an existing queue.
    assert fresh.metadata(force_reload=True)["color"] == "red"


def test_invalid_names_fail_before_any_request(client: Client) -> None:
    for bad in ["has space", "x" * 65, "", "caf\u00e9", "a/b"]:
        with pytest.raises(errors.InvalidNameError):
            client.queue(bad)
    with pytest.raises(ValueError):  # python-zaqarclient raised ValueError; still true
        client.queue("bad#name")
    assert client.queue("dots.are-fine_1").name == "dots.are-fine_1"
    for bad_type in [None, True, 1.5, b"bytes"]:
        with pytest.raises(errors.InvalidNameError):
            client.queue(bad_type)  # type: ignore[arg-type]


def test_an_integer_name_is_its_decimal_text(client: Client) -> None:
    queue = client.queue(1)  # type: ignore[arg-type]  # python-zaqarclient's test base does this
    assert queue.name == "1"
    queue.post({"body": "one"})
    assert [m.body for m in client.queue("1").messages(echo=True)] == ["one"]


def test_metadata_defaults_set_replace_and_reserved_reset(client: Client) -> None:
    queue = client.queue("meta", force_create=True)
    assert queue.metadata() == RESERVED_DEFAULTS
    updated = queue.metadata(new_meta={"a": 1, "_default_message_ttl": 120})
    assert updated == {**RESERVED_DEFAULTS, "a": 1, "_default_message_ttl": 120}
    replaced = queue.metadata(new_meta={"b": [1, 2]})
    assert replaced == {**RESERVED_DEFAULTS, "b": [1, 2]}
    assert queue.metadata_dict == replaced
    with pytest.raises(terrors.MalformedRequest) as caught:
        queue.metadata(new_meta={"_default_message_ttl": 10})
    assert caught.value.title == "Invalid request body"


def test_update_metadata_conflicts_are_typed(client: Client) -> None:
    queue = client.queue("patchy", force_create=True)
    with pytest.raises(terrors.ConflictError) as caught:
        queue.update_metadata([{"op": "replace", "path": "/metadata/nope", "value": 1}])
    assert caught.value.description == "Can't replace non-existent object nope."
    with pytest.raises(terrors.ResourceNotFound):
        client.queue("missing").update_metadata([{"op": "add", "path": "/metadata/k", "value": 1}])


def test_listing_pages_through_everything(client: Client) -> None:
    expected = sorted(f"q{i:02d}" for i in range(23))
    for name in expected:
        client.queue(name, force_create=True)
    assert names(client) == expected
    assert names(client, limit=7) == expected
    first_page = client.list_queues(limit=5).stream(False)
    assert [q.name for q in first_page] == expected[:5]
    iterator, count = client.queues(with_count=True, limit=20)
    assert len(list(iterator)) == 23
    assert count in (23, True)  # MongoDB counts; the Redis driver reports True


def test_detailed_listing_carries_metadata(client: Client) -> None:
    client.queue("d1").create({"k": "v"})
    (queue,) = client.list_queues(detailed=True)
    assert queue.metadata()["k"] == "v"
    assert queue.href == "/v2/queues/d1"


def test_stats_of_missing_and_busy_queues(client: Client) -> None:
    assert client.queue("nothing").stats == {"messages": {"claimed": 0, "free": 0, "total": 0}}
    queue = client.queue("busy")
    queue.post([{"body": i} for i in range(5)])
    queue.claim(limit=2)
    stats = queue.stats["messages"]
    assert (stats["claimed"], stats["free"], stats["total"]) == (2, 3, 5)
    assert stats["oldest"]["href"].startswith("/v2/queues/busy/messages/")


def test_purge_leaves_claimed_messages(client: Client) -> None:
    queue = client.queue("purgeable")
    queue.post([{"body": i} for i in range(4)])
    queue.claim(limit=1)
    queue.purge(["messages"])
    assert queue.stats["messages"]["total"] == 1
    with pytest.raises(terrors.MalformedRequest):
        queue.purge(["everything"])


def test_delete_removes_queue_and_messages(client: Client) -> None:
    queue = client.queue("doomed")
    queue.post({"body": 1})
    queue.delete()
    assert names(client) == []
    assert list(queue.messages(echo=True)) == []
    queue.delete()  # deleting again is fine (204)


def test_projects_are_isolated(backend: Backend) -> None:
    alice, bob = backend.client(), backend.client()
    alice.queue("shared-name").post({"body": "alice's"})
    assert names(bob) == []
    assert list(bob.queue("shared-name").messages(echo=True)) == []
