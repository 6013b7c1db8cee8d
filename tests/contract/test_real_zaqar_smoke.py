"""Smoke tests proving that each kind of real Zaqar server starts and answers."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
import websocket

from tests.support.real_zaqar import RealZaqar, RealZaqarError

CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c"


def headers(project: str = "smoke", **extra: str) -> dict[str, str]:
    return {"Client-ID": CLIENT_ID, "X-Project-ID": project, **extra}


def test_v2_versions_document(real_zaqar_v2: RealZaqar) -> None:
    resp = requests.get(f"{real_zaqar_v2.url}/", timeout=10)
    assert resp.status_code == 300
    ids = [v["id"] for v in resp.json()["versions"]]
    assert ids == ["2"]


def test_v2_queue_put_twice(real_zaqar_v2: RealZaqar) -> None:
    url = f"{real_zaqar_v2.url}/v2/queues/smoke-{uuid.uuid4().hex[:8]}"
    first = requests.put(url, headers=headers(), timeout=10)
    second = requests.put(url, headers=headers(), timeout=10)
    assert (first.status_code, second.status_code) == (201, 204)
    assert first.headers["Location"].startswith("/v2/queues/smoke-")
    assert first.headers["x-openstack-request-id"].startswith("req-")


def test_v2_missing_client_id(real_zaqar_v2: RealZaqar) -> None:
    resp = requests.get(f"{real_zaqar_v2.url}/v2/queues", headers={"X-Project-ID": "p"}, timeout=10)
    assert resp.status_code == 400
    assert resp.json() == {
        "title": "Missing header value",
        "description": 'The "Client-Id" header is required.',
    }


def test_v2_share_uses_configured_key(real_zaqar_v2: RealZaqar) -> None:
    resp = requests.post(
        f"{real_zaqar_v2.url}/v2/queues/shared/share",
        headers=headers(),
        json={"methods": ["GET", "POST"], "expires": "2099-01-01T00:00:00"},
        timeout=10,
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["methods"] == ["GET", "POST"]
    assert len(body["signature"]) == 64


def test_v2_pooling_accepts_redis_pool(real_zaqar_v2_pooling: RealZaqar) -> None:
    srv = real_zaqar_v2_pooling
    admin = headers(**{"X-Roles": "admin"})
    pool = f"smoke-{uuid.uuid4().hex[:8]}"
    resp = requests.put(
        f"{srv.url}/v2/pools/{pool}",
        headers=admin,
        json={"uri": f"{srv.redis_uri}?dbid=7", "weight": 100},
        timeout=10,
    )
    assert resp.status_code == 201, resp.text
    got = requests.get(f"{srv.url}/v2/pools/{pool}", headers=admin, timeout=10)
    assert got.status_code == 200
    assert got.json()["weight"] == 100
    assert requests.put(f"{srv.url}/v2/queues/pooled", headers=admin, timeout=10).status_code in (
        201,
        204,
    )
    assert (
        requests.delete(f"{srv.url}/v2/pools/{pool}", headers=admin, timeout=10).status_code == 204
    )


def test_v1_1_enabled_on_21(real_zaqar_v1_1: RealZaqar) -> None:
    srv = real_zaqar_v1_1
    versions = requests.get(f"{srv.url}/", timeout=10).json()["versions"]
    assert [v["id"] for v in versions] == ["1.1", "2"]
    url = f"{srv.url}/v1.1/queues/smoke"
    assert requests.put(url, headers=headers(), timeout=10).status_code in (201, 204)
    posted = requests.post(
        f"{url}/messages",
        headers=headers(),
        json={"messages": [{"body": 1, "ttl": 60}]},
        timeout=10,
    )
    assert posted.status_code == 201
    assert posted.json()["resources"][0].startswith("/v1.1/queues/smoke/messages/")
    # v1.1 has no PATCH route for queues.
    assert requests.patch(url, headers=headers(), timeout=10).status_code == 405


def test_websocket_queue_create(real_zaqar_ws: RealZaqar) -> None:
    assert real_zaqar_ws.url.startswith("ws://127.0.0.1:")
    conn = websocket.create_connection(real_zaqar_ws.url + "/", timeout=10)
    try:
        request = {
            "action": "queue_create",
            "headers": headers(),
            "body": {"queue_name": "ws-smoke"},
        }
        conn.send(json.dumps(request))
        reply = json.loads(conn.recv())
    finally:
        conn.close()
    assert reply["headers"]["status"] in (201, 204)
    assert reply["body"] == "Queue ws-smoke created."
    assert reply["request"]["api"] == "v2"


def test_checksum_and_confirmation_options() -> None:
    with RealZaqar(enable_checksum=True, require_confirmation=True, notifier=True) as srv:
        assert "require_confirmation = True" in srv.config_text()
        url = f"{srv.url}/v2/queues/sums/messages"
        posted = requests.post(
            url, headers=headers(), json={"messages": [{"body": {"a": 1}}]}, timeout=10
        )
        assert posted.status_code == 201
        got = requests.get(
            f"{srv.url}{posted.json()['resources'][0]}", headers=headers(), timeout=10
        )
        assert got.json()["checksum"] == "MD5:42b7b4f2921788ea14dac5566e6f06d0"
        log_path = srv.log_path
    assert not log_path.exists()  # the working directory is removed on stop
    assert not srv.running


def test_missing_install_is_a_clear_error() -> None:
    with pytest.raises(RealZaqarError, match="make real-zaqar"):
        RealZaqar("0.0.0").start()
