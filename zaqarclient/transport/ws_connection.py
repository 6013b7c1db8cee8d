"""One websocket connection: a writer lock, a reader thread and correlated replies.

The frames are websockets' sans-I/O :class:`~websockets.client.ClientProtocol`
(public API: bytes in, events and bytes out) over a plain blocking socket,
which the reader thread reads 64 KiB at a time, so a burst of replies costs
one ``recv`` rather than three per frame.

Every request carries a correlation id in its envelope headers; Zaqar echoes
the request headers back in ``response.request.headers``, so the reader
thread hands each reply to the future waiting for that id. Frames without a
``request`` key are notifications pushed by the server and go to ``on_push``.
The one reply that echoes no headers is ``authenticate``'s, correlated by
its action (only one authentication runs at a time).
"""

from __future__ import annotations

import builtins
import concurrent.futures
import contextlib
import itertools
import json
import logging
import os
import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from typing import Any, cast

from websockets.client import ClientProtocol
from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.frames import CloseCode, Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from zaqarclient.errors import ConnectionError, TimeoutError
from zaqarclient.transport.proxy_tunnel import open_tunnel, proxy_for
from zaqarclient.transport.redaction import redact_body, redact_headers, redact_url
from zaqarclient.transport.ws_codec import Codec

LOG = logging.getLogger("zaqarclient")

#: Envelope header carrying our correlation id (echoed back by Zaqar).
CORRELATION_HEADER = "X-Request-ID"
#: Pending-table key of the (headerless) authenticate reply.
AUTH_KEY = "authenticate"
#: Close code Zaqar sends when the Keystone token expires.
AUTH_EXPIRED = 4003
_LOG_LIMIT = 2048
#: The largest frame accepted from Zaqar (a page of 20 messages of 256 KiB fits).
MAX_FRAME = 16 * 1024 * 1024
_READ_SIZE = 65536

Reply = dict[str, Any]
Convert = Callable[[Reply], Any]


class CorrelationIds:
    """Correlation ids for one transport: 32 hex digits, a random prefix and a counter.

    Unique among a connection's requests (and unlikely to repeat anywhere) at
    a tenth of ``uuid.uuid4().hex``'s cost, which one pipelined request paid.
    """

    def __init__(self) -> None:
        self._prefix = os.urandom(8).hex()
        self._counter = itertools.count(1)

    def new(self) -> str:
        """The next id (thread-safe: ``itertools.count`` steps atomically)."""
        return f"{self._prefix}{next(self._counter) & 0xFFFFFFFFFFFFFFFF:016x}"


def loggable(envelope: Any) -> str:
    """An envelope as log text, secrets redacted and long bodies cut."""
    if isinstance(envelope, Mapping):
        safe = dict(envelope)
        if isinstance(safe.get("headers"), Mapping):
            safe["headers"] = redact_headers(safe["headers"])
        request = safe.get("request")
        if isinstance(request, Mapping) and isinstance(request.get("headers"), Mapping):
            safe["request"] = {**request, "headers": redact_headers(request["headers"])}
        envelope = redact_body(safe)
    text = json.dumps(envelope, default=repr)
    return text if len(text) <= _LOG_LIMIT else text[:_LOG_LIMIT] + "..."


def reply_key(frame: Mapping[str, Any]) -> str | None:
    """The correlation key of a reply frame; None for a pushed notification.

    A reply echoes its request (with our correlation header); ``authenticate``'s
    echoes no headers and is keyed by its action. A reply echoing neither
    gets a key no request has.
    """
    request = frame.get("request")
    if not isinstance(request, Mapping):
        return None
    headers = request.get("headers")
    key = headers.get(CORRELATION_HEADER) if isinstance(headers, Mapping) else None
    if key is None and request.get("action") == AUTH_KEY:
        return AUTH_KEY
    return str(key)


