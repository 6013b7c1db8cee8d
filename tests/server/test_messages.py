"""Message resources (zaqar-api.md 4.5, 6.2-6.8, 6.11)."""

from __future__ import annotations

import pytest

from tests.server.conftest import OTHER_CLIENT, Api
from zaqarclient.server.config import Config
from zaqarclient.testing import ReferenceServer


def test_post_and_location(api: Api) -> None:
    resp = api.post("/v2/queues/q/messages",
                    {"messages": [{"ttl": 300, "body": {"e": 1}}, {"body": "two"}]})
    assert resp.status_code == 201
    hrefs = resp.json()["resources"]
    ids = [h.rsplit("/", 1)[1] for h in hrefs]
    assert all(len(i) == 24 and int(i, 16) >= 0 for i in ids)
    assert resp.json() == {"resources": [f"/v2/queues/q/messages/{i}" for i in ids]}
    assert resp.headers["location"] == "/v2/queues/q/messages?ids=" + ",".join(ids)
    got = api.get(f"/v2/queues/q/messages/{ids[1]}").json()
    assert got == {"id": ids[1], "href": f"/v2/queues/q/messages/{ids[1]}", "ttl": 3600,
                   "age": 0, "body": "two"}


@pytest.mark.parametrize(("body", "status", "title", "text"), [
    ({"nothing": 1}, 400, "Invalid API request", "No messages were found in the request body."),
    ([{"body": 1}], 400, "Invalid API request", "No messages were found in the request body."),
    ({"messages": {}}, 400, "Invalid request body", "Document type not supported."),
    ({"messages": []}, 400, "Invalid API request", "No messages to enqueu."),
    ({"messages": [{"ttl": 1}]}, 400, "Invalid request body", 'Missing "body" field.'),
    ({"messages": [{"body": 1, "ttl": "x"}]}, 400, "Invalid request body",
     'The value of the "ttl" field must be a int.'),
    ({"messages": [{"body": 1, "ttl": 59}]}, 400, "Invalid API request",
     "The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds "
     "long."),
])
def test_post_errors_still_create_queue(
    api: Api, body: object, status: int, title: str, text: str
) -> None:
    resp = api.post("/v2/queues/lazy/messages", body)
    assert resp.status_code == status
    assert resp.json() == {"title": title, "description": text}
    assert [q["name"] for q in api.get("/v2/queues").json()["queues"]] == ["lazy"]


def test_post_size_limits(fast_api: Api) -> None:
    big = b'{"messages": [{"body": "' + b"x" * 262144 + b'"}]}'
    resp = fast_api.post("/v2/queues/q/messages", raw=big)
    assert resp.json()["description"] == "Message collection size is too large. Max size 262144"
    fast_api.put("/v2/queues/capped", {"_max_messages_post_size": 100})
    resp = fast_api.post("/v2/queues/capped/messages", raw=b'{"messages": [{"body": "'
                         + b"x" * 100 + b'"}]}')
    assert resp.json()["description"] == (
        "Message collection size is too large. The max size for current queue is 100. It is "
        "calculated by max size = min(max_messages_post_size_config: 262144, "
        "max_messages_post_size_queue: 100)."
    )
    many = {"messages": [{"body": i} for i in range(50)]}
    assert fast_api.post("/v2/queues/q/messages", many).status_code == 201


def test_queue_default_ttl_and_dropped_delay(api: Api) -> None:
    api.put("/v2/queues/q", {"_default_message_ttl": 120})
    api.post_messages("q", 1, delay=901)
    msg = api.get("/v2/queues/q/messages?echo=true").json()["messages"][0]
    assert msg["ttl"] == 120


def test_list_echo_and_uuid_compare(api: Api) -> None:
    api.post_messages("q", "mine")
    api.post("/v2/queues/q/messages", {"messages": [{"body": "theirs"}]},
             headers={"Client-ID": OTHER_CLIENT})
    listed = api.get("/v2/queues/q/messages").json()["messages"]
    assert [m["body"] for m in listed] == ["theirs"]
    same_upper = api.get("/v2/queues/q/messages",
                         headers={"Client-ID": api.headers["Client-ID"].upper().replace("-", "")})
    assert [m["body"] for m in same_upper.json()["messages"]] == ["theirs"]
    both = api.get("/v2/queues/q/messages?echo=true").json()["messages"]
    assert [m["body"] for m in both] == ["mine", "theirs"]


