"""The request every transport speaks (an operation and its parameters), and pzc's shapes.

:class:`Request` names an operation of the route tables
(:mod:`zaqarclient.transport.routes`); what comes back is a
:class:`~zaqarclient.transport.contract.Result`. :class:`LegacyRequest`,
:class:`Response` and :func:`prepare_request` are python-zaqarclient's
low-level API (see :mod:`zaqarclient.transport.legacy`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from zaqarclient import auth as auth_backends
from zaqarclient.queues.versions import api_for
from zaqarclient.transport.routes import JSON_PATCH, Api, Route

NO_BODY: Any = object()

#: A query parameter's value: text, a number, a flag or a list (sent comma-joined);
#: ``None`` leaves the parameter out.
QueryValue = str | int | float | bool | list[str] | tuple[str, ...] | set[str] | None

__all__ = ["JSON_PATCH", "NO_BODY", "Api", "LegacyRequest", "QueryValue", "Request", "Response",
           "Route", "prepare_request"]


#: Keywords only python-zaqarclient's ``Request`` constructor has.
_LEGACY_KEYWORDS = frozenset({"endpoint", "content", "api", "verify", "cert", "session"})


def _is_legacy_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether ``Request(*args, **kwargs)`` uses python-zaqarclient's signature.

    Its order is ``(endpoint, operation, ...)`` where this one's is
    ``(operation, path_params, ...)``: a URL first, a string second, no
    arguments at all, or one of its own keywords tells them apart.
    """
    if _LEGACY_KEYWORDS.intersection(kwargs):
        return True
    if not args:
        return "operation" not in kwargs
    if len(args) >= 2 and isinstance(args[1], str):
        return True
    return isinstance(args[0], str) and ("://" in args[0] or args[0] == "")


@dataclass(slots=True)
class Request:
    """One API call: an operation name plus its parameters, transport-neutral.

    ``path_params`` fill the route's ``{fields}``; ``params`` become the query
    string; ``body`` is any JSON value (``NO_BODY`` for none). ``retry``
    overrides the route's idempotence for retry decisions.

    Called with python-zaqarclient's signature, ``Request(endpoint,
    operation, ref='', content=None, params=None, headers=None, api=None,
    ...)``, it builds a :class:`LegacyRequest` instead (what os-collect-config
    and other code using the low-level transport API pass to
    :func:`zaqarclient.transport.get_transport_for` transports).
    """

    operation: str
    path_params: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    body: Any = NO_BODY
    headers: dict[str, str] | None = None
    retry: bool | None = None
    ref: str | None = None

    def __new__(cls, *args: Any, **kwargs: Any) -> Request:
        if cls is Request and _is_legacy_call(args, kwargs):
            return object.__new__(LegacyRequest)
        return object.__new__(cls)


class LegacyRequest(Request):
    """A request in python-zaqarclient's shape: endpoint, operation, JSON ``content``.

    ``params`` may hold the route's path fields too (they are taken out when
    the URL is built, as python-zaqarclient did); ``content`` is the body as
    JSON text and ``body`` its decoded value; ``api`` (``2`` or ``1.1``)
    selects the route table, and without it an HTTP transport GETs
    ``endpoint`` itself.
    """

    def __init__(
        self,
        endpoint: str = "",
        operation: str = "",
        ref: str = "",
        content: str | bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        api: int | float | str | None = None,
        verify: bool = True,
        cert: str | None = None,
        session: Any = None,
    ) -> None:
        self.endpoint = endpoint
        self.operation = operation
        self.path_params = {}
        self.params = dict(params or {})
        self.headers = dict(headers or {})
        self.retry = None
        self.ref = ref or None
        self.content = content
        self.api_version = api
        self.verify = verify
        self.cert = cert
        self.session = session

    @property
    def body(self) -> Any:
        """``content`` decoded (``NO_BODY`` when there is none)."""
        if not self.content:
            return NO_BODY
        return json.loads(self.content)

    @body.setter
    def body(self, value: Any) -> None:
        self.content = None if value is NO_BODY else json.dumps(value)

    @property
    def api(self) -> Api | None:
        """The route table of ``api`` (``None`` when no version was given)."""
        if self.api_version is None or self.api_version == "":
            return None
        return api_for(self.api_version)


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


def prepare_request(
    auth_opts: dict[str, Any] | None = None, data: Any = None, **kwargs: Any
) -> LegacyRequest:
    """python-zaqarclient's helper: a :class:`LegacyRequest` with auth headers applied.

    ``kwargs`` are :class:`LegacyRequest`'s; ``data`` (any JSON value) becomes
    its ``content``.
    """
    request = LegacyRequest(**kwargs)
    conf = {"auth_opts": dict(auth_opts)} if auth_opts is not None else {}
    backend = auth_backends.from_conf(
        conf, kwargs.get("session"), has_endpoint=bool(kwargs.get("endpoint"))
    )
    request.headers = {**(request.headers or {}), **backend.headers()}
    if data is not None:
        request.content = json.dumps(data)
    return request

