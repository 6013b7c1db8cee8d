"""The SQLite store keeps every acknowledged write across a restart."""

from __future__ import annotations

import pathlib

import requests

from tests.server.conftest import Api
from tests.support.redis_store import RedisStore
from zaqarclient.server.clock import TestClock
from zaqarclient.server.config import Config
from zaqarclient.testing import ReferenceServer


def _api(path: pathlib.Path, clock: TestClock) -> tuple[ReferenceServer, Api]:
    server = ReferenceServer(Config(), store=f"sqlite:{path}", clock=clock).start()
    return server, Api(server, requests.Session(), admin=True)


def test_restart_keeps_everything(tmp_path: pathlib.Path, pool_store: RedisStore) -> None:
    db = tmp_path / "zaqar.db"
    clock = TestClock()
    server, api = _api(db, clock)
    api.put("/v2/queues/q", {"meta": 1})
    ids = api.post_messages("q", *range(5))
    cid, _held = api.claim("q", limit=2)
    api.delete(f"/v2/queues/q/messages/{ids[4]}")
    sub = api.post("/v2/queues/q/subscriptions", {"subscriber": "http://h.test/x"}).json()
    api.put("/v2/pools/p1", {"uri": pool_store.uri(1), "weight": 1})
    api.put("/v2/flavors/f1", {"pool_list": ["p1"]})
    server.stop()

    server, api = _api(db, clock)
    try:
        assert api.get("/v2/queues/q").json()["meta"] == 1
        listed = api.get("/v2/queues/q/messages?echo=true&include_claimed=true").json()
        assert [m["id"] for m in listed["messages"]] == ids[:4]
        assert api.get(f"/v2/queues/q/claims/{cid}").status_code == 200
        assert api.delete(f"/v2/queues/q/messages/{ids[0]}").status_code == 403
        assert api.get(f"/v2/queues/q/subscriptions/{sub['subscription_id']}").status_code == 200
        assert api.get("/v2/flavors/f1").json()["pool_list"] == ["p1"]
        new = api.post_messages("q", "after")
        page = api.get("/v2/queues/q/messages?echo=true&include_claimed=true&marker=5").json()
        assert [m["id"] for m in page["messages"]] == new
    finally:
        server.stop()


def test_reset_and_delete_persist(tmp_path: pathlib.Path) -> None:
    db = tmp_path / "z.db"
    clock = TestClock()
    server, api = _api(db, clock)
    api.post_messages("a", 1)
    api.post_messages("b", 1)
    api.delete("/v2/queues/a")
    server.stop()
    server, api = _api(db, clock)
    assert [q["name"] for q in api.get("/v2/queues").json()["queues"]] == ["b"]
    server.reset()
    server.stop()
    server, api = _api(db, clock)
    assert api.get("/v2/queues").json()["queues"] == []
    server.stop()
