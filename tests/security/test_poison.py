"""Nothing may be stored that cannot be served back; no write is answered as a failure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.server.ws.conftest import Conn
from zaqarclient.server.config import Config
from zaqarclient.server.documents import MAX_DEPTH
from zaqarclient.testing import ReferenceServer

CID = "3381af92-2b9e-11e3-b191-71861300734c"
H = {"Client-ID": CID, "X-Project-ID": "poison", "Content-Type": "application/json"}
PATCH = {**H, "Content-Type": "application/openstack-messaging-v2.0-json-patch"}


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(Config(enable_v1_1=True)) as ref:  # both APIs parse bodies
        yield ref


def call(server: ReferenceServer, method: str, path: str, raw: bytes | None = None,
         headers: dict[str, str] = H) -> requests.Response:
    return requests.request(method, server.url + path, data=raw, headers=headers)


def every_read_works(server: ReferenceServer, queue: str) -> None:
    for path in (f"/v2/queues/{queue}/messages?echo=true", f"/v2/queues/{queue}",
                 f"/v2/queues/{queue}/stats", "/v2/queues?detailed=true"):
        resp = call(server, "GET", path)
        assert resp.status_code == 200, (path, resp.text)
    resp = call(server, "POST", f"/v2/queues/{queue}/claims", b'{"ttl": 60}')
    assert resp.status_code in (201, 204), resp.text
    if resp.status_code == 201:
        assert call(server, "DELETE", resp.headers["location"]).status_code == 204


@pytest.mark.parametrize(("method", "path", "raw", "headers"), [
    ("POST", "/v2/queues/lone/messages", b'{"messages": [{"body": "\\ud800"}]}', H),
    ("POST", "/v2/queues/lone/messages", b'{"messages": [{"body": {"\\udfff": 1}}]}', H),
    ("POST", "/v2/queues/lone/messages", b'{"messages": [{"body": ["a\\uDBFFb"]}]}', H),
    ("PUT", "/v2/queues/lone-meta", b'{"k": "\\ud800"}', H),
    ("PATCH", "/v2/queues/lone",
     b'[{"op": "add", "path": "/metadata/k", "value": "\\ud800"}]', PATCH),
    ("POST", "/v2/queues/lone/subscriptions",
     b'{"subscriber": "http://127.0.0.1:9/", "options": {"x": "\\udc00"}}', H),
    ("POST", "/v1.1/queues/lone/messages", b'[{"ttl": 60, "body": "\\ud800"}]', H),
])
def test_unpaired_surrogates_are_refused_and_the_queue_stays_readable(
    server: ReferenceServer, method: str, path: str, raw: bytes, headers: dict[str, str]
) -> None:
    call(server, "PUT", "/v2/queues/lone")
    call(server, "POST", "/v2/queues/lone/messages", b'{"messages": [{"body": "fine"}]}')
    resp = call(server, method, path, raw, headers)
    assert resp.status_code == 400
    assert "unpaired UTF-16 surrogate" in resp.json()["description"]
    every_read_works(server, "lone")
    every_read_works(server, "lone-meta")


def test_a_surrogate_pair_is_text_and_is_kept(server: ReferenceServer) -> None:
    resp = call(server, "POST", "/v2/queues/pair/messages",
                b'{"messages": [{"body": "\\ud83d\\ude00"}]}')
    assert resp.status_code == 201
    got = call(server, "GET", "/v2/queues/pair/messages?echo=true").json()
    assert got["messages"][0]["body"] == "\U0001f600"


def nested_object(depth: int) -> bytes:
    return (b'{"a": ' * depth) + b"1" + (b"}" * depth)


@pytest.mark.parametrize("depth", [500, MAX_DEPTH])
def test_deep_metadata_that_zaqar_accepts_is_accepted_and_served(
    server: ReferenceServer, depth: int
) -> None:
    assert call(server, "PUT", f"/v2/queues/deep{depth}", nested_object(depth)).status_code == 201
    got = call(server, "GET", f"/v2/queues/deep{depth}").json()
    node: Any = got
    for _ in range(depth - 1):
        node = node["a"]
    assert node == {"a": 1}
    assert call(server, "GET", "/v2/queues?detailed=true").status_code == 200
    patch = b'[{"op": "add", "path": "/metadata/b", "value": ' + nested_object(depth - 2) + b"}]"
    assert call(server, "PATCH", f"/v2/queues/deep{depth}", patch, PATCH).status_code == 200


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 974, 1000, 30000])
def test_deeper_documents_get_a_clear_400(server: ReferenceServer, depth: int) -> None:
    body = b'{"messages": [{"body": ' + (b"[" * depth) + b"]" * depth + b"}]}"
    # (queue metadata is capped at 65536 bytes: 9000 levels fit)
    for method, path, raw in (("PUT", "/v2/queues/deeper", nested_object(min(depth, 9000))),
                              ("POST", "/v2/queues/deeper/messages", body),
                              ("POST", "/v2/queues/deeper/claims", nested_object(depth))):
        resp = call(server, method, path, raw)
        assert resp.status_code == 400, resp.text
        assert resp.json()["description"] == (
            f"The document is nested too deeply: at most {MAX_DEPTH} levels of arrays and "
            "objects are accepted."
        )
    every_read_works(server, "deeper")


def test_a_queue_name_ending_in_a_newline_is_written_and_answered_like_zaqar(
    server: ReferenceServer,
) -> None:
    # `$` in Zaqar's name pattern also matches before a final newline, so the name is
    # valid there; Zaqar 23.0.1 answers 201 with the newline percent-encoded.
    resp = call(server, "PUT", "/v2/queues/nl%0A")
    assert resp.status_code == 201 and resp.headers["location"] == "/v2/queues/nl%0A"
    assert call(server, "PUT", "/v2/queues/nl%0A").status_code == 204  # no duplicate
    resp = call(server, "POST", "/v2/queues/nl%0A/messages", b'{"messages": [{"body": 1}]}')
    assert resp.status_code == 201
    assert resp.headers["location"].startswith("/v2/queues/nl%0A/messages?ids=")
    resp = call(server, "POST", "/v2/queues/nl%0A/claims", b"{}")
    assert resp.status_code == 201 and resp.headers["location"].startswith(
        "/v2/queues/nl%0A/claims/")
    names = [q["name"] for q in call(server, "GET", "/v2/queues").json()["queues"]]
    assert "nl\n" in names
    assert call(server, "PUT", "/v2/queues/nl%0D").status_code == 400
    assert call(server, "PUT", "/v2/queues/nl%0A%0A").status_code == 400


def ws(server: ReferenceServer) -> Conn:
    return Conn(server.url.replace("http", "ws", 1), project="poison-ws")


def test_websocket_frames_get_the_same_document_checks(server: ReferenceServer) -> None:
    conn = ws(server)
    try:
        envelope = {"action": "message_post", "headers": conn.headers,
                    "body": {"queue_name": "w", "messages": [{"body": "SURROGATE"}]}}
        lone = json.dumps(envelope).replace("SURROGATE", "\\ud800")
        resp = conn.send_raw(lone)
        assert resp["headers"]["status"] == 400
        assert "unpaired UTF-16 surrogate" in resp["body"]["error"]
        deep: Any = 1
        for _ in range(MAX_DEPTH):
            deep = [deep]
        resp = conn.send("message_post", {"queue_name": "w", "messages": [{"body": deep}]})
        assert resp["headers"]["status"] == 400 and "nested too deeply" in resp["body"]["error"]
        binary = conn.send_binary({"action": "message_post", "headers": conn.headers,
                                   "body": {"queue_name": "w", "messages": [{"body": deep}]}})
        assert binary["headers"]["status"] == 400
        assert conn.send("message_list", {"queue_name": "w", "echo": True})["headers"] == {
            "status": 200}
    finally:
        conn.close()
    every_read_works(server, "w")


def test_websocket_message_is_served_over_http(server: ReferenceServer) -> None:
    conn = ws(server)
    try:
        body = {"k": ["v", 1, 2.5, None, True]}
        resp = conn.send_binary({"action": "message_post", "headers": conn.headers,
                                 "body": {"queue_name": "wb", "messages": [{"body": body}]}})
        assert resp["headers"]["status"] == 201
    finally:
        conn.close()
    got = requests.get(server.url + "/v2/queues/wb/messages?echo=true",
                       headers={**H, "X-Project-ID": "poison-ws"})
    assert got.status_code == 200 and json.loads(got.text)["messages"][0]["body"] == body