def read_frame(
    codec: Codec, opcode: int, data: bytes | str, url: str
) -> tuple[str | None, Reply] | None:
    """A received frame as (its reply key or None for a push, its value); None to drop it."""
    try:
        value = codec.decode(opcode, data)
    except Exception:
        LOG.warning("WS RECV undecodable frame from %s dropped", redact_url(url))
        return None
    if LOG.isEnabledFor(logging.DEBUG):
        LOG.debug("WS RECV %s %s", redact_url(url), loggable(value))
    if not isinstance(value, dict):
        LOG.warning("WS RECV unexpected %s frame dropped", type(value).__name__)
        return None
    return reply_key(value), value


def push(handler: Callable[[Any], None] | None, frame: Reply) -> None:
    """Hand a pushed frame to ``handler``; its failure is logged, never the reader's end."""
    if handler is None:
        return
    try:
        handler(frame)
    except Exception:
        LOG.exception("websocket notification handler failed")


def incoming_reply(
    codec: Codec, opcode: int, data: bytes | str, url: str,
    on_push: Callable[[Any], None] | None,
) -> tuple[str, Reply] | None:
    """A received frame's (key, reply) to settle; None for a push (handed on) or a dropped frame."""
    frame = read_frame(codec, opcode, data, url)
    if frame is None:
        return None
    key, value = frame
    if key is None:
        push(on_push, value)
        return None
    return key, value


def unclaimed_reply(key: str) -> None:
    """Note a reply nobody waits for any more (its caller timed out or cancelled)."""
    LOG.debug("WS RECV reply for no waiting request (%s=%s) dropped", CORRELATION_HEADER, key)


def _settle(
    future: concurrent.futures.Future[Any],
    result: Any = None,
    exception: BaseException | None = None,
) -> None:
    """Resolve ``future`` unless its owner cancelled it meanwhile."""
    try:
        if exception is not None:
            future.set_exception(exception)
        else:
            future.set_result(result)
    except concurrent.futures.InvalidStateError:
        pass


