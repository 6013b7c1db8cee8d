"""The asyncio websocket transport: SDK requests as Zaqar websocket actions, on ``websockets``.

One connection per transport, opened on first use (and reopened on the use
after a drop), with any number of requests in flight at once: each envelope
carries a correlation id and a reader task hands every reply to the
request awaiting it. What is sent and how replies read are the sync
transport's rules (:func:`~zaqarclient.transport.ws_actions.build`,
:func:`~zaqarclient.transport.ws_actions.read_reply`,
:func:`~zaqarclient.transport.ws.envelope_headers`, the ``authenticate``
exchange of :func:`~zaqarclient.transport.ws.authentication`, the frame
codec); this module only does the asyncio I/O. Frames without a request
are pushed notifications, handed to the push handlers.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import ssl
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import websockets
from websocket import ABNF
from websockets.asyncio.client import ClientConnection, connect

from zaqarclient.auth.base import TLSOptions
from zaqarclient.errors import ConnectionError, TimeoutError
from zaqarclient.transport.contract import Headers, JSONValue, Result
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import Request
from zaqarclient.transport.timeouts import parse_timeout
from zaqarclient.transport.ws import (
    ConnectionAuth,
    authentication,
    envelope_headers,
    reply_status,
)
from zaqarclient.transport.ws_actions import build, read_reply
from zaqarclient.transport.ws_codec import Codec
from zaqarclient.transport.ws_connection import (
    AUTH_EXPIRED,
    AUTH_KEY,
    CORRELATION_HEADER,
    Reply,
    loggable,
    reply_key,
)

LOG = logging.getLogger("zaqarclient")
#: Zaqar's largest answers (a 20-message page of 256 KiB bodies) fit with room to spare.
_MAX_FRAME = 16 * 1024 * 1024


def _no_connection_auth(*, renew: bool = False) -> Any:
    return
    yield {}


def ws_ssl(url: str, tls: TLSOptions) -> ssl.SSLContext | None:
    """The TLS context of a ``wss://`` connection (None for ``ws://``)."""
    if not url.startswith("wss://"):
        return None
    context = ssl.create_default_context(
        cafile=tls.verify if isinstance(tls.verify, str) else None
    )
    if tls.verify is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if isinstance(tls.cert, tuple):
        context.load_cert_chain(tls.cert[0], tls.cert[1])
    elif tls.cert:
        context.load_cert_chain(tls.cert)
    return context


class AsyncWsConnection:
    """One open websocket: writes from any task, a reader task settling correlated replies."""

    def __init__(
        self, socket: ClientConnection, url: str, codec: Codec,
        on_push: Callable[[JSONValue], None],
    ) -> None:
        self._socket = socket
        self.url = url
        self.codec = codec
        self._on_push = on_push
        self._pending: dict[str, asyncio.Future[Reply]] = {}
        self.alive = True
        self.close_code: int | None = None
        self.close_reason = ""
        self._reader = asyncio.get_running_loop().create_task(self._read_loop())

    async def call(self, key: str, envelope: Mapping[str, Any], timeout: float) -> Reply:
        """Send ``envelope`` and await the reply correlated by ``key`` (up to ``timeout`` s)."""
        if not self.alive:
            raise self._dropped_error(request_sent=False)
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        payload = self.codec.encode(envelope)
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug("WS SEND %s %s", redact_url(self.url), loggable(envelope))
        try:
            await self._socket.send(payload, text=self.codec.format == "json")
        except (OSError, websockets.ConnectionClosed) as exc:
            self._pending.pop(key, None)
            raise self._dropped_error(request_sent=False) from exc
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
        """Close the connection (a close handshake) and fail what is still pending."""
        self.alive = False
        with contextlib.suppress(OSError, websockets.WebSocketException):
            await self._socket.close()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
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

    async def _read_loop(self) -> None:
        try:
            async for data in self._socket:
                self._dispatch(data)
        except (OSError, websockets.WebSocketException) as exc:
            self.close_reason = f"connection lost: {type(exc).__name__}"
        finally:
            self.alive = False
            self.close_code = self._socket.close_code
            self.close_reason = self._socket.close_reason or self.close_reason
            self._fail_pending()

    def _dispatch(self, data: str | bytes) -> None:
        opcode = ABNF.OPCODE_TEXT if isinstance(data, str) else ABNF.OPCODE_BINARY
        try:
            value = self.codec.decode(opcode, data)
        except Exception:
            LOG.warning("WS RECV undecodable frame from %s dropped", redact_url(self.url))
            return
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug("WS RECV %s %s", redact_url(self.url), loggable(value))
        if not isinstance(value, dict):
            LOG.warning("WS RECV unexpected %s frame dropped", type(value).__name__)
            return
        key = reply_key(value)
        if key is None:
            try:
                self._on_push(value)
            except Exception:
                LOG.exception("websocket notification handler failed")
            return
        future = self._pending.pop(key, None)
        if future is None or future.done():
            LOG.debug("WS RECV reply for no waiting request (%s=%s) dropped",
                      CORRELATION_HEADER, key)
            return
        future.set_result(value)


class AsyncWebsocketTransport:
    """Sends requests as Zaqar websocket actions over one asyncio connection.

    Options as for the sync :class:`~zaqarclient.transport.ws.WebsocketTransport`:
    ``ws_format`` (``json`` or ``msgpack``), ``timeout`` (seconds, or a
    (connect, per-request) pair) and ``connection_auth`` (the auth
    backend's ``connection_flow``).
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
        limits = parse_timeout(timeout)
        self.connect_timeout, self.timeout = (
            limits if isinstance(limits, tuple) else (limits, limits)
        )
        self.codec = Codec(ws_format)
        self._connection_auth = connection_auth
        self._project: str | None = None
        self._conn: AsyncWsConnection | None = None
        self._opening: asyncio.Lock | None = None
        self._closed = False
        self._renew = False
        self._push_handlers: list[Callable[[JSONValue], None]] = []

    async def handle(self, request: Request, headers: Headers) -> Result:
        """Run ``request`` as its action; the reply as a result (any status)."""
        action, body = build(request)
        conn = await self.connection()
        key = uuid.uuid4().hex
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
        try:
            socket = await connect(
                url, ssl=ws_ssl(url, self.tls), open_timeout=self.connect_timeout,
                compression=None, max_size=_MAX_FRAME, ping_interval=None, proxy=None,
                user_agent_header=None,
            )
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
        conn = AsyncWsConnection(socket, url, self.codec, self._on_push)
        renew, self._renew = self._renew, False
        try:
            await self._authenticate(conn, renew)
        except BaseException:
            await conn.close()
            raise
        return conn

    async def _authenticate(self, conn: AsyncWsConnection, renew: bool) -> None:
        steps = authentication(self._connection_auth(renew=renew), redact_url(self.endpoint))
        try:
            envelope = next(steps)
            while True:
                self._project = envelope["headers"].get("X-Project-ID") or None
                envelope = steps.send(await conn.call(AUTH_KEY, envelope, self.timeout))
        except StopIteration:
            pass

    def _on_push(self, frame: JSONValue) -> None:
        for handler in list(self._push_handlers):
            handler(frame)
