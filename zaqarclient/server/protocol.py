"""Framework-independent request and response types of the server core."""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from zaqarclient.server.domain.errors import (
    BadDocument,
    Conflict,
    Crash,
    DoesNotExist,
    DomainError,
    ValidationFailed,
)

JSON_CT = "application/json"
JSON_HOME_CT = "application/json-home"


class ServerRequest:
    """One HTTP request as the core sees it: headers are keyed by lower-case name.

    ``oversize`` marks a request whose body was larger than the server accepts
    and was not kept: reading it answers 413 (see `context.Ctx.body`).
    """

    __slots__ = ("body", "headers", "method", "oversize", "path", "query")

    def __init__(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        oversize: bool = False,
    ) -> None:
        self.method = method.upper()
        self.path = path
        self.query = query
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.body = body
        self.oversize = oversize


class ServerResponse:
    """The core's answer: status, header pairs and the encoded body."""

    __slots__ = ("body", "headers", "status")

    def __init__(
        self, status: int, headers: list[tuple[str, str]] | None = None, body: bytes = b""
    ) -> None:
        self.status = status
        self.headers: list[tuple[str, str]] = headers if headers is not None else []
        self.body = body

    def header(self, name: str) -> str | None:
        """Return the first header called `name` (case-insensitive), if any."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def json(self) -> Any:
        """Decode the body as JSON (for tests and tools)."""
        return json.loads(self.body) if self.body else None


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def dumps(doc: Any) -> bytes:
    """Encode a JSON document for the wire."""
    return _dumps(doc).encode("utf-8")


class HTTPError(Exception):
    """An error answer: Zaqar's `{"title", "description"}` body and optional headers."""

    def __init__(
        self,
        status: int,
        title: str,
        description: str | None = None,
        headers: list[tuple[str, str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {title}: {description}")
        self.status = status
        self.title = title
        self.description = description
        self.headers = headers or []
        self.extra = extra

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"title": self.title}
        if self.description is not None:
            doc["description"] = self.description
        if self.extra:
            doc.update(self.extra)
        return doc


# falcon titles Zaqar's HTTP handlers give each kind of domain error (most specific first).
_TITLES: tuple[tuple[type[DomainError], str], ...] = (
    (BadDocument, "Invalid request body"),
    (ValidationFailed, "Invalid API request"),
    (DoesNotExist, "Not found"),
    (Conflict, "Resource conflict"),
    (Crash, "Internal server error"),
)


def from_domain(err: DomainError) -> HTTPError:
    """How Zaqar's HTTP API answers a domain error that its handler does not word itself."""
    for kind, title in _TITLES:
        if isinstance(err, kind):
            return HTTPError(err.status, title, err.text)
    try:
        title = HTTPStatus(err.status).phrase
    except ValueError:
        title = "Error"
    return HTTPError(err.status, title, err.summary or err.text)


def bad_request_api(description: str) -> HTTPError:
    return HTTPError(400, "Invalid API request", description)


def bad_request_body(description: str) -> HTTPError:
    return HTTPError(400, "Invalid request body", description)


def not_found(description: str | None = None) -> HTTPError:
    if description is None:
        return HTTPError(404, "404 Not Found")
    return HTTPError(404, "Not found", description)


def conflict(description: str) -> HTTPError:
    return HTTPError(409, "Resource conflict", description)


def unavailable(description: str) -> HTTPError:
    return HTTPError(
        503, "Service temporarily unavailable", description + " Please try again in a few seconds."
    )


def storage_unavailable(reason: object) -> HTTPError:
    """The 503 of an operation the store could not make durable (and did not apply)."""
    return unavailable(f"The storage is unavailable: {reason}; the request was not applied.")


def body_too_large(limit: int) -> HTTPError:
    """The 413 of a request body past the server's bound (`Config.max_body_size`)."""
    return HTTPError(
        413, "Request body too large",
        f"The request body is larger than {limit} bytes, the most this server accepts "
        "(max_body_size).",
    )


def invalid_queue_id(kind: str = "queue") -> HTTPError:
    return HTTPError(
        400,
        f"Invalid {kind} identification",
        f"The format of the submitted {kind} name or project id is not valid.",
    )


def forbidden() -> HTTPError:
    return HTTPError(403, "Not authorized", "You are not authorized to complete this action.")
