"""Websocket request building (operation to action and body) and reply reading."""

from __future__ import annotations

import pytest

from zaqarclient.errors import InvalidOperation
from zaqarclient.transport.contract import Cursor
from zaqarclient.transport.request import Request
from zaqarclient.transport.ws_actions import build, read_reply


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (Request("queue_list", params={"limit": "5", "detailed": "true"}),
         ("queue_list", {"limit": 5, "detailed": True})),
        (Request("queue_create", {"queue_name": "q"}, body={"_ttl": 60}),
         ("queue_create", {"queue_name": "q", "metadata": {"_ttl": 60}})),
        (Request("message_post", {"queue_name": "q"}, body={"messages": [{"body": 1}]}),
         ("message_post", {"queue_name": "q", "messages": [{"body": 1}]})),
        (Request("message_get_many", {"queue_name": "q"}, params={"ids": "a,b,,c"}),
         ("message_get_many", {"queue_name": "q", "message_ids": ["a", "b", "c"]})),
        (Request("message_get_many", {"queue_name": "q"}, params={"ids": ("a", "b")}),
         ("message_get_many", {"queue_name": "q", "message_ids": ["a", "b"]})),
        (Request("message_delete", {"queue_name": "q", "message_id": "m"}),
         ("message_delete", {"queue_name": "q", "message_id": "m"})),
        (Request("queue_get", {"queue_name": "q", "message_id": ""}),
         ("queue_get", {"queue_name": "q"})),
        (Request("ping"), ("queue_list", {"limit": 1})),
        (Request("message_list", {"queue_name": "q"}, params={"echo": None, "limit": 2}),
         ("message_list", {"queue_name": "q", "limit": 2})),
        (Request("queue_list", params={"with_count": "false"}), ("queue_list", {})),
        (Request("queue_list", params={"with_count": False}), ("queue_list", {})),
        (Request("queue_create", {"queue_name": "q"}, body=None),
         ("queue_create", {"queue_name": "q"})),
    ],
)
def test_build(request_: Request, expected: tuple[str, dict[str, object]]) -> None:
    assert build(request_) == expected


def test_build_refuses_a_parameter_the_action_lacks() -> None:
    with pytest.raises(InvalidOperation, match="'with_count' of 'queue_list'"):
        build(Request("queue_list", params={"with_count": True}))


def test_build_refuses_a_non_object_body() -> None:
    with pytest.raises(InvalidOperation, match="needs a JSON object body, not list"):
        build(Request("message_post", {"queue_name": "q"}, body=[1]))


def test_build_refuses_operations_without_an_action() -> None:
    with pytest.raises(InvalidOperation, match="websocket API has no such action"):
        build(Request("pool_list"))


def _read(
    request: Request, status: int, body: object
) -> tuple[object, tuple[str, ...], Cursor | None]:
    result = read_reply(request, status, body, request_id="r", method="queue_list", url="ws://h")
    assert result.status == status
    assert result.request_id == "r"
    assert result.location is None
    return result.data, result.created, result.cursor


def test_a_listing_pages_by_the_last_name() -> None:
    request = Request("queue_list", params={"limit": 2})
    data, created, cursor = _read(request, 200, {"queues": [{"name": "a"}, {"name": "b"}]})
    assert data == {"queues": [{"name": "a"}, {"name": "b"}]}
    assert created == ()
    assert cursor is not None
    assert cursor.marker == "b"
    assert cursor.request == Request("queue_list", {}, {"limit": 2, "marker": "b"})


def test_an_empty_listing_has_no_cursor_and_no_links() -> None:
    request = Request("subscription_list", {"queue_name": "q"})
    data, _, cursor = _read(request, 200, {"subscriptions": []})
    assert data == {"subscriptions": []}
    assert cursor is None


def test_a_message_page_containing_its_own_marker_ends_the_listing() -> None:
    request = Request("message_list", {"queue_name": "q"}, {"marker": "m1"})
    data, _, cursor = _read(request, 200, {"messages": [{"id": "m1"}, {"id": "m2"}]})
    assert data == {"messages": []}
    assert cursor is None


def test_non_mapping_listing_items_are_dropped() -> None:
    data, _, cursor = _read(Request("queue_list"), 200, {"queues": ["junk", {"name": "a"}]})
    assert data == {"queues": [{"name": "a"}]}
    assert cursor is not None and cursor.marker == "a"


@pytest.mark.parametrize(
    ("operation", "body", "created"),
    [
        ("message_post", {"message_ids": ["1", 2]}, ("1", "2")),
        ("message_post", {"message_ids": None}, ()),
        ("claim_create", {"claim_id": "c", "messages": []}, ("c",)),
        ("claim_create", {"messages": []}, ()),
        ("subscription_create", {"subscription_id": "s"}, ("s",)),
        ("queue_get", {"_ttl": 1}, ()),
    ],
)
def test_created_ids_come_from_the_reply_body(operation: str, body: dict[str, object],
                                              created: tuple[str, ...]) -> None:
    _, found, _ = _read(Request(operation, {"queue_name": "q"}), 201, body)
    assert found == created


def test_a_claim_on_an_empty_queue_creates_nothing() -> None:
    body = {"claim_id": "c", "messages": []}
    _, created, _ = _read(Request("claim_create", {"queue_name": "q"}), 204, body)
    assert created == ()


def test_message_get_unwraps_the_message() -> None:
    data, _, _ = _read(Request("message_get", {"queue_name": "q", "message_id": "m"}), 200,
                       {"messages": {"id": "m", "body": 1}})
    assert data == {"id": "m", "body": 1}


def test_error_replies_are_passed_through_untouched() -> None:
    body = {"error": "Queue q not found"}
    data, created, cursor = _read(Request("message_get", {"queue_name": "q"}), 404, body)
    assert data == body
    assert (created, cursor) == ((), None)
