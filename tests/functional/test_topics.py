"""Topics through the SDK.

Topics exist only in Zaqar's MongoDB driver, which the reference server follows.
With the Redis driver the test suite runs real Zaqar 23.0.1 on, a topic PUT
answers 204 and every other topic route answers 503 or 500; the last two tests
pin that, so our SDK's errors for it stay typed.
"""

from __future__ import annotations

import pytest

from tests.conftest import Backend
from tests.support.real_zaqar import RealZaqar
from zaqarclient import errors
from zaqarclient.queues.v2.client import Client
from zaqarclient.transport import errors as terrors


def test_topic_create_list_metadata_stats_delete(reference_backend: Backend) -> None:
    client = reference_backend.client()
    topic = client.topic("news")
    assert topic.create({"region": "eu"}) is True
    assert topic.create() is False
    assert [t.name for t in client.topics()] == ["news"]
    assert topic.metadata()["region"] == "eu"
    assert topic.metadata(new_meta={"region": "us"})["region"] == "us"
    assert topic.stats["messages"]["total"] == 0
    topic.purge()
    topic.delete()
    assert list(client.topics()) == []
    assert list(client.list_queues()) == []  # topics and queues are separate namespaces


def test_topic_name_errors_say_topic() -> None:
    client = Client("http://127.0.0.1:9", conf={"auth_opts": {"backend": "noauth"}})
    with pytest.raises(errors.InvalidNameError, match=r"^Topic name 'bad name!' is invalid"):
        client.topic("bad name!")


def test_topics_have_no_claims_or_signed_urls(client: Client) -> None:
    topic = client.topic("plain")
    with pytest.raises(errors.InvalidOperation):
        topic.claim()
    with pytest.raises(errors.InvalidOperation):
        topic.signed_url()


def test_topic_messages_and_subscriptions(reference_backend: Backend) -> None:
    client = reference_backend.client()
    topic = client.topic("alerts")
    topic.post([{"body": {"level": i}} for i in range(3)])
    assert [m.body["level"] for m in topic.messages(echo=True)] == [0, 1, 2]
    first = next(iter(topic.messages(echo=True)))
    first.delete()
    assert len(list(topic.messages(echo=True))) == 2
    sid = topic.subscribe("http://127.0.0.1:9/hook", ttl=3600)
    assert [s["id"] for s in topic.subscriptions()] == [sid]
    got = topic.subscription(sid)
    assert (got["id"], got["subscriber"], got["ttl"]) == (sid, "http://127.0.0.1:9/hook", 3600)
    topic.unsubscribe(sid)
    assert topic.subscriptions() == []


def test_topic_routes_on_real_zaqar_redis(real_zaqar_v2_not_pooled: RealZaqar) -> None:
    # Without pooling: a pooled Zaqar on the SQLAlchemy catalogue has no topics at all.
    backend = Backend("real", real_zaqar_v2_not_pooled.url)
    with backend.client(retries=0) as client:
        topic = client.topic("news")
        assert topic.create() is False  # 204: the Redis driver stores nothing
        with pytest.raises(terrors.ServiceUnavailableError, match="Topics could not be listed"):
            list(client.topics())
        with pytest.raises(terrors.ServiceUnavailableError, match="stats could not be read"):
            _ = topic.stats
        with pytest.raises(terrors.InternalServerError, match="topic_name"):
            topic.post({"body": 1})
