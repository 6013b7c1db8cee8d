"""Signed URLs (section 7), share (4.4.8), pools and flavors (4.9, 4.10), health, topics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.conftest import Api, make_api
from tests.support.redis_store import RedisStore
from zaqarclient.server import signing
from zaqarclient.server.config import Config


@pytest.mark.parametrize(("key", "paths", "methods", "project", "expires", "signature"), [
    ("secret", ["/v2/queues/q/messages"], ["GET"], "p", "2030-01-01T00:00:00",
     "75e8eb995184cfed9aeca9a314497da9b9976b13105df69560fe425b171a2f28"),
    ("secret", ["/v2/queues/q/messages"], ["POST", "GET"], None, "2030-01-01T00:00:00Z",
     "c3c5827e2fbff8ca68c8e167627ff945666f6bf949da8d63b0c2e23d3dce0400"),
    ("test_secret", ["/v2/queues/src/claims", "/v2/queues/src/messages"], ["GET", "POST"],
     "proj1", "2099-01-01T00:00:00",
     "f9446a6f9ff7452bdce7e32d090f2cd1d55821a6a21de833637c4087a2a6dfa8"),
])
def test_vectors(key: str, paths: list[str], methods: list[str], project: str | None,
                 expires: str, signature: str) -> None:
    doc = signing.sign(key, paths, project=project, methods=methods, expires=expires,
                       now=1.7e9)
    assert doc["signature"] == signature
    assert doc["expires"] == expires.rstrip("Z")


def test_share_and_use(api: Api) -> None:
    resp = api.post("/v2/queues/q/share", {"paths": ["messages", "claims"],
                                          "methods": ["POST", "GET"],
                                          "expires": "2099-01-01T00:00:00+01:00"})
    assert resp.status_code == 200
    doc = resp.json()
    assert doc["paths"] == ["/v2/queues/q/claims", "/v2/queues/q/messages"]
    assert doc["methods"] == ["GET", "POST"]
    assert (doc["project"], doc["expires"]) == ("p1", "2098-12-31T23:00:00")
    signed = {"URL-Signature": doc["signature"], "URL-Expires": doc["expires"],
              "URL-Methods": ",".join(doc["methods"]), "URL-Paths": ",".join(doc["paths"])}
    assert api.post("/v2/queues/q/messages", {"messages": [{"body": 1}]},
                    headers=signed).status_code == 201
    mid = api.get("/v2/queues/q/messages?echo=true").json()["messages"][0]["id"]
    assert api.get(f"/v2/queues/q/messages/{mid}", headers=signed).status_code == 200
    for bad in ({"URL-Signature": "0" * 64}, {"X-Project-ID": "p2"},
                {"URL-Expires": "garbage"}):
        resp = api.get("/v2/queues/q/messages", headers={**signed, **bad})
        assert (resp.status_code, resp.json()) == (404, {"title": "404 Not Found"})
    assert api.delete("/v2/queues/q/messages?pop=1", headers=signed).status_code == 404
    assert api.get("/v2/queues/q/stats", headers=signed).status_code == 404
    assert api.get("/v2/queues/q/messages", headers={**signed, "Client-ID": None}
                   ).status_code == 400
    api.clock.advance(10**10)
    assert api.get("/v2/queues/q/messages", headers=signed).status_code == 404


@pytest.mark.parametrize(("body", "text"), [
    ({"project_id": "x"}, "Unknown keys: {'project_id'}"),
    ({"paths": ["x"]}, "Invalid paths: {'x'}"),
    ({"methods": "GET"}, "`methods` should be a list"),
    ({"expires": "1234"}, "`expires` should be date format, for example 2016-01-01T00:00:00, "
                          "not integer value: 1234"),
    ({"expires": "2000-01-01T00:00:00"}, "`expires` is lower than the current time"),
])
def test_share_errors(fast_api: Api, body: object, text: str) -> None:
    resp = fast_api.post("/v2/queues/q/share", body)
    assert resp.json() == {"title": "Invalid API request", "description": text}


def test_share_defaults_and_missing_key(fast_api: Api) -> None:
    doc = fast_api.post("/v2/queues/q/share", {}).json()
    assert (doc["paths"], doc["methods"]) == (["/v2/queues/q/messages"], ["GET"])
    assert fast_api.get("/v2/queues").json()["queues"] == []
    assert fast_api.post("/v2/queues/q/share").json()["description"] == (
        "Request body could not be parsed.")
    fast_api.config.secret_key = None
    assert fast_api.post("/v2/queues/q/share", {}).json()["description"] == (
        "The `key` can't be None")


@pytest.fixture(params=["http", "inproc"])
def unpooled_admin_api(request: pytest.FixtureRequest) -> Iterator[Api]:
    """Admin calls to a server without pooling: the non-pooled MongoDB health report."""
    yield from make_api(request, Config(pooling=False), admin=True)


def test_pools(admin_api: Api, pool_store: RedisStore) -> None:
    api, uri = admin_api, pool_store.uri(1)
    resp = api.put("/v2/pools/p1", {"uri": uri, "weight": 100,
                                    "options": {"x": 1}})
    assert (resp.status_code, resp.headers["location"]) == (201, "/v2/pools/p1")
    assert api.put("/v2/pools/p1", {"uri": uri, "weight": 5}).status_code == 201
    assert api.put("/v2/pools/p2", {"uri": uri, "weight": 1}).json() == {
        "title": "Resource conflict", "description": "The database URI is in use by another pool."}
    for bad in ({"uri": "x:y"}, {"uri": "x:y", "weight": -1}, {"uri": "x:y", "weight": 1,
                                                               "group": "g"}):
        assert api.put("/v2/pools/p3", bad).status_code == 400
    # Pools and flavors read JSON with their own loader and its own error text.
    for path in ("/v2/pools/p3", "/v2/flavors/f3"):
        for raw in (b"{", b""):
            assert api.put(path, raw=raw).json()["description"] == "JSON could not be parsed."
    assert api.get("/v2/pools/p1").json() == {"name": "p1", "uri": uri,
                                              "weight": 5, "flavor": None, "href": "/v2/pools/p1"}
    assert api.get("/v2/pools/p1?detailed=true").json()["options"] == {}
    listing = api.get("/v2/pools?limit=1")
    assert listing.headers["content-location"] == "/v2/pools?limit=1"
    assert listing.json()["links"][0]["href"] == "/v2/pools?limit=1&marker=p1"
    assert api.patch("/v2/pools/p1", {"weight": 7}).json()["weight"] == 7
    assert api.patch("/v2/pools/p1", {}).json()["description"] == (
        "One of `uri`, `weight`, `flavor`, or `options` needs to be specified")
    assert api.patch("/v2/pools/nope", {"weight": 1}).status_code == 404
    assert api.get("/v2/pools/nope").json()["description"] == "Pool nope does not exist"


def test_flavors(admin_api: Api, pool_store: RedisStore) -> None:
    api = admin_api
    api.put("/v2/pools/p1", {"uri": pool_store.uri(1), "weight": 1})
    api.put("/v2/pools/p2", {"uri": pool_store.uri(2), "weight": 1})
    assert api.put("/v2/flavors/f1", {"pool_list": ["p1"]}).status_code == 201
    got = api.get("/v2/flavors/f1").json()
    assert got["pool_list"] == ["p1"] and "HIGH_THROUGHPUT" in got["capabilities"]
    assert api.get("/v2/pools/p1").json()["flavor"] == "f1"
    assert api.delete("/v2/pools/p1").json() == {
        "title": "Unable to delete",
        "description": "This pool is used by flavors f1; It cannot be deleted."}
    empty = api.put("/v2/flavors/f2", {"pool_list": []})
    assert (empty.status_code, empty.json()) == (400, {"title": "Unable to create",
                                                       "description": "Bad Request"})
    missing = api.put("/v2/flavors/f2", {"pool_list": ["zz"]})
    assert missing.json()["description"] == (
        "Flavor f2 could not be created, error:Pool zz does not exist")
    patched = api.patch("/v2/flavors/f1", {"pool_list": ["p2"]}).json()
    assert patched["pool_list"] == ["p2"]
    assert api.get("/v2/pools/p1").json()["flavor"] is None
    assert api.patch("/v2/flavors/f1", {}).json()["description"] == (
        "`pool_list` needs to be specified")
    listing = api.get("/v2/flavors?detailed=true").json()
    assert listing["flavors"][0]["name"] == "f1" and "capabilities" in listing["flavors"][0]
    assert api.put("/v2/queues/fq", {"_flavor": "nope"}).json()["description"] == (
        "Flavor nope does not exist")
    assert api.put("/v2/queues/fq", {"_flavor": "f1"}).status_code == 201
    assert api.delete("/v2/flavors/f1").status_code == 204
    assert api.get("/v2/flavors/f1").json()["description"] == "Flavor f1 does not exist"
    assert api.delete("/v2/pools/p2").status_code == 204


def test_health(unpooled_admin_api: Api) -> None:
    api = unpooled_admin_api
    api.post_messages("q", 1, 2)
    api.claim("q", limit=1)
    doc = api.get("/v2/health").json()
    assert doc["storage_reachable"] is True
    assert doc["message_volume"] == {"free": 1, "claimed": 1, "total": 2}


def test_topics(api: Api) -> None:
    assert api.put("/v2/topics/t1").status_code == 201
    assert api.put("/v2/topics/t1").status_code == 204
    assert api.get("/v2/queues").json()["queues"] == []
    assert [t["name"] for t in api.get("/v2/topics").json()["topics"]] == ["t1"]
    assert list(api.get("/v2/topics/t1").json()) == [
        "_max_messages_post_size", "_default_message_ttl", "_default_message_delay"]
    assert api.get("/v2/topics/bad*name").json()["title"] == "Invalid topic identification"
    resp = api.post("/v2/topics/t1/messages", {"messages": [{"body": "hi"}]})
    assert resp.status_code == 201
    assert resp.json()["resources"][0].startswith("/v2/topics/t1/messages/")
    listed = api.get("/v2/topics/t1/messages?echo=true").json()["messages"]
    assert listed[0]["href"].startswith("/v2/topics/t1/messages/")
    assert api.get("/v2/queues/t1/messages?echo=true").json()["messages"] == []
    assert api.get("/v2/topics/t1/stats").json() == {"messages": {
        "total": 1, "oldest": listed[0] and api.get("/v2/topics/t1/stats").json()["messages"][
            "oldest"], "newest": api.get("/v2/topics/t1/stats").json()["messages"]["newest"]}}
    assert api.post("/v2/topics/t1/subscriptions", {"subscriber": "http://h.test/"}
                    ).status_code == 201
    assert api.post("/v2/topics/t1/purge").status_code == 204
    assert api.delete("/v2/topics/t1").status_code == 204


def test_missing_topic_and_queue_name_their_kind(api: Api) -> None:
    change = [{"op": "add", "path": "/metadata/a", "value": 1}]
    ct = {"Content-Type": "application/openstack-messaging-v2.0-json-patch"}
    topic = api.patch("/v2/topics/absent", change, headers=ct)
    assert topic.status_code == 404
    assert topic.json()["description"] == "Topic absent does not exist for project p1"
    queue = api.patch("/v2/queues/absent", change, headers=ct)
    assert queue.json()["description"] == "Queue absent does not exist for project p1"
