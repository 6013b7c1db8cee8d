"""Envelope handling: the request echo, decode errors, unknown actions, schema failures, msgpack."""

from __future__ import annotations

import json
from typing import Any

import msgpack
import pytest
from websocket import ABNF, WebSocketConnectionClosedException

from tests.server.ws.conftest import CLIENT_ID, Conn


def test_envelope_echoes_the_request(conn: Conn) -> None:
    resp = conn.send("queue_create", {"queue_name": "q"})
    assert resp == {
        "request": {"action": "queue_create", "body": {"queue_name": "q"},
                    "headers": {"Client-ID": CLIENT_ID, "X-Project-ID": "p1"}, "api": "v2"},
        "headers": {"status": 201}, "body": "Queue q created.",
    }


def test_undecodable_text_frame(conn: Conn) -> None:
    resp = conn.send_raw("{nope")
    assert resp["headers"] == {"status": 400}
    assert resp["request"] == {"action": None, "body": {}, "headers": {}, "api": "v2"}
    assert resp["body"]["error"].startswith("Can't decode text (JSON) request. JSONDecodeError: ")


def test_undecodable_binary_frame(conn: Conn) -> None:
    conn.ws.send(b"\xc1", opcode=ABNF.OPCODE_BINARY)
    opcode, data = conn.ws.recv_data()
    assert opcode == ABNF.OPCODE_BINARY
    resp = msgpack.unpackb(data)
    assert resp["headers"] == {"status": 400}
    assert resp["body"]["error"].startswith("Can't decode binary (MessagePack) request. ")


def test_payload_must_be_an_object(conn: Conn) -> None:
    resp = conn.send_raw("[1, 2]")
    assert resp["headers"] == {"status": 400}
    assert resp["body"] == {"error": "Unexpected body type. Expected dict or dict like."}


def test_unknown_action(conn: Conn) -> None:
    resp = conn.send("queue_explode", {})
    assert resp["headers"] == {"status": 400}
    assert resp["body"] == {"error": "queue_explode is not a valid action"}
    assert resp["request"]["action"] == "queue_explode"
    assert conn.send_raw('{"headers": {}}')["body"] == {"error": "None is not a valid action"}


def test_schema_failures(conn: Conn) -> None:
    failed = {"error": "Schema validation failed."}
    assert conn.send("queue_create", {})["body"] == failed  # missing queue_name
    assert conn.send("queue_create")["body"] == failed  # missing body
    assert conn.send("queue_create", {"queue_name": 1})["body"] == failed
    assert conn.send("queue_list", headers={"X-Project-ID": "p1"})["body"] == failed
    assert conn.send("claim_create", {"queue_name": "q", "ttl": True})["body"] == failed
    assert conn.send_raw('{"action": "queue_list"}')["body"] == failed  # no headers
    # queue_list and authenticate need no body
    assert conn.send("queue_list")["headers"] == {"status": 200}


def test_msgpack_request_gets_msgpack_answer(conn: Conn) -> None:
    resp = conn.send_binary({"action": "queue_create", "headers": conn.headers,
                             "body": {"queue_name": "mq"}})
    assert resp["headers"] == {"status": 201}
    assert resp["body"] == "Queue mq created."
    resp = conn.send_binary({"action": "message_post", "headers": conn.headers,
                             "body": {"queue_name": "mq", "messages": [{"body": "x"}]}})
    assert resp["headers"] == {"status": 201}


def test_msgpack_values_json_cannot_carry_are_refused(conn: Conn) -> None:
    # A stored `bin` body could never be listed over HTTP (JSON has no bytes).
    resp = conn.send_binary({"action": "message_post", "headers": conn.headers,
                             "body": {"queue_name": "mq", "messages": [{"body": b"x"}]}})
    assert resp["headers"] == {"status": 400}
    assert resp["body"] == {"error": "Can't decode binary (MessagePack) request. Values of "
                                     "type bytes cannot be stored; use JSON types."}
    resp = conn.send_binary({"action": "queue_create", "headers": conn.headers,
                             "body": {"queue_name": "mq", "metadata": {"k": msgpack.ExtType(
                                 5, b"x")}}})
    assert resp["body"] == {"error": "Can't decode binary (MessagePack) request. Values of "
                                     "type ExtType cannot be stored; use JSON types."}


