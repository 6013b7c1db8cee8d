"""The v1.1 request pipeline: the hooks of Zaqar 21, the last release with v1.1.

The v1.1 handlers themselves are compared with a real Zaqar 21.0.0 step by step in
``tests/differential/session_v1_1.py``; these tests pin what the pipeline does
differently for ``/v1.1`` paths, without a real server.
"""

from __future__ import annotations

import pytest

from tests.server.conftest import Api
from tests.support.redis_store import RedisStore


@pytest.fixture
def api(api_v1_1: Api) -> Api:
    """Every test here needs /v1.1: a zaqar-21 profile server (conftest's api_v1_1)."""
    return api_v1_1


def test_missing_client_id_spelling(api: Api) -> None:
    resp = api.get("/v1.1/queues", headers={"Client-ID": None})
    assert resp.status_code == 400
    assert resp.json()["description"] == 'The "Client-ID" header is required.'
    v2 = api.get("/v2/queues", headers={"Client-ID": None})
    assert v2.json()["description"] == 'The "Client-Id" header is required.'


def test_project_only_from_x_project_id(api: Api) -> None:
    tenant = {"X-Project-ID": None, "X-Tenant-Id": "p1"}
    resp = api.get("/v1.1/queues", headers=tenant)
    assert resp.status_code == 400
    assert resp.json() == {
        "title": "Project-Id Missing",
        "description": "The header X-PROJECT-ID was missing",
    }
    assert api.get("/v2/queues", headers=tenant).status_code == 200


def test_extra_spec_task(api: Api) -> None:
    for ok in ("messagecode:1234", ":1234", ""):
        assert api.get("/v1.1/queues", headers={"EXTRA-SPEC": ok}).status_code == 200, ok
    unknown = {"EXTRA-SPEC": "sms:1234"}
    resp = api.get("/v1.1/queues", headers=unknown)
    assert resp.status_code == 500
    assert resp.json() == {
        "title": "Internal server error",
        "description": "No 'zaqar.extraspec.tasks' driver found, looking for 'sms'",
    }
    # After the name check, before the method check.
    assert api.get("/v1.1/queues/bad!name", headers=unknown).status_code == 400
    assert api.post("/v1.1/queues", headers=unknown).status_code == 500


def test_failed_options_is_a_bare_200(api: Api) -> None:
    resp = api.request("OPTIONS", "/v1.1/queues/q", headers={"Client-ID": None})
    assert resp.status_code == 200
    assert resp.content == b""
    ok = api.request("OPTIONS", "/v1.1/queues/q")
    assert ok.headers["allow"] == "DELETE, GET, PUT"


def test_pool_list_limit_is_not_validated(api: Api, pool_store: RedisStore) -> None:
    for dbid, name in enumerate(("a", "b", "c")):
        body = {"uri": pool_store.uri(dbid), "weight": 1}
        assert api.put(f"/v1.1/pools/{name}", body).status_code == 201

    def names(limit: str) -> list[str]:
        resp = api.get("/v1.1/pools?limit=" + limit)
        assert resp.status_code == 200
        return [p["name"] for p in resp.json()["pools"]]

    # MongoDB's catalogue (pymongo): 0 is no limit, a negative limit is one batch of abs().
    assert names("0") == ["a", "b", "c"]
    assert names("-2") == ["a", "b"]
    assert names("50") == ["a", "b", "c"]
