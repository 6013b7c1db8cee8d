"""python-zaqarclient's low-level transport API, as os-collect-config uses it.

``get_transport_for(url, options=conf)``, ``transport.request.Request(endpoint,
operation, content=...)``, ``send``/``recv`` and ``with``: against the
reference server over loopback (websocket with token auth, and HTTP).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from zaqarclient import errors, transport
from zaqarclient.queues.v2 import client as v2_client
from zaqarclient.server.clock import SystemClock
from zaqarclient.server.config import Config, Token
from zaqarclient.testing import ReferenceServer
from zaqarclient.transport import errors as terrors
from zaqarclient.transport import request
from zaqarclient.transport.base import Transport

CID = "5b2f5e0a-7c55-4b8e-9d16-6c6e8c3f0a11"


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    config = Config(tokens={"tok": Token("proj-legacy")})
    with ReferenceServer(config=config, clock=SystemClock()) as srv:  # type: ignore[arg-type]
        yield srv


def ws_url(server: ReferenceServer) -> str:
    return "ws" + server.url[len("http"):]


def occ_conf(token: str = "tok") -> dict[str, Any]:
    """os-collect-config's conf dict."""
    return {"auth_opts": {"backend": "keystone", "options": {
        "os_auth_token": token, "os_project_id": "proj-legacy", "insecure": True,
        "cacert": None}}}


def req(endpoint: str, action: str, body: Any) -> request.Request:
    return request.Request(endpoint, action, content=json.dumps(body))


def test_request_takes_either_signature() -> None:
    legacy = request.Request("ws://h:9000", "queue_create", content='{"queue_name": "q"}')
    assert isinstance(legacy, request.LegacyRequest) and isinstance(legacy, request.Request)
    assert (legacy.endpoint, legacy.operation, legacy.body) == (
        "ws://h:9000", "queue_create", {"queue_name": "q"})
    assert legacy.params == {} and legacy.headers == {} and legacy.ref is None
    assert legacy.api is None and request.Request(api=2).api.label == "v2"  # type: ignore[union-attr]
    ours = request.Request("queue_get", {"queue_name": "q"})
    assert type(ours) is request.Request and ours.path_params == {"queue_name": "q"}
    assert type(request.Request()) is request.LegacyRequest
    legacy.body = {"queue_name": "other"}
    assert json.loads(legacy.content) == {"queue_name": "other"}  # type: ignore[arg-type]


def test_unknown_schemes_and_versions_fail_to_load() -> None:
    with pytest.raises(errors.DriverLoadFailure, match=r"zmq\.v2"):
        transport.get_transport_for("zmq://example.org:8888/v2/")
    with pytest.raises(errors.DriverLoadFailure, match="websocket API exists only for API v2"):
        transport.get_transport("ws", version=1.1)
    with pytest.raises(errors.DriverLoadFailure):
        transport.get_transport("http", version=3)
    picked = transport.get_transport_for(request.Request("https://h", "ping"))
    assert isinstance(picked, Transport)


def test_os_collect_config_websocket_flow(server: ReferenceServer) -> None:
    endpoint = ws_url(server)
    with transport.get_transport_for(endpoint, options=occ_conf()) as ws:
        ws.send(req(endpoint, "queue_create", {"queue_name": "occ"}))
        ws.send(req(endpoint, "subscription_create", {"queue_name": "occ", "ttl": 10000}))
        resp = ws.send(req(endpoint, "message_delete_many", {"queue_name": "occ", "pop": 1}))
        assert json.loads(resp.content).get("messages", []) == []
        http = v2_client.Client(server.url, conf=occ_conf(), version=2)
        threading.Timer(0.05, http.queue("occ").post, ({"body": {"md": 1}, "ttl": 60},)).start()
        assert ws.recv(timeout=10)["body"] == {"md": 1}
        assert resp.status_code == 200 and isinstance(resp.content, str)


def test_websocket_errors_are_mapped_and_recv_times_out(server: ReferenceServer) -> None:
    endpoint = ws_url(server)
    with transport.get_transport_for(endpoint, options=occ_conf()) as ws:
        with pytest.raises(terrors.ResourceNotFound):
            ws.send(req(endpoint, "message_get",
                        {"queue_name": "nope", "message_id": "0123456789abcdef01234567"}))
        with pytest.raises(errors.TimeoutError):
            ws.recv(timeout=0.05)
    with transport.get_transport_for(endpoint, options=occ_conf("bad-token")) as ws, \
            pytest.raises(terrors.UnauthorizedError):
        ws.send(req(endpoint, "queue_list", {}))


def test_websocket_needs_no_token_on_a_no_auth_server() -> None:
    with ReferenceServer(clock=SystemClock()) as plain:  # type: ignore[arg-type]
        endpoint = ws_url(plain)
        conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "p"}}}
        with transport.get_transport_for(endpoint, options=conf) as ws:
            ws.send(req(endpoint, "queue_create", {"queue_name": "q"}))
            listing = ws.send(request.Request(endpoint, "queue_list"))
        assert [q["name"] for q in json.loads(listing.content)["queues"]] == ["q"]


def test_http_transport_sends_requests_as_they_are(server: ReferenceServer) -> None:
    headers = {"Client-ID": CID, "X-Auth-Token": "tok", "X-Project-ID": "proj-legacy"}
    http = transport.get_transport_for(server.url, options={})
    created = http.send(request.Request(server.url, "queue_create", api=2,
                                        params={"queue_name": "lq"}, headers=headers))
    assert created.status_code == 201
    posted = http.send(request.Request(
        server.url, "message_post", api=2, params={"queue_name": "lq"}, headers=headers,
        content=json.dumps({"messages": [{"body": "hello", "ttl": 60}]})))
    assert len(json.loads(posted.content)["resources"]) == 1
    listed = http.send(request.Request(server.url, "message_list", api=2, headers=headers,
                                       params={"queue_name": "lq", "echo": True}))
    assert [m["body"] for m in json.loads(listed.content)["messages"]] == ["hello"]
    with pytest.raises(terrors.ResourceNotFound):
        http.send(request.Request(server.url, "message_get", api=2, headers=headers, params={
            "queue_name": "lq", "message_id": "0123456789abcdef01234567"}))
    versions = http.send(request.Request(server.url))  # no api: GET the endpoint itself
    assert "versions" in json.loads(versions.content)
    http.cleanup()


def test_prepare_request_applies_the_auth_headers() -> None:
    auth_opts = {"backend": "noauth", "options": {"os_project_id": "p1"}}
    prepared = request.prepare_request(auth_opts, data={"queue_name": "q"},
                                       endpoint="http://h", operation="queue_create", api=2)
    assert prepared.headers["X-Project-ID"] == "p1"
    assert json.loads(prepared.content) == {"queue_name": "q"}  # type: ignore[arg-type]
