"""Queue resources (zaqar-api.md 4.4, 6.9)."""

from __future__ import annotations

import pytest

from tests.server.conftest import Api

PATCH = {"Content-Type": "application/openstack-messaging-v2.0-json-patch"}
DEFAULTS = {
    "_max_messages_post_size": 262144, "_default_message_ttl": 3600,
    "_default_message_delay": 0, "_dead_letter_queue": None,
    "_dead_letter_queue_messages_ttl": None, "_max_claim_count": None,
    "_enable_encrypt_messages": False,
}


def test_create_then_exists(api: Api) -> None:
    resp = api.put("/v2/queues/q", {"a": 1})
    assert (resp.status_code, resp.headers["location"], resp.content) == (201, "/v2/queues/q", b"")
    again = api.put("/v2/queues/q", {"a": 2})
    assert again.status_code == 204
    assert again.headers["location"] == "/v2/queues/q"
    assert api.get("/v2/queues/q").json() == {"a": 1, **DEFAULTS}


def test_create_body_errors(api: Api) -> None:
    resp = api.put("/v2/queues/q", raw=b"   ")
    assert resp.json() == {"title": "Invalid request body",
                           "description": "Request body could not be parsed."}
    assert api.put("/v2/queues/q", [1]).json()["description"] == "Document type not supported."
    big = api.put("/v2/queues/q", {"x": "y" * 65536})
    assert big.json() == {"title": "Invalid API request",
                          "description": "Queue metadata is too large. Max size: 65536"}
    huge = api.put("/v2/queues/q", raw=b'{"a": 99999999999999999999}')
    assert huge.json()["description"] == "JSON contains integer that is too large."


@pytest.mark.parametrize(("meta", "text"), [
    ({"_default_message_ttl": "x"}, "_default_message_ttl must be integer."),
    ({"_default_message_ttl": 0},
     "_default_message_ttl can not exceed 1209600 seconds, and must be at least 60 seconds long."),
    ({"_max_messages_post_size": 262145},
     "_max_messages_post_size can not exceed 262144,  and must be at least greater than 0."),
    ({"_max_claim_count": "2"}, "_max_claim_count must be integer."),
    ({"_dead_letter_queue_messages_ttl": 10},
     "The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds "
     "long."),
    ({"_default_message_delay": 901},
     "The TTL can not exceed 900 seconds, and must be at least 0 seconds long."),
    ({"_enable_encrypt_messages": 1}, "_enable_encrypt_messages must be boolean."),
    ({"_retry_policy": {"minimum_delay": 10, "maximum_delay": 15}},
     "invalid minimum_delay and maximum_delay."),
])
def test_reserved_metadata_validation(fast_api: Api, meta: dict[str, object], text: str) -> None:
    resp = fast_api.put("/v2/queues/q", meta)
    assert resp.status_code == 400
    assert resp.json() == {"title": "Invalid API request", "description": text}


def test_get_missing_queue_and_falsy_merge(api: Api) -> None:
    assert api.get("/v2/queues/missing").json() == DEFAULTS
    api.put("/v2/queues/q", {"_max_claim_count": 0, "_default_message_ttl": 120})
    doc = api.get("/v2/queues/q").json()
    assert doc["_max_claim_count"] is None
    assert doc["_default_message_ttl"] == 120


def test_patch(api: Api) -> None:
    path = "/v2/queues/q"
    assert api.patch(path, [], headers=PATCH).status_code == 404
    api.put(path, {"keep": 1})
    ops = [{"op": "add", "path": "/metadata/a", "value": 1},
           {"op": "replace", "path": "/metadata/_default_message_ttl", "value": 120},
           {"op": "remove", "path": "/metadata/keep"},
           {"op": "remove", "path": "/metadata/_max_claim_count"},
           {"op": "add", "path": "/metadata/x~1y", "value": True}]
    resp = api.patch(path, ops, headers=PATCH)
    assert resp.status_code == 200
    assert resp.json() == {**DEFAULTS, "a": 1, "_default_message_ttl": 120, "x/y": True}
    assert api.patch(path, [], headers=PATCH).status_code == 200
    missing = api.patch(path, [{"op": "replace", "path": "/metadata/nope", "value": 1}],
                        headers=PATCH)
    assert missing.status_code == 409
    assert missing.json() == {"title": "Resource conflict",
                              "description": "Can't replace non-existent object nope."}
    gone = api.patch(path, [{"op": "remove", "path": "/metadata/nope"}], headers=PATCH)
    assert gone.json()["description"] == "Can't remove non-existent object nope."


@pytest.mark.parametrize(("ops", "text"), [
    ([{"op": "move", "path": "/metadata/a"}],
     "Invalid operation: `move`. It must be one of the following: add, remove, replace."),
    ([{"path": "/metadata/a"}],
     "Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, "
     "replace."),
    ([{"op": "add", "value": 1}], "Unable to find 'path' in JSON Schema change"),
    ([{"op": "add", "path": "x", "value": 1}], 'Pointer `x` does not start with "/".'),
    ([{"op": "add", "path": "/a/b/c", "value": 1}],
     "Invalid JSON pointer for this resource: '/a/b/c, e.g /metadata/key'"),
    ([{"op": "add", "path": "/meta/a", "value": 1}],
     "The root of path must be metadata, e.g /metadata/key."),
    ([{"op": "add", "path": "/metadata/a"}], 'Operation "add" requires a member named "value".'),
    ([1], "Operations must be JSON objects."),
    ([{"op": "add", "path": "/metadata/_default_message_ttl", "value": 1}],
     "_default_message_ttl can not exceed 1209600 seconds, and must be at least 60 seconds long."),
])
def test_patch_errors(fast_api: Api, ops: list[object], text: str) -> None:
    fast_api.put("/v2/queues/q")
    resp = fast_api.patch("/v2/queues/q", ops, headers=PATCH)
    assert resp.status_code == 400
    assert resp.json() == {"title": "Invalid request body", "description": text}


