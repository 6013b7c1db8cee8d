"""A lean HTTP/1.1 protocol for the reference server, websocket upgrades handed to uvicorn.

The core answers a request in tens of microseconds, synchronously. Going
through ASGI costs several times that per request (a task, an event and a
dozen message dicts), so plain HTTP requests are parsed with httptools and
answered inline: every request that completes within one ``data_received``
call is handled in order, and all their responses leave in one ``write()``.
A websocket upgrade request is replayed into uvicorn's websocket protocol,
which then owns the connection, exactly as uvicorn's own HTTP protocol does.

uvicorn builds one instance per accepted connection (``Config(http=...)``),
passing its config and shared server state; the instance registers itself in
``server_state.connections`` so a graceful shutdown reaches it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httptools

from zaqarclient.server.protocol import ServerRequest, ServerResponse

if TYPE_CHECKING:
    from zaqarclient.server.app import App

LOG = logging.getLogger("zaqarclient.server.http")

_NO_LENGTH = frozenset((204, 304))
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}")  # an RFC 9110 method token
_STATUS_LINES = {
    status.value: f"HTTP/1.1 {status.value} {status.phrase}\r\n".encode("latin-1")
    for status in HTTPStatus
}
_BAD_REQUEST_TEXT = b"Invalid HTTP request received."
_BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s"
    % (len(_BAD_REQUEST_TEXT), _BAD_REQUEST_TEXT)
)


def _status_line(status: int) -> bytes:
    return _STATUS_LINES.get(status) or f"HTTP/1.1 {status} Unknown\r\n".encode()


def header_bytes(text: str) -> bytes:
    """A response header name or value as bytes (latin-1, else UTF-8); no line breaks."""
    if "\r" in text or "\n" in text:
        raise ValueError(f"line break in a response header: {text!r}")
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def encode_response(response: ServerResponse, head_only: bool, close: bool) -> bytes:
    """Status line, headers (with content-length) and body as one buffer."""
    parts = [_status_line(response.status)]
    for name, value in response.headers:
        parts += (header_bytes(name), b": ", header_bytes(value), b"\r\n")
    if response.status not in _NO_LENGTH:
        parts.append(b"content-length: %d\r\n" % len(response.body))
    if close:
        parts.append(b"connection: close\r\n")
    parts.append(b"\r\n")
    if not head_only and response.status not in _NO_LENGTH:
        parts.append(response.body)
    return b"".join(parts)


class HttpProtocol(asyncio.Protocol):
    """One client connection: HTTP/1.1 keep-alive and pipelining, upgrades to websocket."""

    def __init__(self, config: Any, server_state: Any, app_state: Any = None,
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.config = config
        self.server_state = server_state
        self.app_state = app_state
        self.core: App = config.app.app  # Config(app=AsgiApp(core))
        self.loop = _loop or asyncio.get_event_loop()
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        # One timer per connection; data only stamps `last_active` (no timer churn per request).
        self.idle_timer: asyncio.TimerHandle | None = None
        self.last_active = 0.0
        self.out: list[bytes] = []
        self.closing = False
        self.in_request = False
        self.completed = 0  # requests completed during the current feed_data call
        self.method_override: str | None = None
        # the request being parsed
        self.url = b""
        self.headers: dict[str, str] = {}
        self.raw_headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []

    # -- asyncio.Protocol --------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server_state.connections.add(self)
        self.last_active = self.loop.time()
        self._arm_idle_timer(self.config.timeout_keep_alive)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server_state.connections.discard(self)
        self._cancel_idle_timer()

    def data_received(self, data: bytes) -> None:
        self.last_active = self.loop.time()
        at_boundary = not self.in_request
        self.completed = 0
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserInvalidMethodError:
            if not (at_boundary and self.completed == 0 and self._feed_unknown_method(data)):
                self.out.append(_BAD_REQUEST)
                self.closing = True
        except httptools.HttpParserUpgrade:
            if self._is_websocket_upgrade():
                self._flush()
                self._upgrade()
                return
        except httptools.HttpParserError:
            self.out.append(_BAD_REQUEST)
            self.closing = True
        self._flush()
        if self.closing:
            self._close()

    def pause_writing(self) -> None:
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.transport is not None:
            self.transport.resume_reading()

    # -- httptools callbacks -------------------------------------------------------------

    def on_message_begin(self) -> None:
        self.in_request = True
        self.url = b""
        self.headers = {}
        self.raw_headers = []
        self.body = []

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        self.raw_headers.append((name, value))
        if name == b"expect" and value.lower() == b"100-continue" and self.transport:
            self._flush()  # answers to earlier pipelined requests go first
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.headers[name.decode("latin-1")] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.in_request = False
        self.completed += 1
        if self.parser.should_upgrade() and self._is_websocket_upgrade():
            return  # feed_data raises HttpParserUpgrade next; the websocket protocol answers
        method = self.method_override or self.parser.get_method().decode("ascii")
        self.method_override = None
        keep_alive = self.parser.should_keep_alive() and not self.closing
        try:
            url = httptools.parse_url(self.url)
        except httptools.HttpParserInvalidURLError:
            self.out.append(_BAD_REQUEST)
            self.closing = True
            return
        request = ServerRequest(
            method,
            url.path.decode("latin-1"),
            (url.query or b"").decode("latin-1"),
            self.headers,
            b"".join(self.body),
        )
        try:
            response = self.core.handle(request)
            encoded = encode_response(response, method == "HEAD", not keep_alive)
        except Exception:
            LOG.exception("unhandled error answering %s %s", method, request.path)
            response = ServerResponse(500, [("content-type", "text/plain; charset=utf-8")],
                                      b"Internal Server Error")
            encoded = encode_response(response, method == "HEAD", not keep_alive)
        self.out.append(encoded)
        if not keep_alive:
            self.closing = True

    # -- helpers -------------------------------------------------------------------------------

    def _feed_unknown_method(self, data: bytes) -> bool:
        """Parse a request whose method llhttp does not know (``FOO /x HTTP/1.1``).

        Zaqar's server hands any method token to falcon, which answers it (400
        "Invalid HTTP method" on a routed path). llhttp only accepts registered
        methods, so the request is parsed under a stand-in method and the core
        is given the real one. Only a request that starts the received chunk is
        handled this way (the usual case); other ones get the plain 400.
        """
        method, space, rest = data.partition(b" ")
        if not space or not _TOKEN.fullmatch(method):
            return False
        self.parser = httptools.HttpRequestParser(self)
        self.method_override = method.decode("ascii")
        try:
            self.parser.feed_data(b"PURGE " + rest)
        except httptools.HttpParserError:
            return False
        return True

    def _flush(self) -> None:
        if self.out and self.transport is not None and not self.transport.is_closing():
            out, self.out = self.out, []
            self.transport.write(out[0] if len(out) == 1 else b"".join(out))

    def _close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _is_websocket_upgrade(self) -> bool:
        if self.config.ws_protocol_class is None:
            return False
        tokens = {t.strip().lower() for t in self.headers.get("connection", "").split(",")}
        return "upgrade" in tokens and self.headers.get("upgrade", "").lower() == "websocket"

    def _upgrade(self) -> None:
        """Replay the upgrade request into uvicorn's websocket protocol and hand it the socket."""
        assert self.transport is not None
        self._cancel_idle_timer()
        self.server_state.connections.discard(self)
        method = self.parser.get_method()
        replay = [method, b" ", self.url, b" HTTP/1.1\r\n"]
        for name, value in self.raw_headers:
            replay += (name, b": ", value, b"\r\n")
        replay.append(b"\r\n")
        protocol = self.config.ws_protocol_class(
            config=self.config, server_state=self.server_state, app_state=self.app_state
        )
        protocol.connection_made(self.transport)
        protocol.data_received(b"".join(replay))
        self.transport.set_protocol(protocol)

    def _arm_idle_timer(self, delay: float) -> None:
        self.idle_timer = self.loop.call_later(delay, self._idle)

    def _cancel_idle_timer(self) -> None:
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None

    def _idle(self) -> None:
        """Close a connection that received nothing for ``timeout_keep_alive`` seconds."""
        self.idle_timer = None
        left = self.last_active + self.config.timeout_keep_alive - self.loop.time()
        if left > 0:
            self._arm_idle_timer(left)
        else:
            self._close()

    def shutdown(self) -> None:
        """Graceful shutdown (called by the runner): close now unless a request is mid-way."""
        if self.in_request:
            self.closing = True  # close once the request has been answered
        else:
            self._close()
