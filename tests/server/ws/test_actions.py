"""Every action of section 9.5 with the websocket-specific response shapes."""

from __future__ import annotations

from tests.server.ws.conftest import Conn

Q = {"queue_name": "q"}


def _post(conn: Conn, *bodies: object, queue: str = "q") -> list[str]:
    body = conn.ok("message_post", {"queue_name": queue,
                                    "messages": [{"body": b, "ttl": 300} for b in bodies]})
    ids: list[str] = body["message_ids"]
    return ids


def test_queues(conn: Conn) -> None:
    assert conn.send("queue_create", {"queue_name": "q", "metadata": {"a": 1}})["headers"] == {
        "status": 201}
    again = conn.send("queue_create", {"queue_name": "q"})
    assert again["headers"] == {"status": 204} and again["body"] == "Queue q created."
    assert conn.ok("queue_get", Q) == {"a": 1}
    assert conn.ok("queue_get", {"queue_name": "missing"}) == {}
    assert conn.ok("queue_list") == {"queues": [{"name": "q"}]}
    assert conn.ok("queue_list", {"detailed": True}) == {
        "queues": [{"name": "q", "metadata": {"a": 1}}]}
    bad = conn.send("queue_list", {"limit": 21})
    assert bad["headers"] == {"status": 400}
    assert bad["body"] == {"exception": "Limit must be at least 1 and no greater than 20.",
                           "error": None}
    bad = conn.send("queue_create", {"queue_name": "bad name"})
    assert bad["headers"] == {"status": 400}
    assert bad["body"]["exception"].startswith("Queue names may only contain")
    bad = conn.send("queue_create", {"queue_name": "m", "metadata": {"_default_message_ttl": 1}})
    assert bad["body"]["exception"].startswith("_default_message_ttl can not exceed")
    deleted = conn.send("queue_delete", Q)
    assert deleted["headers"] == {"status": 204} and deleted["body"] == "Queue q removed."


def test_stats(conn: Conn) -> None:
    missing = conn.send("queue_get_stats", {"queue_name": "nope"})
    assert missing["headers"] == {"status": 404}
    assert missing["body"] == {"messages": {"claimed": 0, "free": 0, "total": 0}}
    conn.ok("queue_create", Q)
    assert conn.ok("queue_get_stats", Q) == {"messages": {"claimed": 0, "free": 0, "total": 0}}
    ids = _post(conn, 1, 2)
    stats = conn.ok("queue_get_stats", Q)["messages"]
    assert (stats["claimed"], stats["free"], stats["total"]) == (0, 2, 2)
    assert stats["oldest"]["id"] == ids[0] and stats["newest"]["id"] == ids[1]
    assert set(stats["oldest"]) == {"id", "age", "created"}


def test_purge(conn: Conn) -> None:
    _post(conn, 1)
    conn.ok("subscription_create", {"queue_name": "q", "subscriber": "http://x.test/"})
    purged = conn.send("queue_purge", {"queue_name": "q", "resource_types": ["messages"]})
    assert purged["headers"] == {"status": 204} and purged["body"] == {}
    assert conn.ok("message_list", {"queue_name": "q", "echo": True}) == {"messages": []}
    assert len(conn.ok("subscription_list", Q)["subscriptions"]) == 1
    conn.ok("queue_purge", Q)
    assert conn.ok("subscription_list", Q) == {"subscriptions": []}


def test_messages(conn: Conn) -> None:
    posted = conn.send("message_post", {"queue_name": "q", "messages": [
        {"body": {"a": 1}, "ttl": 120, "delay": 30}, {"body": "two"}]})
    assert posted["headers"] == {"status": 201}
    first, second = posted["body"]["message_ids"]
    assert conn.ok("message_list", Q) == {"messages": []}  # echo defaults to false
    listed = conn.ok("message_list", {"queue_name": "q", "echo": True})["messages"]
    assert listed == [
        {"id": first, "claim_id": None, "ttl": 120, "age": 0, "body": {"a": 1}},
        {"id": second, "claim_id": None, "ttl": 3600, "age": 0, "body": "two"},
    ]
    page = conn.ok("message_list", {"queue_name": "q", "echo": True, "limit": 1,
                                    "marker": first})
    assert [m["id"] for m in page["messages"]] == [second]
    got = conn.ok("message_get", {"queue_name": "q", "message_id": first})
    assert got == {"messages": listed[0]}
    missing = conn.send("message_get", {"queue_name": "q", "message_id": "0" * 24})
    assert missing["headers"] == {"status": 404}
    assert missing["body"]["error"] is None
    many = conn.ok("message_get_many", {"queue_name": "q", "message_ids": [second, "x"]})
    assert many == {"messages": [listed[1]]}
    assert conn.ok("message_get_many", {"queue_name": "q", "message_ids": ["x"]}) == {
        "messages": []}
    deleted = conn.send("message_delete", {"queue_name": "q", "message_id": first})
    assert deleted["headers"] == {"status": 204} and deleted["body"] == {}
    popped = conn.send("message_delete_many", {"queue_name": "q", "pop": 1})
    assert popped["headers"] == {"status": 200}
    assert popped["body"]["messages"][0]["id"] == second
    assert set(popped["body"]["messages"][0]) == {
        "id", "age", "ttl", "body", "claim_count", "claim_id"}


