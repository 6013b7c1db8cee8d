"""The websocket transport: SDK requests as Zaqar websocket actions over one connection.

:class:`WebsocketTransport` implements
:class:`~zaqarclient.transport.contract.Transport` (and pipelining, with
:meth:`~WebsocketTransport.submit`): :mod:`~zaqarclient.transport.ws_actions`
builds each action and reads each reply as a result in the SDK's terms.
One connection per transport, opened on first use and reopened on the next
use after a drop; many requests may be in flight at once from any number of
threads. Resends, auth headers and error statuses are the pipeline's.

Connection auth: each new connection runs the auth backend's
:meth:`~zaqarclient.auth.base.AuthBackend.connection_flow` (keystone sends
``authenticate`` with its token; no-auth sends nothing, which is what a
no-auth Zaqar needs: ``authenticate`` crashes its handler). After Zaqar
closed a connection with 4003 (token expired) the next one renews the
credentials first. Per-request headers ride in every envelope, except the
token, which Zaqar reads only from ``authenticate``; ``URL-Methods`` and
``URL-Paths`` go as JSON arrays.
"""

from __future__ import annotations

import concurrent.futures
import ssl
import threading
from collections.abc import Callable, Generator, Mapping
from typing import Any

from zaqarclient.auth.base import ConnectionFlow, TLSOptions
from zaqarclient.errors import ConnectionError, TimeoutError
from zaqarclient.transport.contract import Headers, JSONObject, JSONValue, Result
from zaqarclient.transport.error_mapper import error_from_result
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import Request
from zaqarclient.transport.timeouts import connect_and_read
from zaqarclient.transport.ws_actions import build, read_reply
from zaqarclient.transport.ws_codec import Codec
from zaqarclient.transport.ws_connection import (
    AUTH_EXPIRED,
    AUTH_KEY,
    CORRELATION_HEADER,
    CorrelationIds,
    Reply,
    WsConnection,
)

#: Headers a connection carries once (in ``authenticate``), never in an envelope.
_CONNECTION_HEADERS = frozenset({"x-auth-token"})
_LIST_HEADERS = ("URL-Methods", "URL-Paths")

ConnectionAuth = Callable[..., ConnectionFlow]


def _no_connection_auth(*, renew: bool = False) -> ConnectionFlow:
    return
    yield {}


def reply_status(reply: Mapping[str, Any]) -> int:
    """The status in a reply's headers (500 when a reply carries none)."""
    headers = reply.get("headers")
    status = headers.get("status") if isinstance(headers, Mapping) else None
    return int(status) if isinstance(status, int) else 500


def envelope_headers(key: str, headers: Headers, project: str | None) -> dict[str, JSONValue]:
    """A request envelope's headers: the request's (no token), the project, the correlation id.

    The token rides only in ``authenticate``; ``URL-Methods`` and ``URL-Paths``
    go as JSON arrays.
    """
    sent: dict[str, JSONValue] = {
        name: value for name, value in headers.items()
        if name.lower() not in _CONNECTION_HEADERS
    }
    if project and "X-Project-ID" not in sent:
        sent["X-Project-ID"] = project
    for name in _LIST_HEADERS:
        listed = sent.get(name)
        if isinstance(listed, str):
            sent[name] = [part for part in listed.split(",") if part]
    sent[CORRELATION_HEADER] = key
    return sent


def authentication(flow: ConnectionFlow, url: str) -> Generator[JSONObject, Reply, None]:
    """A new connection's ``authenticate`` exchange as steps: yields envelopes, is sent replies.

    Ends when the flow is done; raises the typed error when Zaqar's last
    answer refused the credentials.
    """
    reply: Reply | None = None
    try:
        credentials = next(flow)
        while True:
            reply = yield {"action": AUTH_KEY, "headers": dict(credentials)}
            credentials = flow.send(reply_status(reply))
    except StopIteration:
        pass
    if reply is not None and reply_status(reply) != 200:
        raise error_from_result(read_reply(
            Request(AUTH_KEY), reply_status(reply), reply.get("body"), request_id=None,
            method=AUTH_KEY, url=url,
        ))