def test_list_paging_links(api: Api) -> None:
    api.post_messages("q", 1, 2, 3)
    page = api.get("/v2/queues/q/messages?limit=2&echo=true").json()
    assert [m["body"] for m in page["messages"]] == [1, 2]
    assert page["links"] == [{
        "rel": "next",
        "href": "/v2/queues/q/messages?limit=2&echo=true&include_delayed=true&marker=2",
    }]
    rest = api.get(page["links"][0]["href"]).json()
    assert [m["body"] for m in rest["messages"]] == [3]
    assert rest["links"][0]["href"] == (
        "/v2/queues/q/messages?marker=3&limit=2&echo=true&include_delayed=true")
    assert api.get(rest["links"][0]["href"]).json() == {"messages": [], "links": []}
    assert api.get("/v2/queues/q/messages?echo=true&marker=abc").json() == {
        "messages": [], "links": []}
    assert api.get("/v2/queues/missing/messages").json() == {"messages": [], "links": []}
    resp = api.get("/v2/queues/q/messages?limit=21")
    assert resp.json()["description"] == (
        "Limit must be at least 1 and may not be greater than 20.")


def test_include_claimed_and_claimed_href(api: Api) -> None:
    ids = api.post_messages("q", 1, 2)
    cid, _ = api.claim("q", limit=1)
    assert [m["body"] for m in api.get("/v2/queues/q/messages?echo=true").json()["messages"]] == [
        2]
    listed = api.get("/v2/queues/q/messages?echo=true&include_claimed=true").json()["messages"]
    assert listed[0]["href"] == f"/v2/queues/q/messages/{ids[0]}?claim_id={cid}"
    api.clock.advance(61)
    # Mongo keeps showing the stale claim id after expiry.
    got = api.get(f"/v2/queues/q/messages/{ids[0]}").json()
    assert got["href"].endswith(f"?claim_id={cid}")
    assert len(api.get("/v2/queues/q/messages?echo=true").json()["messages"]) == 2


def test_delayed_messages(api: Api) -> None:
    api.put("/v2/queues/d", {"_default_message_delay": 30})
    ids = api.post_messages("d", "default")
    api.post_messages("d", "zero", delay=0)
    visible = api.get("/v2/queues/d/messages?echo=true").json()
    assert [m["body"] for m in visible["messages"]] == ["zero"]
    assert "include_delayed" not in visible["links"][0]["href"]
    assert len(api.get("/v2/queues/d/messages?echo=true&include_delayed=true"
                       ).json()["messages"]) == 2
    _cid, held = api.claim("d")
    assert [m["body"] for m in held] == ["zero"]
    assert api.get(f"/v2/queues/d/messages/{ids[0]}").status_code == 200
    stats = api.get("/v2/queues/d/stats").json()["messages"]
    assert (stats["free"], stats["claimed"]) == (1, 1)
    popped = api.delete("/v2/queues/d/messages?pop=5").json()["messages"]
    assert [m["body"] for m in popped] == ["default"]
    bad = api.post("/v2/queues/d/messages", {"messages": [{"body": 1, "delay": 901}]})
    assert bad.json()["description"] == (
        "The Delay TTL for a message may not exceed 900 seconds,and must be at least 0 seconds "
        "long.")
    api.clock.advance(30)


def test_expiry_is_exact(fast_api: Api) -> None:
    [mid] = fast_api.post_messages("q", 1, ttl=60)
    fast_api.clock.advance(59.9)
    assert fast_api.get(f"/v2/queues/q/messages/{mid}").status_code == 200
    fast_api.clock.advance(0.1)
    assert fast_api.get(f"/v2/queues/q/messages/{mid}").status_code == 404
    assert fast_api.get("/v2/queues/q/stats").json()["messages"]["total"] == 0


def test_get_by_ids(api: Api) -> None:
    ids = api.post_messages("q", 1, 2)
    got = api.get(f"/v2/queues/q/messages?ids={ids[0]},{ids[1]},nope").json()
    assert "links" not in got
    assert sorted(m["body"] for m in got["messages"]) == [1, 2]
    resp = api.get("/v2/queues/q/messages?ids=a%2Cb")
    assert resp.status_code == 404
    assert resp.json() == {"title": "Not found", "description":
                           "No messages with IDs: ['a,b'] found in the queue q for project p1."}
    resp = api.get("/v2/queues/q/messages?ids=" + ",".join(["a"] * 21))
    assert resp.json()["description"] == (
        "Limit must be at least 1 and may not be greater than 20.")
    repeated = api.get(f"/v2/queues/q/messages?ids={ids[0]}&ids={ids[1]}").json()
    assert len(repeated["messages"]) == 2


def test_get_one_errors(api: Api) -> None:
    [mid] = api.post_messages("q", 1)
    for bad in ("zzz", "0" * 24):
        resp = api.get(f"/v2/queues/q/messages/{bad}")
        assert resp.json() == {"title": "Not found", "description":
                               f"Message {bad} does not exist in queue q for project p1"}
    assert api.get(f"/v2/queues/q/messages/{mid}", headers={"X-Project-ID": "p2"}
                   ).status_code == 404
    assert api.get(f"/v2/queues/other/messages/{mid}").status_code == 404


