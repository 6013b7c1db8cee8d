"""The asyncio websocket transport: SDK requests as Zaqar websocket actions, on ``websockets``.

One connection per transport, opened on first use (and reopened on the use
after a drop), with any number of requests in flight at once: each envelope
carries a correlation id and a reader task hands every reply to the
request awaiting it. What is sent and how replies read are the sync
transport's rules (:func:`~zaqarclient.transport.ws_actions.build`,
:func:`~zaqarclient.transport.ws_actions.read_reply`,
:func:`~zaqarclient.transport.ws.envelope_headers`, the ``authenticate``
exchange of :func:`~zaqarclient.transport.ws.authentication`, the frame
codec); this module only does the asyncio I/O, on the sans-IO protocol of
``websockets`` (frames written in one turn of the loop leave in one write). Frames without a request
are pushed notifications, handed to the push handlers. As the sync
transport, it connects through the environment's proxy (an HTTP CONNECT
tunnel: :mod:`zaqarclient.aio.proxy`).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import ssl
from collections.abc import Callable, Generator, Mapping
from typing import Any

import websockets
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from zaqarclient.aio.proxy import Proxy, open_tunnel, proxy_for
from zaqarclient.auth.base import TLSOptions
from zaqarclient.errors import ConnectionError, TimeoutError
from zaqarclient.transport.contract import Headers, JSONObject, JSONValue, Result
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import Request
from zaqarclient.transport.timeouts import connect_and_read
from zaqarclient.transport.ws import (
    ConnectionAuth,
    _no_connection_auth,
    authentication,
    envelope_headers,
    reply_status,
)
from zaqarclient.transport.ws_actions import build, read_reply
from zaqarclient.transport.ws_codec import OPCODE_BINARY, OPCODE_TEXT, Codec
from zaqarclient.transport.ws_connection import (
    AUTH_EXPIRED,
    AUTH_KEY,
    CORRELATION_HEADER,
    MAX_FRAME,
    CorrelationIds,
    Reply,
    incoming_reply,
    loggable,
    unclaimed_reply,
)

LOG = logging.getLogger("zaqarclient")
_DATA_OPCODES = frozenset({Opcode.TEXT, Opcode.BINARY, Opcode.CONT})


def ws_ssl(url: str, tls: TLSOptions) -> ssl.SSLContext | None:
    """The TLS context of a ``wss://`` connection (None for ``ws://``)."""
    return tls.ssl_context() if url.startswith("wss://") else None


class _Wire(asyncio.Protocol):
    """The socket of one websocket: bytes in and out of websockets' sans-IO protocol.

    Frames written in one turn of the event loop leave in one write (a
    socket send per batch, not per request: with many requests in flight
    that is most of the client's and the server's system time).
    """

    def __init__(self, protocol: ClientProtocol, on_event: Callable[[Any], None],
                 on_lost: Callable[[BaseException | None], None]) -> None:
        self.protocol = protocol
        self._on_event = on_event
        self._on_lost = on_lost
        self._transport: asyncio.Transport | None = None
        self._flush_pending = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self.protocol.receive_data(data)
        self.flush()  # pongs, a close answer
        for event in self.protocol.events_received():
            self._on_event(event)

    def eof_received(self) -> bool | None:
        self.protocol.receive_eof()
        self.flush()
        return None

    def connection_lost(self, exc: BaseException | None) -> None:
        self._on_lost(exc)

    def soon(self) -> None:
        """Flush at the end of this turn of the loop (frames written meanwhile join in)."""
        if not self._flush_pending:
            self._flush_pending = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self._flush_pending = False
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        chunks = self.protocol.data_to_send()
        payload = b"".join(chunks)
        if payload:
            transport.write(payload)
        if b"" in chunks:  # the protocol is done with the connection
            if transport.can_write_eof():
                transport.write_eof()
            else:
                transport.close()

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()