class WebsocketTransport:
    """Sends requests as Zaqar websocket actions over one connection.

    ``ws_format`` is ``"json"`` (text frames, the default) or ``"msgpack"``
    (binary frames). ``timeout`` is as for HTTP: seconds, or a (connect,
    per-request) pair. ``connection_auth`` is the auth backend's
    ``connection_flow``.
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
        self._ssl_context: ssl.SSLContext | None = None
        self._connection_auth = connection_auth
        self._ids = CorrelationIds()
        self._project: str | None = None
        self._conn: WsConnection | None = None
        self._lock = threading.RLock()
        self._closed = False
        self._renew = False
        self._push_handlers: list[Callable[[JSONValue], None]] = []
        self._open_hooks: list[Callable[[], None]] = []
        self._drop_hooks: list[Callable[[], None]] = []

    # -- the transport contract -------------------------------------------------

    def handle(self, request: Request, headers: Headers) -> Result:
        """Run ``request`` as its action; the reply as a result (any status)."""
        action, body = build(request)
        reply, key = self._exchange(self.connection(), action, body, headers)
        return self._result(request, action, key, reply)

    def submit(
        self, request: Request, headers: Headers, then: Callable[[Result], Result]
    ) -> concurrent.futures.Future[Result]:
        """Send ``request`` without waiting: the future gets ``then(result)`` or its error.

        For pipelining from one thread (many requests in flight). No resend on
        a drop and no per-request timeout: use ``future.result(timeout)``.
        """
        action, body = build(request)
        conn = self.connection()
        key = self._ids.new()
        envelope = {"action": action, "headers": self._envelope_headers(key, headers),
                    "body": body}
        return conn.submit(
            key, envelope, lambda reply: then(self._result(request, action, key, reply))
        )

    def describe(self, request: Request) -> str:
        """The action and URL of ``request``."""
        return f"{build(request)[0]} {redact_url(self.endpoint)}"

    def close(self) -> None:
        """Close the connection; the transport does not reconnect afterwards."""
        with self._lock:
            self._closed = True
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    # -- raw actions -------------------------------------------------------------

    def send_action(self, action: str, body: JSONObject, headers: Headers) -> Result:
        """Send one action as given (python-zaqarclient's low-level API); any status.

        The result's request names the action as its operation.
        """
        reply, key = self._exchange(self.connection(), action, dict(body), headers)
        return self._result(Request(action, body=body), action, key, reply)

    # -- the connection ----------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True after :meth:`close`: the transport never reconnects again."""
        return self._closed

    @property
    def connected(self) -> bool:
        """Whether a live connection is open now."""
        conn = self._conn
        return conn is not None and conn.alive

    def connection(self) -> WsConnection:
        """The live connection, opened (and authenticated) if needed."""
        with self._lock:
            if self._closed:
                raise ConnectionError(
                    "the websocket transport is closed", url=self._url(), request_sent=False
                )
            conn = self._conn
            if conn is not None and conn.alive:
                return conn
            conn = self._open()
            self._conn = conn
        for hook in list(self._open_hooks):
            hook()
        return conn

    def add_push_handler(self, handler: Callable[[JSONValue], None]) -> None:
        """Call ``handler(frame)`` (on the reader thread) for every pushed frame."""
        self._push_handlers.append(handler)

    def remove_push_handler(self, handler: Callable[[JSONValue], None]) -> None:
        """Stop calling ``handler``."""
        if handler in self._push_handlers:
            self._push_handlers.remove(handler)

    def add_connection_hooks(
        self, on_open: Callable[[], None], on_drop: Callable[[], None]
    ) -> None:
        """``on_open()`` after each (re)connection; ``on_drop()`` when one is lost."""
        self._open_hooks.append(on_open)
        self._drop_hooks.append(on_drop)

    def remove_connection_hooks(
        self, on_open: Callable[[], None], on_drop: Callable[[], None]
    ) -> None:
        """Undo :meth:`add_connection_hooks`."""
        if on_open in self._open_hooks:
            self._open_hooks.remove(on_open)
        if on_drop in self._drop_hooks:
            self._drop_hooks.remove(on_drop)

    # -- internals ---------------------------------------------------------------

    def _url(self) -> str:
        return redact_url(self.endpoint)

    def _open(self) -> WsConnection:
        renew, self._renew = self._renew, False
        conn = WsConnection(
            self.endpoint + "/",
            self.codec,
            connect_timeout=self.connect_timeout,
            ssl_context=self._tls_context(),
            on_push=self._on_push,
            on_close=self._on_close,
        )
        try:
            self._authenticate(conn, self._connection_auth(renew=renew))
        except BaseException:
            conn.close()
            raise
        return conn

    def _tls_context(self) -> ssl.SSLContext | None:
        """The TLS settings as a context, built once (wss:// only)."""
        if not self.endpoint.startswith("wss:"):
            return None
        if self._ssl_context is None:
            self._ssl_context = self.tls.ssl_context()
        return self._ssl_context

    def _authenticate(self, conn: WsConnection, flow: ConnectionFlow) -> None:
        """Run the connection flow: ``authenticate`` until it is accepted or the flow gives up."""
        steps = authentication(flow, self._url())
        try:
            envelope = next(steps)
            while True:
                self._project = envelope["headers"].get("X-Project-ID") or None
                envelope = steps.send(conn.call(AUTH_KEY, envelope, self.timeout))
        except StopIteration:
            pass

    def _envelope_headers(self, key: str, headers: Headers) -> dict[str, JSONValue]:
        return envelope_headers(key, headers, self._project)

    def _exchange(
        self, conn: WsConnection, action: str, body: JSONObject, headers: Headers
    ) -> tuple[Reply, str]:
        key = self._ids.new()
        envelope = {"action": action, "headers": self._envelope_headers(key, headers),
                    "body": body}
        try:
            return conn.call(key, envelope, self.timeout), key
        except TimeoutError:
            raise
        except ConnectionError as exc:
            # Zaqar closes with 4003 before handling a request whose token expired.
            if conn.close_code == AUTH_EXPIRED:
                exc.request_sent = False
            raise

    def _result(self, request: Request, action: str, key: str | None, reply: Reply) -> Result:
        return read_reply(
            request, reply_status(reply), reply.get("body"), request_id=key,
            method=action, url=self._url(),
        )

    def _on_push(self, frame: JSONValue) -> None:
        for handler in list(self._push_handlers):
            handler(frame)

    def _on_close(self, conn: WsConnection) -> None:
        if conn.close_code == AUTH_EXPIRED:
            self._renew = True
        if self._closed:
            return
        for hook in list(self._drop_hooks):
            hook()
