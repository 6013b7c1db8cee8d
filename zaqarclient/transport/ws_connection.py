"""One websocket connection: a writer lock, a reader thread and correlated replies.

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
import json
import logging
import ssl
import threading
from collections.abc import Callable, Mapping
from typing import Any

import websocket

from zaqarclient.errors import ConnectionError, TimeoutError
from zaqarclient.transport import ws_fastpath
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

Reply = dict[str, Any]
Convert = Callable[[Reply], Any]


def ssl_options(verify: bool | str, cert: str | tuple[str, str] | None) -> dict[str, Any]:
    """websocket-client ``sslopt`` from the auth backend's TLS settings."""
    options: dict[str, Any] = {}
    if verify is False:
        options.update(cert_reqs=ssl.CERT_NONE, check_hostname=False)
    elif isinstance(verify, str):
        options["ca_certs"] = verify
    if isinstance(cert, tuple):
        options.update(certfile=cert[0], keyfile=cert[1])
    elif cert:
        options["certfile"] = cert
    return options


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


class WsConnection:
    """A live websocket to Zaqar; use :meth:`call` from any thread.

    ``on_push`` receives pushed frames (on the reader thread: keep it
    short); ``on_close`` runs once when the connection ends, with the close
    code if the server sent one. ``fast_frames`` turns on the opt-in frame
    reading and writing of :mod:`zaqarclient.transport.ws_fastpath`.
    """

    def __init__(
        self,
        url: str,
        codec: Codec,
        *,
        connect_timeout: float,
        sslopt: Mapping[str, Any] | None = None,
        on_push: Callable[[Any], None] | None = None,
        on_close: Callable[[WsConnection], None] | None = None,
        fast_frames: bool = False,
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
        self._alive = False
        try:
            # websocket-client validates text frames with a pure-Python UTF-8 state
            # machine (half the reader's CPU time); the reader checks them with
            # ``bytes.decode`` instead, with the same outcome for bad frames.
            self._ws = websocket.create_connection(
                url,
                timeout=connect_timeout,
                sslopt=dict(sslopt or {}),
                enable_multithread=True,
                skip_utf8_validation=True,
            )
        except ssl.SSLError as exc:
            raise ConnectionError(
                f"TLS error talking to Zaqar: {exc}", url=redact_url(url), request_sent=False
            ) from exc
        except (OSError, websocket.WebSocketException) as exc:
            if isinstance(exc, (builtins.TimeoutError, websocket.WebSocketTimeoutException)):
                raise TimeoutError(
                    f"Zaqar did not accept the websocket within {connect_timeout}s",
                    url=redact_url(url), request_sent=False,
                ) from exc
            raise ConnectionError(
                f"Cannot connect to Zaqar at {redact_url(url)}: {exc}", url=redact_url(url),
                request_sent=False,
            ) from exc
        self._ws.settimeout(None)
        self._fast_frames = fast_frames
        if fast_frames:
            ws_fastpath.read_ahead(self._ws)
        self._alive = True
        self._reader = threading.Thread(
            target=self._read_loop, name="zaqarclient-ws-reader", daemon=True
        )
        self._reader.start()

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
            if self._fast_frames:
                ws_fastpath.write(self._ws, payload, self.codec.opcode)
            else:
                self._ws.send(payload, self.codec.opcode)
        except (OSError, websocket.WebSocketException) as exc:
            self._drop(None, f"send failed: {type(exc).__name__}")
            raise self._dropped_error(request_sent=False) from exc

    # -- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        """Send a close frame, stop the reader and fail pending calls."""
        if self._alive:
            with contextlib.suppress(OSError, websocket.WebSocketException):
                self._ws.send_close()
        if threading.current_thread() is not self._reader:
            self._reader.join(1.0)
        self._ws.shutdown()  # type: ignore[no-untyped-call]
        self._drop(None, "closed by the client")

    def abort(self) -> None:
        """Cut the socket without a close handshake (tests simulate network loss with it)."""
        self._ws.abort()  # type: ignore[no-untyped-call]

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
        code: int | None = None
        reason = "connection lost"
        try:
            while True:
                opcode, frame = self._ws.recv_data_frame(True)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    data = frame.data or b""
                    if len(data) >= 2:
                        code = int.from_bytes(data[:2], "big")
                        reason = data[2:].decode("utf-8", "replace")
                    else:
                        reason = "closed by the server"
                    break
                if opcode == websocket.ABNF.OPCODE_TEXT:
                    try:
                        text = frame.data.decode("utf-8")
                    except UnicodeDecodeError:
                        raise websocket.WebSocketPayloadException(
                            f"cannot decode: {frame.data!r}"
                        ) from None
                    self._dispatch(opcode, text)
                elif opcode == websocket.ABNF.OPCODE_BINARY:
                    self._dispatch(opcode, frame.data)
        except (OSError, websocket.WebSocketException, ValueError) as exc:
            reason = f"connection lost: {type(exc).__name__}"
        finally:
            # The close handshake is done (websocket-client answered it):
            # release the socket so the server is not left waiting for EOF.
            self._ws.shutdown()  # type: ignore[no-untyped-call]
            self._drop(code, reason)

    def _dispatch(self, opcode: int, data: bytes | str) -> None:
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
        request = value.get("request")
        if not isinstance(request, Mapping):
            if self.on_push is not None:
                try:
                    self.on_push(value)
                except Exception:
                    LOG.exception("websocket notification handler failed")
            return
        headers = request.get("headers")
        key = headers.get(CORRELATION_HEADER) if isinstance(headers, Mapping) else None
        if key is None and request.get("action") == AUTH_KEY:
            key = AUTH_KEY
        with self._lock:
            waiting = self._pending.pop(str(key), None) if key is not None else None
        if waiting is None or waiting[0].done():
            LOG.debug(
                "WS RECV reply for no waiting request (%s=%s) dropped", CORRELATION_HEADER, key
            )
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