def test_patch_media_type_size_and_body(api: Api) -> None:
    api.put("/v2/queues/q")
    resp = api.patch("/v2/queues/q", [], headers={"Content-Type": PATCH["Content-Type"]
                                                  + "; charset=utf-8"})
    assert resp.status_code == 415
    assert resp.json() == {
        "title": "415 Unsupported Media Type",
        "description": "Accepted media type for PATCH: {'Accept-Patch': "
                       "'application/openstack-messaging-v2.0-json-patch'}.",
    }
    big = api.patch("/v2/queues/q", raw=b"[" + b" " * 70000 + b"]", headers={})
    assert big.status_code == 400
    empty = api.patch("/v2/queues/q", headers=PATCH)
    assert empty.json()["description"] == "PATCH body could not be empty for update."
    assert api.patch("/v2/queues/q", {"a": 1}, headers=PATCH).status_code == 503


def test_delete_always_204_and_keeps_subscriptions(api: Api) -> None:
    assert api.delete("/v2/queues/none").status_code == 204
    api.post_messages("q", 1)
    api.post("/v2/queues/q/subscriptions", {"subscriber": "http://x.test/h"})
    assert api.delete("/v2/queues/q").status_code == 204
    assert api.get("/v2/queues").json() == {"queues": [], "links": []}
    assert api.get("/v2/queues/q/stats").json() == {"messages": {"claimed": 0, "free": 0,
                                                                 "total": 0}}
    api.put("/v2/queues/q")
    assert len(api.get("/v2/queues/q/subscriptions").json()["subscriptions"]) == 1


def test_list_paging_and_links(api: Api) -> None:
    for name in ("b", "a", "c"):
        api.put(f"/v2/queues/{name}", {"n": name})
    page = api.get("/v2/queues?limit=2&detailed=true").json()
    assert [q["name"] for q in page["queues"]] == ["a", "b"]
    assert page["queues"][0] == {"name": "a", "metadata": {"n": "a", **DEFAULTS},
                                 "href": "/v2/queues/a"}
    assert page["links"] == [{"rel": "next",
                              "href": "/v2/queues?limit=2&detailed=true&marker=b"}]
    nxt = api.get(page["links"][0]["href"]).json()
    assert [q["name"] for q in nxt["queues"]] == ["c"]
    assert api.get("/v2/queues?marker=c").json() == {"queues": [], "links": []}
    resp = api.get("/v2/queues?limit=21")
    assert resp.json() == {"title": "Invalid API request",
                           "description": "Limit must be at least 1 and no greater than 20."}
    assert api.get("/v2/queues?limit=0").status_code == 400


def test_list_filters_count_and_projects(api: Api) -> None:
    api.put("/v2/queues/alpha", {"node": 31})
    api.put("/v2/queues/beta", {"node": "x"})
    api.put("/v2/queues/gamma")
    api.put("/v2/queues/other", headers={"X-Project-ID": "p2"})
    by_meta = api.get("/v2/queues?node=31&limit=5").json()
    assert [q["name"] for q in by_meta["queues"]] == ["alpha"]
    assert by_meta["links"][0]["href"] == "/v2/queues?limit=5&marker=alpha"
    assert [q["name"] for q in api.get("/v2/queues?name=et").json()["queues"]] == ["beta"]
    assert [q["name"] for q in api.get("/v2/queues?name=^a").json()["queues"]] == ["alpha"]
    counted = api.get("/v2/queues?with_count=true&node=x").json()
    assert counted["count"] == 3
    assert counted["links"][0]["href"] == "/v2/queues?with_count=true&marker=beta"
    empty = api.get("/v2/queues?with_count=true", headers={"X-Project-ID": "p9"}).json()
    assert "count" not in empty


def test_stats(api: Api) -> None:
    assert api.get("/v2/queues/q/stats").json() == {"messages": {"claimed": 0, "free": 0,
                                                                 "total": 0}}
    ids = api.post_messages("q", 1, 2, 3)
    api.clock.advance(5)
    api.claim("q", limit=1)
    stats = api.get("/v2/queues/q/stats").json()["messages"]
    assert (stats["claimed"], stats["free"], stats["total"]) == (1, 2, 3)
    assert stats["oldest"]["href"] == f"/v2/queues/q/messages/{ids[0]}"
    assert stats["newest"]["href"] == f"/v2/queues/q/messages/{ids[2]}"
    assert stats["oldest"]["age"] == 5
    assert stats["oldest"]["created"].endswith("Z")


def test_purge(api: Api) -> None:
    api.post_messages("q", 1, 2, 3)
    api.claim("q", limit=1)
    for i in range(12):
        api.post("/v2/queues/q/subscriptions", {"subscriber": f"http://h.test/{i}"})
    assert api.post("/v2/queues/q/purge", {"resource_types": ["messages"]}).status_code == 204
    assert api.get("/v2/queues/q/stats").json()["messages"]["total"] == 1
    assert api.post("/v2/queues/q/purge").status_code == 204
    assert len(api.get("/v2/queues/q/subscriptions?limit=20").json()["subscriptions"]) == 2
    resp = api.post("/v2/queues/q/purge", {"x": 1})
    assert resp.json()["description"] == 'Post body must contain key "resource_types".'
    resp = api.post("/v2/queues/q/purge", {"resource_types": ["queues"]})
    assert resp.json()["description"].startswith("Resource types must be a sub set of {")
    assert api.post("/v2/queues/none/purge").status_code == 204
