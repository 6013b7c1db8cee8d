"""Error envelopes, unsupported operations and parameters over websocket."""

from __future__ import annotations

import pytest

from tests.ws.helpers import ws
from zaqarclient.errors import InvalidOperation
from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue
from zaqarclient.transport.error_mapper import error_from_result
from zaqarclient.transport.errors import MalformedRequest, ResourceNotFound
from zaqarclient.transport.request import Request


def test_endpoint_error_fills_status_title_description_and_request_id(queue: Queue) -> None:
    with pytest.raises(ResourceNotFound) as info:
        queue.message("0f0e0d0c-0b0a-4909-8807-060504030201")
    error = info.value
    assert error.status == 404
    assert error.title == "Not Found"
    assert "does not exist" in error.description
    assert error.method == "message_get"
    assert error.request_id and str(error).startswith(f"[{error.request_id}]")


def test_validation_error_is_malformed_request(queue: Queue) -> None:
    with pytest.raises(MalformedRequest) as info:
        queue.post({"body": "x", "ttl": 1})
    assert "TTL" in info.value.description or "ttl" in info.value.description.lower()


def test_envelope_error_unknown_action(client: Client) -> None:
    result = ws(client).send_action("no_such_action", {}, {})
    assert result.status == 400
    assert result.data == {"error": "no_such_action is not a valid action"}
    error = error_from_result(result)
    assert isinstance(error, MalformedRequest)
    assert error.description == "no_such_action is not a valid action"


def test_schema_error_is_malformed_request(client: Client) -> None:
    with pytest.raises(MalformedRequest) as info:
        client.call(Request("message_get", {"queue_name": "q"}, {}))
    assert info.value.description == "Schema validation failed."


@pytest.mark.parametrize(
    "operation",
    [
        "queue_update",
        "signed_url_create",
        "subscription_update",
        "subscription_confirm",
        "pool_list",
        "pool_create",
        "flavor_list",
        "health",
        "homedoc",
        "versions",
        "topic_list",
        "topic_message_post",
    ],
)
def test_operations_without_a_ws_action_are_never_sent(client: Client, operation: str) -> None:
    transport = ws(client)
    with pytest.raises(InvalidOperation, match="websocket transport"):
        client.call(Request(operation, {"queue_name": "q"}))
    assert not transport.connected  # nothing was sent: the connection was never opened


def test_resource_methods_without_ws_action_raise(client: Client, queue: Queue) -> None:
    for call in (queue.exists, lambda: queue.metadata({"a": 1}), queue.signed_url, client.health):
        with pytest.raises(InvalidOperation):
            call()


def test_unsupported_listing_filter_raises(client: Client) -> None:
    with pytest.raises(InvalidOperation, match="'name'"):
        client.queues(name="abc")


def test_ping_is_answered_by_a_listing(client: Client) -> None:
    assert client.ping() is True