def open_socket(url: str, timeout: float, ssl_context: ssl.SSLContext | None) -> socket.socket:
    """A connected socket for websocket ``url`` (through the environment's proxy; TLS for wss)."""
    uri = parse_uri(url)
    proxy = proxy_for(url)
    if proxy is not None:
        sock = open_tunnel(proxy, uri.host, uri.port, redact_url(url), timeout)
    else:
        sock = socket.create_connection((uri.host, uri.port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if not uri.secure:
        return sock
    context = ssl_context or ssl.create_default_context()
    try:
        return context.wrap_socket(sock, server_hostname=uri.host)
    except BaseException:
        sock.close()
        raise


def _connect_error(url: str, timeout: float, exc: BaseException) -> ConnectionError:
    """What failing to open the websocket (socket, TLS, handshake) is, typed."""
    where = redact_url(url)
    if isinstance(exc, ssl.SSLError):
        return ConnectionError(f"TLS error talking to Zaqar: {exc}", url=where, request_sent=False)
    if isinstance(exc, builtins.TimeoutError):
        return TimeoutError(
            f"Zaqar did not accept the websocket within {timeout}s", url=where,
            request_sent=False,
        )
    if isinstance(exc, InvalidStatus):
        response = exc.response
        detail = f"the websocket handshake was answered {response.status_code} " \
                 f"{response.reason_phrase}"
    else:
        detail = str(exc) or type(exc).__name__
    return ConnectionError(f"Cannot connect to Zaqar at {where}: {detail}", url=where,
                           request_sent=False)


class WsConnection:
    """A live websocket to Zaqar; use :meth:`call` from any thread.

    ``on_push`` receives pushed frames (on the reader thread: keep it
    short); ``on_close`` runs once when the connection ends, with the close
    code if the server sent one.
    """

    def __init__(
        self,
        url: str,
        codec: Codec,
        *,
        connect_timeout: float,
        ssl_context: ssl.SSLContext | None = None,
        on_push: Callable[[Any], None] | None = None,
        on_close: Callable[[WsConnection], None] | None = None,
    ) -> None:
        self.url = url
        self.codec = codec
        self.on_push = on_push
        self.on_close = on_close
        self.close_code: int | None = None
        self.close_reason = ""
        # key -> (future, convert): the future gets ``convert(reply)`` (or what it raised).
        self._pending: dict[str, tuple[concurrent.futures.Future[Any], Convert | None]] = {}
        self._lock = threading.Lock()
        # Held while the protocol state changes and its bytes are written (writers and
        # the reader, whose pongs and close replies go out on the same socket).
        self._wire_lock = threading.Lock()
        self._alive = False
        self._early: list[Frame] = []
        self._protocol = ClientProtocol(parse_uri(url), max_size=MAX_FRAME)
        self._send_frame = (self._protocol.send_binary if codec.format == "msgpack"
                            else self._protocol.send_text)
        try:
            self._sock = open_socket(url, connect_timeout, ssl_context)
        except (OSError, WebSocketException) as exc:
            raise _connect_error(url, connect_timeout, exc) from exc
        try:
            self._handshake()
        except (OSError, WebSocketException) as exc:
            self._sock.close()
            raise _connect_error(url, connect_timeout, exc) from exc
        self._sock.settimeout(None)
        self._alive = True
        self._reader = threading.Thread(
            target=self._read_loop, name="zaqarclient-ws-reader", daemon=True
        )
        self._reader.start()

    def _handshake(self) -> None:
        protocol = self._protocol
        protocol.send_request(protocol.connect())
        self._flush()
        while protocol.state is State.CONNECTING:
            data = self._sock.recv(_READ_SIZE)
            if data:
                protocol.receive_data(data)
            else:
                protocol.receive_eof()
                break
        if protocol.handshake_exc is not None:
            raise protocol.handshake_exc
        if protocol.state is not State.OPEN:
            raise ConnectionError("the server closed the connection during the handshake")
        # Frames that came with the handshake's answer are handled by the reader.
        self._early = [event for event in protocol.events_received() if isinstance(event, Frame)]

    @property
    def alive(self) -> bool:
        """False once the connection dropped or was closed."""
        return self._alive

    # -- requests -----------------------------------------------------------

    def submit(
        self, key: str, envelope: Mapping[str, Any], convert: Convert | None = None
    ) -> concurrent.futures.Future[Any]:
        """Send ``envelope``; the future gets the reply correlated by ``key``.

        With ``convert``, the future gets ``convert(reply)`` instead, or the
        exception it raised (``convert`` runs on the reader thread). The
        caller that stops waiting should :meth:`forget` the key.
        """
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        with self._lock:
            if not self._alive:
                raise self._dropped_error(request_sent=False)
            self._pending[key] = (future, convert)
        try:
            self.send(envelope)
        except BaseException:
            self.forget(key)
            raise
        return future

    def forget(self, key: str) -> None:
        """Stop waiting for ``key``'s reply (a late reply is then dropped)."""
        with self._lock:
            self._pending.pop(key, None)

    def call(self, key: str, envelope: Mapping[str, Any], timeout: float) -> Reply:
        """Send ``envelope`` and wait up to ``timeout`` s for the reply correlated by ``key``."""
        future: concurrent.futures.Future[Reply] = self.submit(key, envelope)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            self.forget(key)
            raise TimeoutError(
                f"Zaqar did not answer {envelope.get('action')!r} within {timeout}s "
                f"({CORRELATION_HEADER} {key})",
                method=str(envelope.get("action")),
                url=redact_url(self.url),
            ) from None

    def send(self, envelope: Mapping[str, Any]) -> None:
        """Write one frame (no reply expected or awaited)."""
        payload = self.codec.encode(envelope)
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug("WS SEND %s %s", redact_url(self.url), loggable(envelope))
        try:
            with self._wire_lock:
                self._send_frame(payload)
                self._flush()
        except (OSError, WebSocketException) as exc:
            self._drop(None, f"send failed: {type(exc).__name__}")
            raise self._dropped_error(request_sent=False) from exc

    def _flush(self) -> None:
        """Write what the protocol has to send (the caller holds the wire lock)."""
        chunks = self._protocol.data_to_send()
        if not chunks:
            return
        data = b"".join(chunks)
        if data:
            self._sock.sendall(data)
        if chunks[-1] == b"":  # the protocol is done writing: half-close
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_WR)

    # -- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        """Send a close frame, stop the reader and fail pending calls."""
        if self._alive:
            with contextlib.suppress(OSError, WebSocketException), self._wire_lock:
                self._protocol.send_close(CloseCode.NORMAL_CLOSURE)
                self._flush()
        if threading.current_thread() is not self._reader:
            self._reader.join(1.0)
        self._shutdown()
        self._drop(None, "closed by the client")

    def abort(self) -> None:
        """Cut the socket without a close handshake (tests simulate network loss with it)."""
        self._shutdown()

    def _shutdown(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def _dropped_error(self, *, request_sent: bool = True) -> ConnectionError:
        detail = (
            f"code {self.close_code}: {self.close_reason}"
            if self.close_code
            else (self.close_reason or "connection lost")
        )
        return ConnectionError(
            f"Websocket to Zaqar closed ({detail})", url=redact_url(self.url),
            request_sent=request_sent,
        )

    def _drop(self, code: int | None, reason: str) -> None:
        with self._lock:
            if not self._alive:
                return
            self._alive = False
            self.close_code = code
            self.close_reason = reason
            pending = [future for future, _ in self._pending.values()]
            self._pending.clear()
        error = self._dropped_error()
        for future in pending:
            _settle(future, exception=error)
        LOG.debug("WS CLOSED %s (%s %s)", redact_url(self.url), code, reason)
        if self.on_close is not None:
            self.on_close(self)

    # -- reader thread ------------------------------------------------------

    def _read_loop(self) -> None:
        reason = "connection lost"
        code: int | None = None
        try:
            frames, self._early = self._early, []
            ended = self._handle_frames(frames)
            while ended is None:
                data = self._sock.recv(_READ_SIZE)
                with self._wire_lock:
                    if data:
                        self._protocol.receive_data(data)
                    else:
                        self._protocol.receive_eof()
                    # Once open, the protocol's only events are frames.
                    events = cast(list[Frame], self._protocol.events_received())
                    self._flush()  # pongs, the close reply
                ended = self._handle_frames(events)
                if ended is None and (not data or self._protocol.parser_exc is not None):
                    error = self._protocol.parser_exc
                    ended = (None, f"connection lost: {error}" if error else reason)
            code, reason = ended
        except (OSError, WebSocketException) as exc:
            reason = f"connection lost: {type(exc).__name__}"
        finally:
            self._shutdown()
            self._sock.close()
            self._drop(code, reason)

    def _handle_frames(self, frames: list[Frame]) -> tuple[int | None, str] | None:
        """Dispatch data frames; (close code, reason) once the connection is ending."""
        for frame in frames:
            opcode = frame.opcode
            if opcode is Opcode.TEXT:
                try:
                    text = bytes(frame.data).decode("utf-8")
                except UnicodeDecodeError:
                    return None, "connection lost: a text frame was not UTF-8"
                self._dispatch(opcode, text)
            elif opcode is Opcode.BINARY:
                self._dispatch(opcode, bytes(frame.data))
            elif opcode is Opcode.CLOSE:
                received = self._protocol.close_rcvd
                if received is None or received.code == CloseCode.NO_STATUS_RCVD:
                    return None, "closed by the server"
                return int(received.code), received.reason
        return None

    def _dispatch(self, opcode: int, data: bytes | str) -> None:
        reply = incoming_reply(self.codec, opcode, data, self.url, self.on_push)
        if reply is None:
            return
        key, value = reply
        with self._lock:
            waiting = self._pending.pop(key, None)
        if waiting is None or waiting[0].done():
            unclaimed_reply(key)
            return
        future, convert = waiting
        if convert is None:
            _settle(future, value)
            return
        try:
            result = convert(value)
        except BaseException as exc:
            _settle(future, exception=exc)
        else:
            _settle(future, result)
