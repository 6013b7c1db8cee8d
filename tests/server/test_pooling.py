"""Pooling mode: queue placement, pool URIs that must answer, capabilities, health."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.conftest import Api, make_api
from tests.server.test_pool_stores import FakeMongo, _bson
from tests.support.redis_store import RedisStore
from zaqarclient.server.config import Config


@pytest.fixture(params=["inproc"])
def pooled(request: pytest.FixtureRequest) -> Iterator[Api]:
    """Pooling with no virtual pool (Zaqar's default for enable_virtual_pool), as admin."""
    yield from make_api(request, Config(enable_virtual_pool=False), admin=True)


def test_no_pool_no_queue(pooled: Api) -> None:
    resp = pooled.put("/v2/queues/q")
    assert (resp.status_code, resp.json()["description"]) == (
        503, "Queue could not be created. Please try again in a few seconds.")
    assert pooled.put("/v2/topics/t").json()["description"] == (
        "Topic could not be created. Please try again in a few seconds.")
    posted = pooled.post("/v2/queues/q/messages", {"messages": [{"body": 1}]})
    assert (posted.status_code, posted.json()) == (
        500, {"title": "Internal server error", "description": "No pools registered"})
    sub = pooled.post("/v2/queues/q/subscriptions", {"subscriber": "http://h.test/"})
    assert sub.status_code == 503
    assert pooled.get("/v2/queues").json()["queues"] == []
    assert pooled.get("/v2/health").json() == {"catalog_reachable": True}


def test_queues_go_to_pools(pooled: Api, pool_store: RedisStore) -> None:
    assert pooled.put("/v2/pools/p1", {"uri": pool_store.uri(1), "weight": 1}).status_code == 201
    assert pooled.put("/v2/queues/q").status_code == 201
    assert pooled.put("/v2/flavors/f", {"pool_list": ["p1"]}).status_code == 201
    assert pooled.put("/v2/queues/fq", {"_flavor": "f"}).status_code == 201
    # Every pool now has a flavor: a queue without one has nowhere to go (MongoDB).
    assert pooled.put("/v2/queues/plain").status_code == 503
    assert pooled.put("/v2/queues/q").status_code == 204  # existing queues stay
    health = pooled.get("/v2/health").json()
    assert health["catalog_reachable"] is True
    assert set(health["p1"]) == {"storage_reachable", "operation_status"}  # redis's shape


def test_virtual_pool_takes_queues_until_a_pool_exists(admin_api: Api) -> None:
    assert admin_api.put("/v2/queues/q").status_code == 201
    assert admin_api.post("/v2/queues/q2/messages", {"messages": [{"body": 1}]}
                          ).status_code == 201


def test_pool_uri_must_answer(pooled: Api, pool_store: RedisStore) -> None:
    refused = pooled.put("/v2/pools/p", {"uri": "redis://:s3cret@127.0.0.1:1", "weight": 1})
    assert (refused.status_code, refused.json()) == (400, {
        "title": "Invalid request body",
        "description": "cannot connect to redis://:***@127.0.0.1:1"})
    # Zaqar connects before it looks the pool up.
    patch = pooled.patch("/v2/pools/nope", {"uri": "redis://127.0.0.1:1"})
    assert patch.status_code == 400
    assert pooled.put("/v2/pools/p", {"uri": pool_store.uri(2), "weight": 1}).status_code == 201
    assert pooled.patch("/v2/pools/p", {"uri": "mongodb://127.0.0.1:1"}).status_code == 400
    assert pooled.get("/v2/pools/p").json()["uri"] == pool_store.uri(2)


def test_capabilities_come_from_the_pools_driver(pooled: Api, pool_store: RedisStore) -> None:
    mongo = FakeMongo(_bson(b"\x10ok\x00\x01\x00\x00\x00"))
    try:
        mongo_uri = f"mongodb://127.0.0.1:{mongo.port}"
        assert pooled.put("/v2/pools/m", {"uri": mongo_uri, "weight": 1}).status_code == 201
        mismatch = pooled.put("/v2/pools/r", {"uri": pool_store.uri(3), "weight": 1})
        assert (mismatch.status_code, mismatch.json()["title"]) == (400, "Unable to create pool")
        pooled.put("/v2/flavors/fm", {"pool_list": ["m"]})
        assert pooled.get("/v2/flavors/fm").json()["capabilities"] == [
            "FIFO", "CLAIMS", "DURABILITY", "AOD", "HIGH_THROUGHPUT"]
        health = pooled.get("/v2/health").json()
        assert health["m"]["message_volume"] == {"free": 0, "claimed": 0, "total": 0}
    finally:
        mongo.close()
    # An unreachable MongoDB pool cannot count its messages: Zaqar's health is a 503.
    assert pooled.get("/v2/health").status_code == 503


def test_unreachable_redis_pool_in_health(pooled: Api) -> None:
    with RedisStore() as store:
        assert pooled.put("/v2/pools/r", {"uri": store.base_uri, "weight": 1}).status_code == 201
        pooled.put("/v2/flavors/f", {"pool_list": ["r"]})
        assert pooled.get("/v2/flavors/f").json()["capabilities"] == [
            "FIFO", "CLAIMS", "AOD", "HIGH_THROUGHPUT"]
    health = pooled.get("/v2/health").json()
    assert health["catalog_reachable"] is False
    assert health["r"]["storage_reachable"] is False
    assert health["r"]["operation_status"]["post_messages"]["succeeded"] is False


def test_only_the_last_pool_of_a_flavor_is_kept(pooled: Api, pool_store: RedisStore) -> None:
    for n in (4, 5):
        pooled.put(f"/v2/pools/p{n}", {"uri": pool_store.uri(n), "weight": 1})
    pooled.put("/v2/flavors/f", {"pool_list": ["p4", "p5"]})
    assert pooled.delete("/v2/pools/p4").status_code == 204
    assert pooled.delete("/v2/pools/p5").status_code == 403
