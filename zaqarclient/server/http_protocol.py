"""A lean HTTP/1.1 protocol for the reference server; websocket upgrades go to `ws.connection`.

The core answers a request in tens of microseconds, synchronously. Going
through ASGI costs several times that per request (a task, an event and a
dozen message dicts), so plain HTTP requests are parsed with httptools and
answered inline: every request that completes within one ``data_received``
call is handled in order, and all their responses leave in one ``write()``.
A websocket upgrade request is replayed into a
`zaqarclient.server.ws.connection.WebSocketProtocol`, which then owns the
connection.

The runner builds one instance per accepted connection, passing the
listening server's `Serving`; the instance registers itself in
``serving.connections`` so the connection cap and a graceful shutdown reach it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from http import HTTPStatus

import httptools

from zaqarclient.server.http_limits import (
    Limits,
    Refusal,
    at_capacity,
    encode_refusal,
    head_too_large,
    header_too_long,
    too_many_headers,
    too_slow,
    url_too_long,
)
from zaqarclient.server.protocol import ServerRequest, ServerResponse
from zaqarclient.server.serving import Serving
from zaqarclient.server.ws.connection import WebSocketProtocol

LOG = logging.getLogger("zaqarclient.server.http")

_NO_LENGTH = frozenset((204, 304))
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}")  # an RFC 9110 method token
_STATUS_LINES = {
    status.value: f"HTTP/1.1 {status.value} {status.phrase}\r\n".encode("latin-1")
    for status in HTTPStatus
}
#: Requests of one connection answered per turn of the event loop; a pipelined flood's
#: others wait for the next turn (64 pings take about 3 ms).
ANSWERS_PER_TURN = 64
# Seconds a refused connection keeps draining input before it is closed.
_LINGER = 0.5
_CAPACITY_LINGER = 0.05
_BAD_REQUEST_TEXT = b"Invalid HTTP request received."
_BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s"
    % (len(_BAD_REQUEST_TEXT), _BAD_REQUEST_TEXT)
)


_INTERNAL_ERROR = ServerResponse(
    500, [("content-type", "text/plain; charset=utf-8")], b"Internal Server Error"
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
    """One client connection: HTTP/1.1 keep-alive and pipelining, upgrades to websocket.

    Every request is bounded (`http_limits`): the request line, each header,
    the header count and the whole head as they arrive, the body as it
    arrives (a body past the bound is discarded unread and the request answered
    413, or by Zaqar's own size check where a route has one), and the time:
    a request must arrive within ``request_timeout`` of its first byte and no
    connection may stay silent for ``idle_timeout``.
    """

    def __init__(self, serving: Serving, _loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.serving = serving
        self.core = serving.core
        self.may_block = self.core.may_block
        self.limits = Limits.of(self.core.config)
        self.loop = _loop or asyncio.get_event_loop()
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        # One timer per connection; data only stamps `last_active` (no timer churn per request).
        self.timer: asyncio.TimerHandle | None = None
        self.last_active = 0.0
        self.out: list[bytes] = []
        self.closing = False
        self.refused = False  # answered a refusal: drain what arrives, then close
        self.in_request = False
        self.completed = 0  # requests completed during the current feed_data call
        self.method_override: str | None = None
        # the request being parsed
        self.started = 0.0
        self.in_head = False
        self.head_size = 0
        self.url = b""
        self.headers: dict[str, str] = {}
        self.raw_headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.body_size = 0
        self.discarding = False  # the body is past the bound and already answered
        # Set while a request is answered off the loop (`App.blocks`): the requests
        # parsed meanwhile, answered in order once it is done.
        self.backlog: list[tuple[ServerRequest, str, bool]] | None = None

    # -- asyncio.Protocol --------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        connections = self.serving.connections
        cap = self.serving.cap
        connections.add(self)
        self.last_active = self.loop.time()
        self._arm_timer(self.limits.idle_timeout)
        if cap is not None and len(connections) > cap:
            self.serving.refused_at_cap(self.last_active)
            # Linger briefly: under a flood every refused socket still holds a descriptor.
            self._refuse(at_capacity(cap), linger=_CAPACITY_LINGER)

    def connection_lost(self, exc: Exception | None) -> None:
        self.serving.connections.discard(self)
        self._cancel_timer()

    def data_received(self, data: bytes) -> None:
        self.last_active = self.loop.time()
        if self.refused:
            return  # drained until the peer closes or the linger timer fires
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
        except httptools.HttpParserCallbackError as exc:
            if isinstance(exc.__context__, Refusal):
                self._refuse(exc.__context__)
                return
            LOG.error("HTTP parser callback failed", exc_info=exc.__context__)
            self.out.append(_BAD_REQUEST)
            self.closing = True
        except httptools.HttpParserError:
            self.out.append(_BAD_REQUEST)
            self.closing = True
        if self.in_head:
            self.head_size += len(data)  # what httptools buffers for a header still arriving
            if self.head_size > self.limits.header_bytes:
                self._refuse(head_too_large(self.limits))
                return
        self._flush()
        if self.closing and not self.discarding and self.backlog is None:
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
        self.in_head = True
        self.started = self.loop.time()
        if self.limits.request_timeout < self.limits.idle_timeout:
            self._cancel_timer()  # the armed idle wait would fire after the deadline
            self._arm_timer(self.limits.request_timeout)
        self.head_size = 0
        self.url = b""
        self.headers = {}
        self.raw_headers = []
        self.body = []
        self.body_size = 0

    def on_url(self, url: bytes) -> None:
        self.url += url
        if len(self.url) > self.limits.request_line:
            raise url_too_long(self.limits)

    def on_header(self, name: bytes, value: bytes) -> None:
        limits = self.limits
        if len(name) + len(value) + 4 > limits.header_line:
            raise header_too_long(limits)
        if len(self.raw_headers) >= limits.header_count:
            raise too_many_headers(limits)
        name = name.lower()
        self.raw_headers.append((name, value))
        self.headers[name.decode("latin-1")] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self.in_head = False
        declared = self.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limits.body:
            # Answered now, from the headers: Zaqar's size checks need no body.
            self._answer_oversize()
            if self.headers.get("expect", "").lower() == "100-continue":
                self.discarding = False  # the client waits for us and sends nothing
            return
        if self.headers.get("expect", "").lower() == "100-continue" and self.transport:
            self._flush()  # answers to earlier pipelined requests go first
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        if self.discarding:
            return
        self.body_size += len(body)
        if self.body_size > self.limits.body:
            self.body = []
            self._answer_oversize()
        else:
            self.body.append(body)

    def on_message_complete(self) -> None:
        self.in_request = False
        self.completed += 1
        if self.discarding:
            self.discarding = False  # the refused body is over; `closing` is set
            return
        if self.closing:
            return  # answered early (oversize): nothing more on this connection
        if self.parser.should_upgrade() and self._is_websocket_upgrade():
            return  # feed_data raises HttpParserUpgrade next; the websocket protocol answers
        keep_alive = self.parser.should_keep_alive()
        self._answer(b"".join(self.body), keep_alive, oversize=False)

    def _answer_oversize(self) -> None:
        """Answer the request now without its body, then discard the body as it arrives."""
        self._answer(b"", keep_alive=False, oversize=True)
        self.discarding = True

    def _answer(self, body: bytes, keep_alive: bool, oversize: bool) -> None:
        method = self.method_override or self.parser.get_method().decode("ascii")
        self.method_override = None
        keep_alive = keep_alive and not self.closing
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
            body,
            oversize,
        )
        if self.backlog is not None:
            self.backlog.append((request, method, keep_alive))
        elif self.completed > ANSWERS_PER_TURN:
            # A pipelined flood: answer the rest on later turns of the loop, so one
            # packet of requests cannot hold every other client up.
            self.backlog = [(request, method, keep_alive)]
            if self.transport is not None:
                self.transport.pause_reading()
            self.loop.call_soon(self._answer_backlog)
        elif self.may_block and self.core.blocks(request):
            self._answer_off_loop(request, method, keep_alive)
        else:
            self._respond(request, method, keep_alive)

    def _respond(
        self, request: ServerRequest, method: str, keep_alive: bool,
        response: ServerResponse | None = None,
    ) -> None:
        """Queue the answer to ``request``: ``response``, or the core's answer made now."""
        if response is None:
            try:
                response = self.core.handle(request)
            except Exception:
                LOG.exception("unhandled error answering %s %s", method, request.path)
                response = _INTERNAL_ERROR
        try:
            encoded = encode_response(response, method == "HEAD", not keep_alive)
        except Exception:
            LOG.exception("unencodable answer to %s", method)
            encoded = encode_response(_INTERNAL_ERROR, method == "HEAD", not keep_alive)
        self.out.append(encoded)
        self.last_active = self.loop.time()
        if not keep_alive:
            self.closing = True

    def _answer_off_loop(self, request: ServerRequest, method: str, keep_alive: bool) -> None:
        """Answer a request that may block on a worker thread; later ones wait their turn.

        Reading pauses meanwhile, so a pipelining client cannot pile up requests;
        the ones already received go to the backlog and are answered, in order,
        once this one is.
        """
        self.backlog = []
        if self.transport is not None:
            self.transport.pause_reading()
        future = self.loop.run_in_executor(None, self.core.handle, request)
        future.add_done_callback(
            lambda done: self._answered_off_loop(done, request, method, keep_alive)
        )

    def _answered_off_loop(
        self, done: asyncio.Future[ServerResponse], request: ServerRequest, method: str,
        keep_alive: bool,
    ) -> None:
        try:
            response = done.result()
        except Exception:
            LOG.exception("unhandled error answering %s %s", method, request.path)
            response = _INTERNAL_ERROR
        self._respond(request, method, keep_alive, response)
        self._answer_backlog()

    def _answer_backlog(self) -> None:
        """Answer the waiting requests in order, at most ``ANSWERS_PER_TURN`` per loop turn."""
        if self.transport is None or self.transport.is_closing():
            self.backlog = None
            return
        backlog, self.backlog = self.backlog or [], None
        for index, (waiting, waiting_method, waiting_keep_alive) in enumerate(backlog):
            if self.closing:
                break  # an answer closed the connection: what followed it is not answered
            if index == ANSWERS_PER_TURN:
                self.backlog = backlog[index:]
                self.loop.call_soon(self._answer_backlog)
                break
            if self.may_block and self.core.blocks(waiting):
                self._answer_off_loop(waiting, waiting_method, waiting_keep_alive)
                assert self.backlog is not None
                self.backlog.extend(backlog[index + 1:])
                break
            self._respond(waiting, waiting_method, waiting_keep_alive)
        self._flush()
        if self.backlog is not None:
            return
        if self.closing and not self.discarding:
            self._close()
        elif self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()

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
        tokens = {t.strip().lower() for t in self.headers.get("connection", "").split(",")}
        return "upgrade" in tokens and self.headers.get("upgrade", "").lower() == "websocket"

    def _upgrade(self) -> None:
        """Replay the upgrade request into the websocket protocol and hand it the socket."""
        assert self.transport is not None
        self._cancel_timer()
        self.serving.connections.discard(self)
        method = self.parser.get_method()
        replay = [method, b" ", self.url, b" HTTP/1.1\r\n"]
        for name, value in self.raw_headers:
            replay += (name, b": ", value, b"\r\n")
        replay.append(b"\r\n")
        protocol = WebSocketProtocol(self.serving, self.loop)
        protocol.connection_made(self.transport)
        protocol.data_received(b"".join(replay))
        self.transport.set_protocol(protocol)

    def _refuse(self, refusal: Refusal, linger: float = _LINGER) -> None:
        """Send a refusal after any earlier answers, stop reading requests, close soon."""
        self.out.append(encode_refusal(refusal))
        self._flush()
        self.refused = True
        self.in_request = False
        if self.transport is not None and not self.transport.is_closing():
            # Half-close: the client reads the answer and EOF; what it still sends is
            # drained (closing with unread input would reset the answer away).
            if self.transport.can_write_eof():
                self.transport.write_eof()
            self._cancel_timer()
            self._arm_timer(linger)

    def _arm_timer(self, delay: float) -> None:
        self.timer = self.loop.call_later(delay, self._on_timer)

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _on_timer(self) -> None:
        """Close a silent connection; answer 408 to a request that takes too long."""
        self.timer = None
        if self.refused:
            self._close()
            return
        if self.backlog is not None:  # the server is still answering: not the client's wait
            self.last_active = self.loop.time()
        now = self.loop.time()
        idle_left = self.last_active + self.limits.idle_timeout - now
        request_left = (
            self.started + self.limits.request_timeout - now if self.in_request else idle_left
        )
        left = min(idle_left, request_left)
        if left > 0:
            self._arm_timer(left)
        elif self.in_request and not self.discarding and not self.closing:
            self._refuse(too_slow(self.limits, idle=idle_left <= 0))
        else:
            self._close()

    def shutdown(self) -> None:
        """Graceful shutdown (called by the runner): close now unless a request is mid-way."""
        if self.in_request or self.backlog is not None:
            self.closing = True  # close once the request has been answered
        else:
            self._close()
