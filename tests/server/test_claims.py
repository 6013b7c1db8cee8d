"""Claims, TTL extension and dead-letter queues (zaqar-api.md 4.6, 6.4, 6.6)."""

from __future__ import annotations

import threading

import pytest

from tests.server.conftest import Api


def test_create_get_release(api: Api) -> None:
    ids = api.post_messages("q", 1, 2)
    resp = api.post("/v2/queues/q/claims?limit=1", {"ttl": 60, "grace": 60})
    assert resp.status_code == 201
    cid = resp.headers["location"].rsplit("/", 1)[1]
    assert resp.headers["location"] == f"/v2/queues/q/claims/{cid}"
    assert resp.json() == {"messages": [{
        "id": ids[0], "href": f"/v2/queues/q/messages/{ids[0]}?claim_id={cid}", "ttl": 3600,
        "age": 0, "body": 1}]}
    api.clock.advance(10)
    got = api.get(f"/v2/queues/q/claims/{cid}").json()
    assert got["age"] == 10 and got["ttl"] == 60
    assert got["href"] == f"/v2/queues/q/claims/{cid}"
    assert [m["id"] for m in got["messages"]] == [ids[0]]
    assert api.delete(f"/v2/queues/q/claims/{cid}").status_code == 204
    missing = api.get(f"/v2/queues/q/claims/{cid}")
    assert missing.json() == {"title": "Not found", "description":
                              f"Claim {cid} does not exist in queue q for project p1"}
    msg = api.get(f"/v2/queues/q/messages/{ids[0]}").json()
    assert "claim_id" not in msg["href"]
    assert api.delete("/v2/queues/q/claims/zzz").status_code == 204


def test_defaults_and_nothing_to_claim(api: Api) -> None:
    assert api.post("/v2/queues/missing/claims").status_code == 204
    api.post_messages("q", *range(12))
    resp = api.post("/v2/queues/q/claims")
    assert len(resp.json()["messages"]) == 10
    cid = resp.headers["location"].rsplit("/", 1)[1]
    assert api.get(f"/v2/queues/q/claims/{cid}").json()["ttl"] == 300
    resp = api.post("/v2/queues/q/claims", {"limit": 1})
    assert len(resp.json()["messages"]) == 2
    empty = api.post("/v2/queues/q/claims")
    assert (empty.status_code, empty.content) == (204, b"")


@pytest.mark.parametrize(("query", "body", "text"), [
    ("", {"ttl": 59}, "The TTL for a claim may not exceed 43200 seconds, and must be at least 60 "
                      "seconds long."),
    ("", {"grace": 43201}, "The grace for a claim may not exceed 43200 seconds, and must be at "
                           "least 60 seconds long."),
    ("?limit=21", {}, "Limit must be at least 1 and may not be greater than 20."),
])
def test_claim_validation(fast_api: Api, query: str, body: object, text: str) -> None:
    resp = fast_api.post("/v2/queues/q/claims" + query, body)
    assert resp.json() == {"title": "Invalid API request", "description": text}
    typed = fast_api.post("/v2/queues/q/claims", {"ttl": "x"})
    assert typed.json() == {"title": "Invalid request body",
                            "description": 'The value of the "ttl" field must be a int.'}


def test_expiry_and_reclaim(api: Api) -> None:
    api.post_messages("q", 1)
    cid, _ = api.claim("q", ttl=60)
    assert api.claim("q")[0] is None
    api.clock.advance(60)
    assert api.get(f"/v2/queues/q/claims/{cid}").status_code == 404
    assert api.patch(f"/v2/queues/q/claims/{cid}", {}).status_code == 404
    cid2, msgs = api.claim("q")
    assert cid2 is not None and cid2 != cid and len(msgs) == 1


def test_renew(api: Api) -> None:
    api.post_messages("q", 1)
    cid, _ = api.claim("q", ttl=60)
    api.clock.advance(50)
    assert api.patch(f"/v2/queues/q/claims/{cid}", {"ttl": 100}).status_code == 204
    got = api.get(f"/v2/queues/q/claims/{cid}").json()
    assert (got["age"], got["ttl"]) == (0, 100)
    api.clock.advance(90)
    assert api.get(f"/v2/queues/q/claims/{cid}").status_code == 200
    # requests sends Content-Length: 0, which falcon reads as an unparsable empty body.
    assert api.patch(f"/v2/queues/q/claims/{cid}").json()["description"] == (
        "Request body could not be parsed.")
    assert api.patch(f"/v2/queues/q/claims/{cid}", {"ttl": 10}).status_code == 400
    assert api.patch(f"/v2/queues/q/claims/{cid}", {}).status_code == 204
    assert api.get(f"/v2/queues/q/claims/{cid}").json()["ttl"] == 300


def test_renew_without_body_length() -> None:
    from zaqarclient.server import App, ServerRequest

    app = App()
    headers = {"client-id": "3381af92-2b9e-11e3-b191-71861300734c", "x-project-id": "p"}
    resp = app.handle(ServerRequest("PATCH", "/v2/queues/q/claims/" + "a" * 24, "", headers))
    assert resp.json() == {"title": "Invalid request body",
                           "description": "Request body can not be empty"}


def test_message_life_extension(api: Api) -> None:
    [mid] = api.post_messages("q", 1, ttl=100)
    api.clock.advance(61)
    api.claim("q", ttl=60, grace=60)
    msg = api.get(f"/v2/queues/q/messages/{mid}").json()
    assert (msg["ttl"], msg["age"]) == (120, 61)
    api.clock.advance(100)
    assert api.get(f"/v2/queues/q/messages/{mid}").status_code == 200
    api.clock.advance(20)
    assert api.get(f"/v2/queues/q/messages/{mid}").status_code == 404
    [long] = api.post_messages("q", 2, ttl=3600)
    api.claim("q", ttl=60)
    assert api.get(f"/v2/queues/q/messages/{long}").json()["ttl"] == 3600


def test_dead_letter_queue(api: Api) -> None:
    api.put("/v2/queues/src", {"_max_claim_count": 2, "_dead_letter_queue": "dlq",
                               "_dead_letter_queue_messages_ttl": 120})
    [mid] = api.post_messages("src", "x")
    for _ in range(2):
        _cid, msgs = api.claim("src", ttl=60)
        assert [m["id"] for m in msgs] == [mid]
        api.clock.advance(61)
    assert api.claim("src")[0] is None
    assert api.get("/v2/queues/src/stats").json()["messages"]["total"] == 0
    moved = api.get(f"/v2/queues/dlq/messages/{mid}").json()
    assert moved["ttl"] == 120
    assert api.get("/v2/queues/dlq/messages?echo=true&include_claimed=true").json()[
        "messages"] == []
    api.put("/v2/queues/dlq")
    listed = api.get("/v2/queues/dlq/messages?echo=true&include_claimed=true").json()
    assert [m["id"] for m in listed["messages"]] == [mid]


def test_release_resets_claim_count(fast_api: Api) -> None:
    fast_api.put("/v2/queues/src", {"_max_claim_count": 1, "_dead_letter_queue": "dlq"})
    fast_api.post_messages("src", "x")
    for _ in range(3):
        cid, msgs = fast_api.claim("src")
        assert len(msgs) == 1
        fast_api.delete(f"/v2/queues/src/claims/{cid}")


def test_concurrent_claims_never_overlap(fast_api: Api) -> None:
    fast_api.post_messages("q", *range(200))
    seen: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            _, msgs = fast_api.claim("q", limit=3)
            if not msgs:
                return
            with lock:
                seen.extend(m["id"] for m in msgs)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 200 == len(set(seen))