def test_bulk_delete(api: Api) -> None:
    ids = api.post_messages("q", 1, 2, 3)
    api.claim("q", limit=1)
    assert api.delete(f"/v2/queues/q/messages?ids={ids[0]},{ids[1]},bogus").status_code == 204
    assert [m["body"] for m in api.get("/v2/queues/q/messages?echo=true&include_claimed=true"
                                       ).json()["messages"]] == [3]
    both = api.delete("/v2/queues/q/messages?ids=a&pop=1")
    assert both.json()["description"] == (
        "pop and id params cannot be present together in the delete request.")
    neither = api.delete("/v2/queues/q/messages")
    assert neither.json()["description"] == (
        'The request should have either "ids" or "pop" parameter in the request, to be able to '
        "delete.")
    many = api.delete("/v2/queues/q/messages?ids=" + ",".join(["a"] * 21))
    assert many.json()["description"] == (
        "ids parameter should have at least 1 and not greater than 20 values.")


def test_bulk_delete_with_claim_ids() -> None:
    import requests

    with ReferenceServer(Config(message_delete_with_claim_id=True), in_process=True) as srv:
        from tests.server.conftest import Api as A

        api = A(srv, srv.mount(requests.Session()))
        ids = api.post_messages("q", 1, 2)
        cid, _ = api.claim("q", limit=1)
        resp = api.delete(f"/v2/queues/q/messages?ids={ids[0]}")
        assert resp.json()["description"] == (
            'The request should have both "ids" and "claim_ids" parameter in the request when '
            "message_delete_with_claim_id is True.")
        wrong = api.delete(f"/v2/queues/q/messages?ids={ids[0]}&claim_ids={'f' * 24}")
        assert wrong.status_code == 503
        ok = api.delete(f"/v2/queues/q/messages?ids={ids[0]}&claim_ids={cid}")
        assert ok.status_code == 204


def test_pop(api: Api) -> None:
    ids = api.post_messages("q", 1, 2, 3)
    api.claim("q", limit=1)
    popped = api.delete("/v2/queues/q/messages?pop=5").json()["messages"]
    assert [m["id"] for m in popped] == ids[1:]
    assert popped[0] == {"id": ids[1], "age": 0, "ttl": 3600, "claim_count": 0, "body": 2,
                         "claim_id": None}
    assert api.delete("/v2/queues/q/messages?pop=1").json() == {"messages": []}
    assert api.delete("/v2/queues/none/messages?pop=1").json() == {"messages": []}
    resp = api.delete("/v2/queues/q/messages?pop=21")
    assert resp.json()["description"] == (
        "Pop value must be at least 1 and may not be greater than 20.")


def test_delete_one_mongo_table(api: Api) -> None:
    ids = api.post_messages("q", 1, 2, 3)
    base = "/v2/queues/q/messages/"
    assert api.delete(base + "zzz").status_code == 204
    assert api.delete(base + "0" * 24).status_code == 204
    assert api.delete(base + ids[2]).status_code == 204
    cid, _ = api.claim("q", limit=1)
    claimed = api.delete(base + ids[0])
    assert claimed.status_code == 403
    assert claimed.json() == {"title": "Unable to delete", "description":
                              "This message is claimed; it cannot be deleted without a valid "
                              "claim ID."}
    bad = api.delete(base + ids[0] + "?claim_id=zzz")
    assert bad.status_code == 400
    assert bad.json()["description"] == "The specified claim does not exist or has expired."
    other = api.delete(base + ids[0] + "?claim_id=" + "a" * 24)
    assert other.status_code == 403
    unclaimed = api.delete(base + ids[1] + f"?claim_id={cid}")
    assert unclaimed.status_code == 400
    assert unclaimed.json()["description"] == (
        "A claim was specified, but the message is not currently claimed.")
    api.clock.advance(120)
    assert api.delete(base + ids[0] + f"?claim_id={cid}").status_code == 204


def test_checksum() -> None:
    import requests

    with ReferenceServer(Config(enable_checksum=True), in_process=True) as srv:
        from tests.server.conftest import Api as A

        api = A(srv, srv.mount(requests.Session()))
        bodies = [{"a": 1}, "two", 1, {"event": "BackupStarted"}, None]
        ids = api.post_messages("q", *bodies)
        got = {m["id"]: m.get("checksum") for m in
               api.get("/v2/queues/q/messages?echo=true").json()["messages"]}
        assert [got[i] for i in ids] == [
            "MD5:42b7b4f2921788ea14dac5566e6f06d0", "MD5:6f237ec7b76451c132689c83822a8b76",
            "MD5:c4ca4238a0b923820dcc509a6f75849b", "MD5:82eb2714b7c0237d373947c046cac78d",
            None]
        popped = api.delete("/v2/queues/q/messages?pop=1").json()["messages"][0]
        assert "checksum" not in popped
