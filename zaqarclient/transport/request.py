"""The request and response objects every transport speaks, and API route tables."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from zaqarclient.errors import UnsupportedVersion

#: Content type Zaqar requires for queue PATCH (JSON-patch).
JSON_PATCH = "application/openstack-messaging-v2.0-json-patch"

NO_BODY: Any = object()


@dataclass(frozen=True, slots=True)
class Route:
    """Where an operation goes over HTTP.

    ``path`` is relative to the version root and may hold ``{name}`` fields;
    ``idempotent`` says whether a retry can never do harm.
    """

    method: str
    path: str
    idempotent: bool = True
    content_type: str = "application/json"


@dataclass(frozen=True, slots=True)
class Api:
    """An API version: its URL label and operation table."""

    label: str
    version: str
    routes: dict[str, Route]
    #: Why an operation is missing from this version, for the error message.
    missing: dict[str, str] = field(default_factory=dict)

    def route(self, operation: str) -> Route:
        """The route of ``operation``, or :class:`UnsupportedVersion` naming the version."""
        try:
            return self.routes[operation]
        except KeyError:
            hint = self.missing.get(operation, "")
            raise UnsupportedVersion(
                f"Operation {operation!r} is not available in Zaqar API {self.version}"
                + (f": {hint}" if hint else "")
            ) from None


@dataclass(slots=True)
class Request:
    """One API call: an operation name plus its parameters, transport-neutral.

    ``path_params`` fill the route's ``{fields}``; ``params`` become the query
    string; ``body`` is any JSON value (``NO_BODY`` for none). ``retry``
    overrides the route's idempotence for retry decisions.
    """

    operation: str
    path_params: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    body: Any = NO_BODY
    headers: dict[str, str] | None = None
    retry: bool | None = None
    ref: str | None = None


class Response:
    """What came back: status, headers and the raw body, decoded lazily."""

    __slots__ = ("_decoded", "content", "headers", "request", "status_code")

    def __init__(
        self,
        request: Request | None,
        content: bytes | str,
        headers: Any,
        status_code: int,
    ) -> None:
        self.request = request
        self.content = content
        self.headers = headers
        self.status_code = status_code
        self._decoded: Any = NO_BODY

    @property
    def deserialized_content(self) -> Any:
        """The JSON body, or ``None`` when the body is empty."""
        if self._decoded is NO_BODY:
            self._decoded = json.loads(self.content) if self.content else None
        return self._decoded

    def json(self) -> Any:
        """Alias of :attr:`deserialized_content`."""
        return self.deserialized_content

    @property
    def request_id(self) -> str | None:
        """The server's ``x-openstack-request-id``."""
        value = self.headers.get("x-openstack-request-id")
        return str(value) if value is not None else None

    @property
    def location(self) -> str | None:
        """The ``Location`` header, if any."""
        value = self.headers.get("location")
        return str(value) if value is not None else None
