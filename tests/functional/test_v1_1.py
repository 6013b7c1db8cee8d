"""API v1.1 through the SDK: v1.1 semantics, and typed errors for what it lacks."""

from __future__ import annotations

import pytest

from zaqarclient import errors
from zaqarclient.queues.client import Client as make_client
from zaqarclient.queues.v1_1.client import Client as ClientV11
from zaqarclient.queues.v2.client import Client
from zaqarclient.transport import errors as terrors


def test_factory_returns_the_v1_1_client() -> None:
    for version in (1.1, "1.1", "v1.1"):
        client = make_client("http://127.0.0.1:1", version=version)
        assert isinstance(client, ClientV11) and client.api.label == "v1.1"
    with pytest.raises(errors.ZaqarError, match="Unknown client version 3"):
        make_client("http://127.0.0.1:1", version=3)
    with pytest.raises(errors.ConfigurationError, match="websocket API exists only for API v2"):
        make_client("ws://127.0.0.1:1", version=1.1)


def test_queue_lifecycle_and_raw_metadata(client_v1_1: Client) -> None:
    queue = client_v1_1.queue("v11q")
    assert not queue.exists()
    assert queue.create({"color": "red"}) is True
    assert queue.exists()
    assert queue.metadata() == {"color": "red"}  # raw: no reserved defaults in v1.1
    assert client_v1_1.queue("missing").metadata() == {}
    assert [q.name for q in client_v1_1.list_queues()] == ["v11q"]
    queue.delete()
    assert not queue.exists()


def test_exists_pages_past_neighbouring_names(client_v1_1: Client) -> None:
    for name in ["a", "ab", "ab-1", "ab-2", "abc", "b"]:
        client_v1_1.queue(name, force_create=True)
    assert client_v1_1.queue("abc").exists()
    assert client_v1_1.queue("a").exists()
    assert not client_v1_1.queue("abb").exists()
    assert not client_v1_1.queue("c").exists()


def test_messages_claims_pop_stats(client_v1_1: Client) -> None:
    queue = client_v1_1.queue("work")
    result = queue.post([{"body": i, "ttl": 120} for i in range(5)])
    assert all(r.startswith("/v1.1/queues/work/messages/") for r in result["resources"])
    assert [m.body for m in queue.messages(echo=True, limit=2)] == list(range(5))
    claim = queue.claim(ttl=60, limit=2)
    assert [m.body for m in claim] == [0, 1]
    for message in claim:
        message.delete()
    assert [m.body for m in queue.pop(1)] == [2]
    assert queue.stats["messages"]["total"] == 2
    with pytest.raises(terrors.MalformedRequest):
        queue.post({"body": 1, "ttl": 5})


def test_v2_only_operations_raise_before_sending(client_v1_1: Client) -> None:
    queue = client_v1_1.queue("limits")
    cases = [
        lambda: queue.metadata(new_meta={"a": 1}),
        lambda: queue.update_metadata([]),
        lambda: queue.purge(),
        lambda: queue.signed_url(),
        lambda: queue.subscriptions(),
        lambda: client_v1_1.subscription("limits", subscriber="http://x"),
        lambda: list(queue.messages(include_delayed=True)),
    ]
    for call in cases:
        with pytest.raises(errors.UnsupportedVersion, match=r"Zaqar API 1\.1"):
            call()
    assert isinstance(errors.UnsupportedVersion("x"), errors.InvalidOperation)
    assert [q.name for q in client_v1_1.list_queues()] == []  # nothing was sent


def test_ping_and_homedoc(client_v1_1: Client) -> None:
    assert client_v1_1.ping() is True
    assert "rel/queues" in client_v1_1.homedoc()["resources"]
