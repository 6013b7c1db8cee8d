"""Zero-socket mode: the reference server's ``App`` answering without any network.

Two seams, both public:

* :class:`InProcessTransport` is an SDK transport
  (:class:`~zaqarclient.transport.contract.Transport`): hand it to
  ``Client(url, transport=...)`` (``ReferenceServer.client()`` does) and
  every call goes straight to ``App.handle``, with no HTTP library at all;
* :class:`InProcessAdapter` is a ``requests`` transport adapter for any
  ``requests.Session`` (``session.mount(url, adapter)``) or ``Client.mount``;
  its responses are built by ``requests``' own ``HTTPAdapter.build_response``
  from a urllib3 response, as for a real socket.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from http import HTTPStatus
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import BaseAdapter, HTTPAdapter

from zaqarclient.server.app import App
from zaqarclient.server.protocol import ServerRequest, ServerResponse
from zaqarclient.transport.contract import Headers, Result
from zaqarclient.transport.http_wire import HttpWire, ReplyHeaders
from zaqarclient.transport.request import Request
from zaqarclient.transport.routes import Api


def serve(
    app: App, method: str, url: str, headers: Mapping[str, str], body: bytes
) -> ServerResponse:
    """``app``'s answer to one HTTP request, as the ASGI front end would hand it over."""
    parts = urlsplit(url)
    lowered = {name.lower(): value for name, value in headers.items()}
    if body and "content-length" not in lowered:
        lowered["content-length"] = str(len(body))
    return app.handle(ServerRequest(method, parts.path or "/", parts.query, lowered, body))


class InProcessTransport:
    """An SDK transport that calls ``app.handle`` directly: no socket, no HTTP library."""

    def __init__(self, app: App, endpoint: str, api: Api) -> None:
        self.app = app
        self.wire = HttpWire(endpoint, api)

    def handle(self, request: Request, headers: Headers) -> Result:
        """Serve ``request`` in this process; the answer as a result."""
        call = self.wire.call(request, headers)
        served = serve(self.app, call.method, call.url, call.headers, call.body or b"")
        return self.wire.result(
            request, call, served.status, ReplyHeaders.from_pairs(served.headers), served.body
        )

    def describe(self, request: Request) -> str:
        """``METHOD url`` of ``request``."""
        return self.wire.describe(request)

    def close(self) -> None:
        """Nothing to release (the server is closed by its owner)."""


def _body_bytes(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    read = getattr(body, "read", None)  # a file-like body (requests accepts those)
    if callable(read):
        data = read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if isinstance(body, (list, tuple)):
        return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)
    raise TypeError(f"cannot send a {type(body).__name__} body in process")


class InProcessAdapter(BaseAdapter):
    """Answers every request with ``app.handle()``; mount it with ``session.mount(prefix, it)``."""

    def __init__(self, app: App) -> None:
        super().__init__()
        self.app = app
        self._builder = HTTPAdapter()

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Serve ``request`` in process; a response as ``requests`` builds it from a socket's."""
        served = serve(
            self.app, request.method or "GET", request.url or "/", request.headers,
            _body_bytes(request.body),
        )
        headers = urllib3.HTTPHeaderDict(served.headers)
        if "content-length" not in headers:
            headers["content-length"] = str(len(served.body))
        try:
            reason = HTTPStatus(served.status).phrase
        except ValueError:
            reason = ""
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(served.body), headers=headers, status=served.status,
            reason=reason, preload_content=False, decode_content=False,
        )
        return self._builder.build_response(request, raw)

    def close(self) -> None:
        """Nothing to release."""