def test_message_errors(conn: Conn) -> None:
    def error(action: str, body: dict[str, object]) -> tuple[int, object]:
        resp = conn.send(action, body)
        return resp["headers"]["status"], resp["body"]

    assert error("message_post", {"queue_name": "q", "messages": []}) == (
        400, {"exception": "No messages to enqueu.", "error": None})
    assert error("message_post", {"queue_name": "q", "messages": [{"ttl": 60}]}) == (
        400, {"exception": 'Bad request. Missing "body" field.', "error": None})
    assert error("message_post", {"queue_name": "q", "messages": [{"body": 1, "ttl": 5}]})[0] == 400
    assert error("message_delete_many", {"queue_name": "q"}) == (400, {
        "exception": 'The request should have either "ids" or "pop" parameter in the request, '
                     "to be able to delete.", "error": None})
    assert error("message_delete_many", {"queue_name": "q", "pop": 50})[0] == 400
    ids = _post(conn, 1)
    assert error("message_delete_many", {"queue_name": "q", "message_ids": ids}) == (204, {})


def test_claims(conn: Conn) -> None:
    empty = conn.send("claim_create", {"queue_name": "q"})
    assert empty["headers"] == {"status": 204} and empty["body"] == {"claim_id": None}
    ids = _post(conn, 1, 2)
    claim = conn.send("claim_create", {"queue_name": "q", "ttl": 60, "grace": 60, "limit": 1})
    assert claim["headers"] == {"status": 201}
    cid = claim["body"]["claim_id"]
    assert claim["body"]["messages"] == [
        {"id": ids[0], "claim_id": cid, "ttl": 300, "age": 0, "body": 1}]
    got = conn.ok("claim_get", {"queue_name": "q", "claim_id": cid})
    assert set(got) == {"age", "ttl", "messages"} and got["ttl"] == 60
    claimed = conn.send("message_delete", {"queue_name": "q", "message_id": ids[0]})
    assert claimed["headers"] == {"status": 403}
    assert claimed["body"]["error"] == (
        "This message is claimed; it cannot be deleted without a valid claim ID.")
    updated = conn.send("claim_update", {"queue_name": "q", "claim_id": cid, "ttl": 120})
    assert updated["headers"] == {"status": 204} and updated["body"] == f"Claim {cid} updated."
    released = conn.send("claim_delete", {"queue_name": "q", "claim_id": cid})
    assert released["headers"] == {"status": 204} and released["body"] == f"Claim {cid} deleted."
    gone = conn.send("claim_get", {"queue_name": "q", "claim_id": cid})
    assert gone["headers"] == {"status": 404}
    assert gone["body"]["error"] == f"Claim {cid} does not exist."
    bad = conn.send("claim_create", {"queue_name": "q", "ttl": 10})
    assert bad["body"]["exception"].startswith("The TTL for a claim may not exceed")


def test_subscriptions(conn: Conn) -> None:
    body = {"queue_name": "q", "subscriber": "http://hook.test/", "ttl": 600}
    created = conn.send("subscription_create", body)
    assert created["headers"] == {"status": 201}
    sid = created["body"]["subscription_id"]
    assert created["body"]["message"] == "Subscription q created."
    dup = conn.send("subscription_create", body)
    assert dup["headers"] == {"status": 409} and dup["body"] == "Subscription q not created."
    listed = conn.ok("subscription_list", Q)["subscriptions"]
    assert [s["id"] for s in listed] == [sid]
    got = conn.ok("subscription_get", {"queue_name": "q", "subscription_id": sid})
    assert got["subscriber"] == "http://hook.test/" and got["ttl"] == 600
    bad = conn.send("subscription_create", {"queue_name": "q", "subscriber": "http://x/",
                                            "ttl": 10})
    assert bad["headers"] == {"status": 400}
    weird = conn.send("subscription_create", {"queue_name": "q", "subscriber": "ftp://x/"})
    assert weird["headers"] == {"status": 500}
    assert weird["body"]["error"] == "Unexpected error."
    deleted = conn.send("subscription_delete", {"queue_name": "q", "subscription_id": sid})
    assert deleted["headers"] == {"status": 204}
    assert deleted["body"] == f"Subscription {sid} removed."
    missing = conn.send("subscription_get", {"queue_name": "q", "subscription_id": sid})
    assert missing["headers"] == {"status": 404}
