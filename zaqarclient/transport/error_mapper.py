"""Turning an error response into the matching exception, the one place it happens."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from zaqarclient.errors import TransportError
from zaqarclient.transport.errors import TooManyRequests, error_class
from zaqarclient.transport.retry import parse_retry_after

_TEXT_LIMIT = 500


def describe_body(content: bytes | str) -> tuple[str, str, Any]:
    """Title, description and decoded body from an error response body.

    Understands Zaqar's ``{"title", "description"}``, keystonemiddleware's
    ``{"error": {"title", "message"}}`` and the websocket API's
    ``{"error": ..., "exception": ...}``; anything else becomes text.
    """
    if not content:
        return "", "", None
    try:
        body = json.loads(content)
    except ValueError:
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        text = text.strip()
        if len(text) > _TEXT_LIMIT:
            text = text[:_TEXT_LIMIT] + "..."
        return "", text, text
    if isinstance(body, Mapping):
        error = body.get("error")
        if isinstance(error, Mapping):
            return str(error.get("title") or ""), str(error.get("message") or ""), body
        title = body.get("title")
        description = body.get("description")
        if title is not None or description is not None:
            return str(title or ""), str(description or ""), body
        if "exception" in body or isinstance(error, str):
            return str(error or ""), str(body.get("exception") or ""), body
    return "", json.dumps(body)[:_TEXT_LIMIT], body


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    content: bytes | str,
    *,
    method: str = "",
    url: str = "",
) -> TransportError:
    """The exception for an error ``status`` with this body and headers."""
    title, description, body = describe_body(content)
    cls = error_class(status)
    error = cls(
        title,
        description,
        status=status,
        method=method,
        url=url,
        request_id=headers.get("x-openstack-request-id"),
        headers=dict(headers),
        body=body,
    )
    if isinstance(error, TooManyRequests):
        error.retry_after = parse_retry_after(headers.get("retry-after"))
    return error