class AsyncWsConnection:
    """One open websocket: writes from any task, replies settled by correlation id."""

    def __init__(self, url: str, codec: Codec, on_push: Callable[[JSONValue], None],
                 on_lost: Callable[[AsyncWsConnection], None] | None = None) -> None:
        self.url = url
        self.codec = codec
        self._on_push = on_push
        self._on_lost_hook = on_lost
        self._pending: dict[str, asyncio.Future[Reply]] = {}
        self.alive = False
        self.close_code: int | None = None
        self.close_reason = ""
        self._protocol = ClientProtocol(parse_uri(url), max_size=MAX_FRAME)
        self._wire = _Wire(self._protocol, self._on_event, self._on_lost)
        self._handshake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._parts: list[bytes] = []
        self._text = True

    async def open(self, ssl_context: ssl.SSLContext | None, timeout: float,
                   proxy: Proxy | None = None) -> None:
        """Connect (through ``proxy`` if given) and run the opening handshake.

        Each of the two steps gets ``timeout`` seconds.
        """
        uri = parse_uri(self.url)
        loop = asyncio.get_running_loop()
        if proxy is None:
            await asyncio.wait_for(loop.create_connection(
                lambda: self._wire, uri.host, uri.port, ssl=ssl_context,
                server_hostname=uri.host if ssl_context else None,
            ), timeout)
        else:
            await asyncio.wait_for(
                self._tunnel(proxy, uri.host, uri.port, ssl_context, timeout), timeout)
        self._protocol.send_request(self._protocol.connect())
        self._wire.flush()
        await asyncio.wait_for(asyncio.shield(self._handshake), timeout)
        self.alive = True

    async def _tunnel(self, proxy: Proxy, host: str, port: int,
                      ssl_context: ssl.SSLContext | None, timeout: float) -> None:
        """Reach ``host:port`` through ``proxy`` (CONNECT), TLS over it for wss, then the wire."""
        raw, early = await open_tunnel(proxy, host, port, redact_url(self.url))
        try:
            if ssl_context is None:
                raw.set_protocol(self._wire)
                self._wire.connection_made(raw)
                if early:  # the server spoke first: not before our handshake, but keep it
                    self._wire.data_received(early)
                raw.resume_reading()
                return
            if early:
                raise ConnectionError(
                    "the proxy's tunnel sent data before the TLS handshake",
                    url=redact_url(self.url), request_sent=False)
            tls = await asyncio.get_running_loop().start_tls(
                raw, self._wire, ssl_context, server_hostname=host,
                ssl_handshake_timeout=timeout)
            assert isinstance(tls, asyncio.Transport)
            # start_tls hands the TLS transport back without telling the protocol.
            self._wire.connection_made(tls)
        except BaseException:
            raw.abort()
            raise

    async def call(self, key: str, envelope: Mapping[str, Any], timeout: float) -> Reply:
        """Send ``envelope`` and await the reply correlated by ``key`` (up to ``timeout`` s)."""
        if not self.alive:
            raise self._dropped_error(request_sent=False)
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        payload = self.codec.encode(envelope)
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug("WS SEND %s %s", redact_url(self.url), loggable(envelope))
        if self.codec.format == "json":
            self._protocol.send_text(payload)
        else:
            self._protocol.send_binary(payload)
        self._wire.soon()
        try:
            return await asyncio.wait_for(future, timeout)
        except builtins.TimeoutError:
            raise TimeoutError(
                f"Zaqar did not answer {envelope.get('action')!r} within {timeout}s "
                f"({CORRELATION_HEADER} {key})",
                method=str(envelope.get("action")), url=redact_url(self.url),
            ) from None
        finally:
            self._pending.pop(key, None)

    async def close(self) -> None:
        """Close the connection (a close handshake, a second at most) and fail what is pending."""
        if self.alive:
            self.alive = False
            with contextlib.suppress(websockets.WebSocketException):
                self._protocol.send_close(1000)
                self._wire.flush()
            with contextlib.suppress(builtins.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._lost), 1.0)
        self._wire.abort()
        self._fail_pending()

    def _dropped_error(self, *, request_sent: bool = True) -> ConnectionError:
        detail = (f"code {self.close_code}: {self.close_reason}" if self.close_code
                  else (self.close_reason or "connection lost"))
        return ConnectionError(
            f"Websocket to Zaqar closed ({detail})", url=redact_url(self.url),
            request_sent=request_sent,
        )

    def _fail_pending(self) -> None:
        pending = list(self._pending.values())
        self._pending.clear()
        error = self._dropped_error()
        for future in pending:
            if not future.done():
                future.set_exception(error)

    def _on_lost(self, exc: BaseException | None) -> None:
        self.alive = False
        self.close_code = self._protocol.close_code
        self.close_reason = self._protocol.close_reason or (
            f"connection lost: {type(exc).__name__}" if exc else self.close_reason)
        if not self._handshake.done():
            self._handshake.set_exception(ConnectionError(
                f"Cannot connect to Zaqar at {redact_url(self.url)}: the connection closed "
                "during the websocket handshake", url=redact_url(self.url), request_sent=False))
        if not self._lost.done():
            self._lost.set_result(None)
        self._fail_pending()
        if self._on_lost_hook is not None:
            self._on_lost_hook(self)

    def _on_event(self, event: Any) -> None:
        if isinstance(event, Response):
            if self._handshake.done():
                return
            failure = self._protocol.handshake_exc
            if failure is None:
                self._handshake.set_result(None)
            else:
                self._handshake.set_exception(ConnectionError(
                    f"Cannot connect to Zaqar at {redact_url(self.url)}: {failure}",
                    url=redact_url(self.url), request_sent=False))
            return
        if not isinstance(event, Frame) or event.opcode not in _DATA_OPCODES:
            return  # pings are answered by the protocol; a close ends in _on_lost
        if event.opcode is not Opcode.CONT:
            self._text = event.opcode is Opcode.TEXT
            self._parts = []
        self._parts.append(bytes(event.data))
        if event.fin:
            data = b"".join(self._parts)
            self._parts = []
            if not self._text:
                self._dispatch(data)
                return
            try:
                self._dispatch(data.decode("utf-8"))
            except UnicodeDecodeError:
                LOG.warning("WS RECV text frame that is not UTF-8 from %s dropped",
                            redact_url(self.url))

    def _dispatch(self, data: str | bytes) -> None:
        opcode = OPCODE_TEXT if isinstance(data, str) else OPCODE_BINARY
        reply = incoming_reply(self.codec, opcode, data, self.url, self._on_push)
        if reply is None:
            return
        key, value = reply
        future = self._pending.pop(key, None)
        if future is None or future.done():
            unclaimed_reply(key)
            return
        future.set_result(value)


