"""The transport contract: a transport takes a :class:`Request` and returns a :class:`Result`.

One call, ``queue.post({"body": 1})``, from top to bottom::

    resource (queues/v2/*.py)   Request("message_post", {"queue_name": "q"}, body=...)
       |  client.call(request)          the Caller protocol (queues/v2/protocol.py)
    Pipeline (transport/pipeline.py)     headers, auth flow, retries, error mapping, logging
       |  transport.handle(request, headers)
    a Transport                          builds its wire request, sends it, reads the reply
       +- HttpTransport       transport/http.py       urllib3's pool (http:// and https://)
       +- AdapterTransport    transport/adapter.py    a mounted requests adapter
       +- InProcessTransport  testing/inprocess.py    the reference server's App, no socket
       +- WebsocketTransport  transport/ws.py         Zaqar's websocket API (ws:// and wss://)
       |
    Result                               status, data, request_id, location, created ids,
                                         cursor (the next page), headers

Rules every transport keeps:

* an error status is a :class:`Result` like any other: the pipeline maps it
  (:mod:`zaqarclient.transport.error_mapper`), transports never build API errors;
* no answer at all is :class:`~zaqarclient.errors.ConnectionError` (or its
  :class:`~zaqarclient.errors.TimeoutError`), with ``request_sent`` saying
  whether the server may have seen the request; the transport that owns a
  library translates that library's exceptions;
* data is in the SDK's own terms, not another wire's: a websocket reply is not
  dressed up as HTTP (no invented hrefs, ``Location`` or statuses). A listing
  says where its next page starts with a :class:`Cursor`, whatever the wire.

An asynchronous transport implements the same contract with ``async def
handle``: requests and results are plain values, and nothing here blocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias, runtime_checkable

from zaqarclient.transport.request import Request

#: A decoded JSON value (object, array, string, number, true/false or null). Callers
#: index into what Zaqar answered, so it stays open rather than a union to narrow.
JSONValue: TypeAlias = Any
#: A decoded JSON object.
JSONObject: TypeAlias = dict[str, JSONValue]
#: Headers of a request: name to value.
Headers: TypeAlias = Mapping[str, str]

_PENDING: Any = object()
_NO_HEADERS: Mapping[str, str] = {}


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a listing's next page starts: the request that fetches it.

    ``marker`` is the position that request starts after (None when the wire
    does not say), so a pager can tell when a server ignored it and repeated
    itself.
    """

    request: Request
    marker: str | None = None


class Result:
    """What a transport got back for one request, in the SDK's terms.

    ``data`` is the decoded body (``None`` when there is none), decoded on
    first access from ``content`` when the wire carried raw bytes; a body that
    is not JSON raises ``ValueError`` there (the pipeline turns that into
    :class:`~zaqarclient.transport.errors.InvalidResponseBody`). ``created``
    holds the ids of what the call created (posted messages, a claim);
    ``cursor`` the next page of a listing. ``method`` and ``url`` say where the
    request went (an HTTP method or a websocket action; the URL without
    secrets), for errors and logs.
    """

    __slots__ = (
        "_created",
        "_cursor",
        "_data",
        "_reader",
        "content",
        "headers",
        "location",
        "method",
        "request",
        "request_id",
        "status",
        "url",
    )

    def __init__(
        self,
        request: Request,
        status: int,
        *,
        content: bytes = b"",
        data: JSONValue = _PENDING,
        headers: Headers = _NO_HEADERS,
        request_id: str | None = None,
        location: str | None = None,
        created: tuple[str, ...] = (),
        cursor: Cursor | None = None,
        reader: Reader | None = None,
        method: str = "",
        url: str = "",
    ) -> None:
        self.request = request
        self.status = status
        self.content = content
        self._data = data
        self.headers = headers
        self.request_id = request_id
        self.location = location
        self._created = created
        self._cursor = cursor
        self._reader = reader
        self.method = method
        self.url = url

    def __repr__(self) -> str:
        return f"<Result {self.request.operation} {self.status} request-id={self.request_id}>"

    @property
    def data(self) -> JSONValue:
        """The decoded body; ``None`` when empty. ``ValueError`` if it is not JSON."""
        if self._data is _PENDING:
            self._data = json.loads(self.content) if self.content else None
        return self._data

    @property
    def created(self) -> tuple[str, ...]:
        """The ids of what this call created (message ids of a post, a claim's id)."""
        if self._reader is not None and not self._created:
            self._created = self._reader.created(self)
        return self._created

    @property
    def cursor(self) -> Cursor | None:
        """Where the next page of this listing starts (None: this was the last page)."""
        if self._reader is not None and self._cursor is None:
            self._cursor = self._reader.cursor(self)
        return self._cursor


class Reader(Protocol):
    """Reads what a wire says only in its own terms, when a caller asks (HTTP: headers, links)."""

    def created(self, result: Result) -> tuple[str, ...]:
        """The ids ``result`` says were created."""
        ...

    def cursor(self, result: Result) -> Cursor | None:
        """Where the listing after ``result`` continues."""
        ...


class Transport(Protocol):
    """One way to reach Zaqar: :meth:`handle` sends a request and returns what came back."""

    def handle(self, request: Request, headers: Headers) -> Result:
        """Send ``request`` with ``headers``; the result, whatever its status."""
        ...

    def describe(self, request: Request) -> str:
        """Where ``request`` would go, for logs (method and URL or action; no secrets)."""
        ...

    def close(self) -> None:
        """Release connections; a closed transport may refuse further requests."""
        ...


@runtime_checkable
class PipeliningTransport(Transport, Protocol):
    """A transport that can have many requests in flight from one thread."""

    def submit(
        self, request: Request, headers: Headers, then: Callable[[Result], Result]
    ) -> Future[Result]:
        """Send ``request`` now; the future gets ``then(result)`` (or what it raised)."""
        ...
