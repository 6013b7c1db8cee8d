"""What SDK requests look like over HTTP, and how HTTP replies read as results.

Shared by every HTTP transport (urllib3's pool, a mounted ``requests``
adapter, the in-process reference server): :class:`HttpWire` turns a
:class:`~zaqarclient.transport.request.Request` into an :class:`HttpCall`
(method, URL, headers, body bytes) from the API's route table, and a reply
(status, headers, body bytes) into a
:class:`~zaqarclient.transport.contract.Result`. Nothing here does I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

from zaqarclient.transport.contract import Cursor, Headers, Result
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import NO_BODY, Request
from zaqarclient.transport.routes import Api

_compact_json = json.JSONEncoder(separators=(",", ":")).encode


def encode_query(params: Mapping[str, object]) -> str:
    """A query string with list values joined by literal commas.

    Zaqar splits ``ids``/``claim_ids`` on literal commas only; a ``%2C`` is
    part of an id, so the usual URL encoders cannot be used. ``None`` values
    are left out; booleans are ``true``/``false``.
    """
    parts = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (list, tuple, set, frozenset)):
            text = ",".join(quote(str(item), safe="") for item in value)
            parts.append(f"{quote(key, safe='')}={text}")
            continue
        else:
            text = str(value)
        parts.append(f"{quote(key, safe='')}={quote(text, safe='')}")
    return "&".join(parts)


def created_ids(location: str | None) -> tuple[str, ...]:
    """The ids a ``Location`` names: its ``ids`` query (a post) or its last path segment."""
    if not location:
        return ()
    parts = urlsplit(location)
    listed = parse_qs(parts.query).get("ids") if parts.query else None
    if listed:
        return tuple(item for item in listed[0].split(",") if item)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return (unquote(last),) if last else ()


def next_href(data: object) -> str | None:
    """The ``next`` href among a listing's ``links``, if any."""
    if not isinstance(data, Mapping):
        return None
    links = data.get("links")
    if not isinstance(links, list):
        return None
    for link in links:
        if isinstance(link, Mapping) and link.get("rel") == "next":
            href = link.get("href")
            return str(href) if href else None
    return None


def marker_of(href: str) -> str | None:
    """The ``marker`` query parameter of an href."""
    values = parse_qs(urlsplit(href).query).get("marker")
    return values[0] if values else None


class ReplyHeaders(dict[str, str]):
    """A reply's headers keyed by lower-case name; lookups ignore case.

    What a transport without an HTTP library of its own (the in-process
    server) hands a result, at a fraction of ``urllib3.HTTPHeaderDict``'s cost.
    """

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> ReplyHeaders:
        """Headers from (name, value) pairs; repeated names join with ``", "`` (RFC 9110)."""
        headers = cls()
        for name, value in pairs:
            key = name.lower()
            known = dict.get(headers, key)
            dict.__setitem__(headers, key, value if known is None else f"{known}, {value}")
        return headers

    def __getitem__(self, name: str) -> str:
        return dict.__getitem__(self, name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and dict.__contains__(self, name.lower())

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """The value of header ``name`` (any case), or ``default``."""
        return dict.get(self, name.lower(), default)


@dataclass(slots=True)
class HttpCall:
    """One HTTP request on the wire: method, full URL, headers and body bytes."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


class HttpWire:
    """Requests and replies of one endpoint and API version over HTTP."""

    def __init__(self, endpoint: str, api: Api) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.api = api
        self.version_root = f"{self.endpoint}/{api.label}/"

    def absolute(self, href: str) -> str:
        """The full URL of an href (absolute, server-relative or version-relative)."""
        if href.startswith(("http://", "https://")):
            return href
        if not href.startswith("/"):
            return self.version_root + href
        return self.endpoint + href

    def url(self, request: Request) -> str:
        """The URL ``request`` goes to, query string included."""
        if request.ref:
            url = self.absolute(request.ref)
        else:
            path = self.api.route(request.operation).path
            if request.path_params:
                path = path.format(
                    **{k: quote(str(v), safe="") for k, v in request.path_params.items()}
                )
            url = self.endpoint + path if path.startswith("/") else self.version_root + path
        if request.params:
            query = encode_query(request.params)
            if query:
                url = f"{url}{'&' if '?' in url else '?'}{query}"
        return url

    def call(self, request: Request, headers: Headers) -> HttpCall:
        """The HTTP request for ``request``: route method, URL, JSON body and its type."""
        route = self.api.route(request.operation)
        sent = dict(headers)
        body: bytes | None = None
        if request.body is not NO_BODY:
            body = _compact_json(request.body).encode("utf-8")
            sent["Content-Type"] = route.content_type
        return HttpCall(route.method, self.url(request), sent, body)

    def describe(self, request: Request) -> str:
        """``METHOD url`` of ``request``, without secrets."""
        return f"{self.api.route(request.operation).method} {redact_url(self.url(request))}"

    def result(
        self, request: Request, call: HttpCall, status: int, headers: Headers, content: bytes
    ) -> Result:
        """The result of an HTTP reply; ``headers`` must look names up case-insensitively."""
        return Result(
            request,
            status,
            content=content,
            headers=headers,
            request_id=headers.get("x-openstack-request-id"),
            location=headers.get("location"),
            reader=_READER,
            method=call.method,
            url=redact_url(call.url),
        )


class _HttpReader:
    """Reads the ids a reply created (``Location``) and a listing's next page (``links``)."""

    def created(self, result: Result) -> tuple[str, ...]:
        return created_ids(result.location)

    def cursor(self, result: Result) -> Cursor | None:
        href = next_href(result.data)
        if href is None:
            return None
        return Cursor(Request(result.request.operation, ref=href), marker_of(href))


_READER = _HttpReader()