def _advance(steps: Generator[JSONObject, Reply, None], reply: Reply | None) -> JSONObject | None:
    """The next envelope of ``steps`` (started when ``reply`` is None); None once they end.

    (A future cannot carry StopIteration, so the end is a value here.)
    """
    try:
        return next(steps) if reply is None else steps.send(reply)
    except StopIteration:
        return None


class AsyncWebsocketTransport:
    """Sends requests as Zaqar websocket actions over one asyncio connection.

    Options as for the sync :class:`~zaqarclient.transport.ws.WebsocketTransport`:
    ``ws_format`` (``json`` or ``msgpack``), ``timeout`` (seconds, or a
    (connect, per-request) pair) and ``connection_auth`` (the auth
    backend's ``connection_flow``). As the sync transport, it goes through
    the proxy the environment names (``http_proxy`` for ws, ``https_proxy``
    for wss, else ``all_proxy``; unless ``no_proxy`` covers the host), read
    once, here.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        tls: TLSOptions | None = None,
        connection_auth: ConnectionAuth = _no_connection_auth,
        timeout: object = None,
        ws_format: str | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.tls = tls or TLSOptions()
        self.connect_timeout, self.timeout = connect_and_read(timeout)
        self.codec = Codec(ws_format)
        self._proxy = proxy_for(self.endpoint)
        self._connection_auth = connection_auth
        self._ids = CorrelationIds()
        self._project: str | None = None
        self._conn: AsyncWsConnection | None = None
        self._opening: asyncio.Lock | None = None
        self._closed = False
        self._renew = False
        self._push_handlers: list[Callable[[JSONValue], None]] = []
        self._drop_hooks: list[Callable[[], None]] = []

    async def handle(self, request: Request, headers: Headers) -> Result:
        """Run ``request`` as its action; the reply as a result (any status)."""
        action, body = build(request)
        conn = await self.connection()
        key = self._ids.new()
        envelope = {"action": action, "headers": envelope_headers(key, headers, self._project),
                    "body": body}
        try:
            reply = await conn.call(key, envelope, self.timeout)
        except TimeoutError:
            raise
        except ConnectionError as exc:
            # Zaqar closes with 4003 before handling a request whose token expired.
            if conn.close_code == AUTH_EXPIRED:
                exc.request_sent = False
                self._renew = True
            raise
        return read_reply(request, reply_status(reply), reply.get("body"), request_id=key,
                          method=action, url=redact_url(self.endpoint))

    def describe(self, request: Request) -> str:
        """The action and URL of ``request``."""
        return f"{build(request)[0]} {redact_url(self.endpoint)}"

    async def close(self) -> None:
        """Close the connection; the transport does not reconnect afterwards."""
        self._closed = True
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()
        for hook in list(self._drop_hooks):
            hook()

    @property
    def closed(self) -> bool:
        """True after :meth:`close`: the transport never reconnects again."""
        return self._closed

    @property
    def connected(self) -> bool:
        """Whether a live connection is open now."""
        return self._conn is not None and self._conn.alive

    def add_push_handler(self, handler: Callable[[JSONValue], None]) -> None:
        """Call ``handler(frame)`` (in the reader task) for every pushed frame."""
        self._push_handlers.append(handler)

    def remove_push_handler(self, handler: Callable[[JSONValue], None]) -> None:
        """Stop calling ``handler``."""
        if handler in self._push_handlers:
            self._push_handlers.remove(handler)

    def add_drop_hook(self, on_drop: Callable[[], None]) -> None:
        """Call ``on_drop()`` when the live connection is lost, and when the transport closes.

        (After a close :attr:`closed` is true: nothing will reconnect.)
        """
        self._drop_hooks.append(on_drop)

    def remove_drop_hook(self, on_drop: Callable[[], None]) -> None:
        """Stop calling ``on_drop``."""
        if on_drop in self._drop_hooks:
            self._drop_hooks.remove(on_drop)

    async def connection(self) -> AsyncWsConnection:
        """The live connection, opened (and authenticated) if needed."""
        if self._closed:
            raise ConnectionError("the websocket transport is closed",
                                  url=redact_url(self.endpoint), request_sent=False)
        conn = self._conn
        if conn is not None and conn.alive:
            return conn
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            conn = self._conn
            if conn is None or not conn.alive:
                if conn is not None and conn.close_code == AUTH_EXPIRED:
                    self._renew = True
                conn = self._conn = await self._open()
        return conn

    async def _open(self) -> AsyncWsConnection:
        url = self.endpoint + "/"
        conn = AsyncWsConnection(url, self.codec, self._on_push, self._on_conn_lost)
        try:
            await conn.open(ws_ssl(url, self.tls), self.connect_timeout, self._proxy)
        except ConnectionError:
            raise
        except builtins.TimeoutError as exc:
            raise TimeoutError(
                f"Zaqar did not accept the websocket within {self.connect_timeout}s",
                url=redact_url(url), request_sent=False,
            ) from exc
        except ssl.SSLError as exc:
            raise ConnectionError(f"TLS error talking to Zaqar: {exc}", url=redact_url(url),
                                  request_sent=False) from exc
        except (OSError, websockets.WebSocketException) as exc:
            raise ConnectionError(
                f"Cannot connect to Zaqar at {redact_url(url)}: {exc}", url=redact_url(url),
                request_sent=False,
            ) from exc
        renew, self._renew = self._renew, False
        try:
            await self._authenticate(conn, renew)
        except BaseException:
            await conn.close()
            raise
        return conn

    async def _authenticate(self, conn: AsyncWsConnection, renew: bool) -> None:
        steps = authentication(self._connection_auth(renew=renew), redact_url(self.endpoint))
        # The connection flow may fetch a token (keystoneauth blocks): each of its steps runs
        # on a worker thread. Connections open rarely, so the hop costs nothing that shows,
        # and the transport opens one at a time.
        envelope = await asyncio.to_thread(_advance, steps, None)
        while envelope is not None:
            self._project = envelope["headers"].get("X-Project-ID") or None
            reply = await conn.call(AUTH_KEY, envelope, self.timeout)
            envelope = await asyncio.to_thread(_advance, steps, reply)

    def _on_push(self, frame: JSONValue) -> None:
        for handler in list(self._push_handlers):
            handler(frame)

    def _on_conn_lost(self, conn: AsyncWsConnection) -> None:
        # Only the live connection's loss concerns the hooks: one that failed while
        # opening was never handed out, and close() tells the hooks itself.
        if conn is not self._conn or self._closed:
            return
        for hook in list(self._drop_hooks):
            hook()
