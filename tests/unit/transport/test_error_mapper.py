"""Reading error bodies, and the typed errors the pipeline raises from results."""

from __future__ import annotations

import pytest

from zaqarclient.transport.contract import Result
from zaqarclient.transport.error_mapper import (
    describe_body,
    describe_value,
    error_from_result,
    invalid_body,
)
from zaqarclient.transport.errors import InvalidResponseBody, ResourceNotFound, TooManyRequests
from zaqarclient.transport.request import Request


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ("", "", None)),
        (
            b'{"title": "Bad", "description": "why"}',
            ("Bad", "why", {"title": "Bad", "description": "why"}),
        ),
        (b'{"title": "Bad"}', ("Bad", "", {"title": "Bad"})),
        (
            b'{"description": null, "title": null}',
            ("", '{"description": null, "title": null}', {"description": None, "title": None}),
        ),
        (
            b'{"error": {"title": "Unauthorized", "message": "no token"}}',
            (
                "Unauthorized",
                "no token",
                {"error": {"title": "Unauthorized", "message": "no token"}},
            ),
        ),
        (
            b'{"error": "Queue q not found"}',
            ("", "Queue q not found", {"error": "Queue q not found"}),
        ),
        (
            b'{"error": "Bad request", "exception": "boom"}',
            ("Bad request", "boom", {"error": "Bad request", "exception": "boom"}),
        ),
        (b'"  just text  "', ("", "just text", "  just text  ")),
        (b"[1, 2]", ("", "[1, 2]", [1, 2])),
        (b'{"other": 1}', ("", '{"other": 1}', {"other": 1})),
        (b"  <html>proxy</html>\n", ("", "<html>proxy</html>", "<html>proxy</html>")),
        ("plain str", ("", "plain str", "plain str")),
        (b"\xff\xfe not utf-8", ("", "\ufffd\ufffd not utf-8", "\ufffd\ufffd not utf-8")),
    ],
)
def test_describe_body(content: bytes | str, expected: tuple[str, str, object]) -> None:
    assert describe_body(content) == expected


def test_describe_body_cuts_long_text() -> None:
    title, description, body = describe_body(b"x" * 600)
    assert title == ""
    assert description == "x" * 500 + "..."
    assert body == description


def test_describe_value_cuts_long_json() -> None:
    _, description, _ = describe_value({"k": "v" * 1000})
    assert len(description) == 500


def _result(status: int, **kwargs: object) -> Result:
    return Result(Request("queue_get", {"queue_name": "q"}), status, method="GET",
                  url="http://h/v2/queues/q", **kwargs)  # type: ignore[arg-type]


def test_error_from_result_uses_the_status_phrase_when_there_is_no_title() -> None:
    error = error_from_result(_result(404, data={"error": "Queue q not found"}, request_id="req-1"))
    assert isinstance(error, ResourceNotFound)
    assert error.title == "Not Found"
    assert error.description == "Queue q not found"
    assert error.request_id == "req-1"


def test_too_many_requests_carries_retry_after() -> None:
    error = error_from_result(_result(429, content=b"", headers={"retry-after": "7"}))
    assert isinstance(error, TooManyRequests)
    assert error.retry_after == 7.0


def test_invalid_body_names_operation_status_and_request_id() -> None:
    result = _result(200, content=b"<html>oops</html>", request_id="req-9")
    with pytest.raises(ValueError) as caught:
        _ = result.data
    error = invalid_body(result, caught.value)
    assert isinstance(error, InvalidResponseBody)
    assert "queue_get answered 200" in str(error)
    assert error.request_id == "req-9"
    assert error.status == 200
