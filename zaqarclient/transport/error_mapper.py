"""Turning what the server answered into the matching exception: the one place it happens.

Every transport hands its :class:`~zaqarclient.transport.contract.Result` to
the pipeline, which calls :func:`error_from_result` for an error status, and
:func:`invalid_body` for a success status whose body is not JSON. The
operation layer uses :func:`not_found` where an operation's empty answer
means "missing" (``message_get_many``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus

from zaqarclient.errors import TransportError
from zaqarclient.transport.contract import JSONValue, Result
from zaqarclient.transport.errors import InvalidResponseBody, TooManyRequests, error_class
from zaqarclient.transport.retry import parse_retry_after

_TEXT_LIMIT = 500


def describe_body(content: bytes | str) -> tuple[str, str, JSONValue]:
    """Title, description and decoded body from a raw error response body.

    JSON bodies are read by :func:`describe_value`; anything else becomes the
    description, stripped and cut at 500 characters.
    """
    if not content:
        return "", "", None
    try:
        body = json.loads(content)
    except ValueError:
        text = _cut(_text(content))
        return "", text, text
    return describe_value(body)


def describe_value(body: JSONValue) -> tuple[str, str, JSONValue]:
    """Title, description and the body itself from a decoded error body.

    Understands Zaqar's ``{"title", "description"}``, keystonemiddleware's
    ``{"error": {"title", "message"}}`` and the websocket API's
    ``{"error": ...}`` and ``{"error": ..., "exception": ...}``; a bare string
    is the description; anything else is shown as compact JSON.
    """
    if body is None:
        return "", "", None
    if isinstance(body, str):
        return "", _cut(body.strip()), body
    if isinstance(body, Mapping):
        error = body.get("error")
        if isinstance(error, Mapping):
            return str(error.get("title") or ""), str(error.get("message") or ""), body
        title = body.get("title")
        description = body.get("description")
        if title is not None or description is not None:
            return str(title or ""), str(description or ""), body
        exception = body.get("exception")
        if exception is not None:
            return str(error or ""), str(exception), body
        if isinstance(error, str):
            return "", error, body
    return "", json.dumps(body)[:_TEXT_LIMIT], body


def _text(content: bytes | str) -> str:
    return content.decode("utf-8", "replace") if isinstance(content, bytes) else content


def _cut(text: str) -> str:
    text = text.strip()
    return text[:_TEXT_LIMIT] + "..." if len(text) > _TEXT_LIMIT else text


def error_from_result(result: Result, *, title: str = "", description: str = "") -> TransportError:
    """The exception for ``result``'s error status, with what the server said.

    ``title`` and ``description`` replace the ones read from the body; the
    status phrase stands in for a missing title (Zaqar's websocket errors
    never carry one, proxies' HTML pages neither).
    """
    if result.content:
        found_title, found_description, body = describe_body(result.content)
    else:
        found_title, found_description, body = describe_value(result.data)
    cls = error_class(result.status)
    headers = result.headers
    error = cls(
        title or found_title or _phrase(result),
        description or found_description,
        status=result.status,
        method=result.method,
        url=result.url,
        request_id=result.request_id,
        headers=dict(headers),
        body=body,
    )
    if isinstance(error, TooManyRequests):
        error.retry_after = parse_retry_after(headers.get("retry-after"))
    return error


def _phrase(result: Result) -> str:
    """The status phrase, standing in for a title the body did not give."""
    try:
        return HTTPStatus(result.status).phrase
    except ValueError:
        return "Error"


def not_found(result: Result, description: str) -> TransportError:
    """A 404 for an answer that found nothing where the operation means "missing"."""
    missing = Result(
        result.request, 404, data=None, headers=result.headers, request_id=result.request_id,
        method=result.method, url=result.url,
    )
    return error_from_result(missing, title="Not Found", description=description)


def invalid_body(result: Result, reason: ValueError) -> InvalidResponseBody:
    """The exception for a success status whose body is not what the operation reads."""
    preview = _cut(_text(result.content))[:120]
    return InvalidResponseBody(
        "Invalid response body",
        f"{result.request.operation} answered {result.status} with a body that is not JSON "
        f"({reason}): {preview!r}",
        status=result.status,
        method=result.method,
        url=result.url,
        request_id=result.request_id,
        headers=dict(result.headers),
        body=_text(result.content),
    )