def test_unhandled_actions_answer_nothing_and_close(connect: Any) -> None:
    for action in ("get_home_doc", "ping_node", "check_node_health"):
        conn = connect()
        conn.ws.send(json.dumps({"action": action, "headers": {}}))
        with pytest.raises((WebSocketConnectionClosedException, ValueError)):
            conn.recv()  # a close frame (empty data) or a dropped socket
    conn = connect()
    conn.ws.send(json.dumps({"action": "pool_get", "headers": conn.headers,
                             "body": {"pool_name": "x"}}))
    with pytest.raises((WebSocketConnectionClosedException, ValueError)):
        conn.recv()


def test_authenticate_without_auth_and_unhashable_actions_close(connect: Any) -> None:
    frames: list[dict[str, Any]] = [
        {"action": "authenticate", "headers": {"X-Auth-Token": "t", "X-Project-ID": "p1"}},
        {"action": ["queue_list"], "headers": {}},
        {"action": {"a": 1}, "headers": {}},
    ]
    for frame in frames:
        conn = connect()
        conn.ws.send(json.dumps(frame))
        with pytest.raises((WebSocketConnectionClosedException, ValueError)):
            conn.recv()


def test_listing_options_read_from_any_body(conn: Conn) -> None:
    # Zaqar reads limit/ttl/grace with int() from every listing body (ValueError: 400,
    # TypeError: 500) and hands all the options to the storage listing, which rejects
    # the ones it does not take (500).
    resp = conn.send("queue_list", {"ttl": "x"})
    assert resp["headers"] == {"status": 400}
    assert resp["body"] == {"exception": "invalid literal for int() with base 10: 'x'",
                            "error": None}
    resp = conn.send("queue_list", {"echo": True})
    assert resp["headers"] == {"status": 500}
    assert resp["body"] == {"exception": "Queue.list() got an unexpected keyword argument 'echo'",
                            "error": "Unexpected error."}
    resp = conn.send("message_list", {"queue_name": "q", "detailed": True})
    assert resp["body"]["exception"] == (
        "MessageController.list() got an unexpected keyword argument 'detailed'")
    resp = conn.send("subscription_list", {"queue_name": "q", "limit": [1]})
    assert resp["headers"] == {"status": 500}
    assert resp["body"]["error"] == "Unexpected error."
    resp = conn.send("subscription_list", {"queue_name": "q", "limit": "1"})
    assert resp["headers"] == {"status": 200}


def test_any_path_is_the_websocket_api(connect: object) -> None:
    conn = connect(path="/v2/whatever")  # type: ignore[operator]
    assert conn.send("queue_list")["headers"] == {"status": 200}


def test_client_id_checked_on_message_post_and_list(conn: Conn) -> None:
    headers = {"Client-ID": "not-a-uuid", "X-Project-ID": "p1"}
    for action, body in (("message_post", {"queue_name": "q", "messages": [{"body": 1}]}),
                         ("message_list", {"queue_name": "q"})):
        resp = conn.send(action, body, headers)
        assert resp["headers"] == {"status": 400}
        assert resp["body"]["error"] is None
        assert "UUID" in resp["body"]["exception"]
    assert conn.send("queue_list", headers=headers)["headers"] == {"status": 200}


def test_projects_are_separate(connect: object) -> None:
    a, b = connect("pa"), connect("pb")  # type: ignore[operator]
    a.ok("queue_create", {"queue_name": "shared"})
    assert b.ok("queue_list") == {"queues": []}


def test_delete_many_ignores_ids_that_are_not_strings(conn: Conn) -> None:
    conn.send("queue_create", {"queue_name": "q"})
    resp = conn.send("message_delete_many", {"queue_name": "q", "message_ids": [1, None]})
    assert resp["headers"] == {"status": 204}
