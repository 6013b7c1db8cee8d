"""The websocket transport: the HTTP transport's interface over one Zaqar websocket.

``WebsocketTransport.send(Request) -> Response`` runs each SDK operation as
the matching websocket action and answers in the HTTP API's shapes (see
:mod:`zaqarclient.transport.ws_actions`), so the same resource objects work
over ``ws://`` and ``wss://``. One connection per transport, opened on first
use and reopened on the next use after a drop; many requests may be in flight
at once from any number of threads.

Auth: with the keystone backend the connection is authenticated with the
session's token before any request (and again after Zaqar closes it with
4003 when the token expires); no-auth never sends ``authenticate`` (it
crashes a no-auth Zaqar's handler). Signed-URL headers ride in every
envelope, ``URL-Methods`` and ``URL-Paths`` as JSON arrays.
"""

from __future__ import annotations

import concurrent.futures
import http
import json
import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from requests.structures import CaseInsensitiveDict

from zaqarclient import __version__
from zaqarclient.auth.base import AuthBackend
from zaqarclient.auth.keystone import KeystoneAuth
from zaqarclient.errors import ConnectionError, InvalidOperation, TimeoutError, TransportError
from zaqarclient.tracing import add_trace_headers
from zaqarclient.transport.errors import error_class
from zaqarclient.transport.http import parse_timeout
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import Api, Request, Response
from zaqarclient.transport.ws_actions import action_for, build, request_for_href, shape
from zaqarclient.transport.ws_codec import Codec
from zaqarclient.transport.ws_connection import (
    AUTH_EXPIRED,
    AUTH_KEY,
    CORRELATION_HEADER,
    WsConnection,
    ssl_options,
)

LOG = logging.getLogger("zaqarclient")

#: Operations a resend can never harm (a resent post, pop or claim could).
_NOT_IDEMPOTENT = frozenset({"message_post", "message_pop", "claim_create"})
_AUTH_HEADERS_NOT_SENT = frozenset({"x-auth-token"})
_LIST_HEADERS = ("URL-Methods", "URL-Paths")


class WebsocketTransport:
    """Sends :class:`Request` objects as Zaqar websocket actions over one connection.

    ``ws_format`` is ``"json"`` (text frames, the default) or ``"msgpack"``
    (binary frames). ``timeout`` is as for HTTP: seconds, or a (connect,
    per-request) pair.
    """

    def __init__(
        self,
        endpoint: str,
        api: Api,
        auth: AuthBackend,
        *,
        client_id: str,
        timeout: Any = None,
        headers: Mapping[str, str] | None = None,
        ws_format: str | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.api = api
        self.auth = auth
        self.client_id = client_id
        limits = parse_timeout(timeout)
        self.connect_timeout, self.timeout = (
            limits if isinstance(limits, tuple) else (limits, limits)
        )
        self.codec = Codec(ws_format)
        self.root = f"/{api.label}"
        self._extra_headers = dict(headers or {})
        self._keystone = isinstance(auth, KeystoneAuth)
        self._project: str | None = auth.project_id
        self._conn: WsConnection | None = None
        self._lock = threading.RLock()
        self._closed = False
        self._reauthenticate = False
        self._push_handlers: list[Callable[[Any], None]] = []
        self._open_hooks: list[Callable[[], None]] = []
        self._drop_hooks: list[Callable[[], None]] = []

    # -- public API ---------------------------------------------------------

    def send(self, request: Request) -> Response:
        """Run ``request``; return an HTTP-shaped response or raise the mapped error."""
        action, body = build(request)
        retryable = (
            request.retry
            if request.retry is not None
            else (request.operation not in _NOT_IDEMPOTENT)
        )
        for attempt in (0, 1):
            conn = self.connection()
            try:
                reply, key = self._exchange(conn, action, body, request.headers)
                break
            except TimeoutError:
                raise
            except ConnectionError:
                # A stale connection (dropped before we noticed) or an auth
                # expiry: one resend on a fresh connection when that is safe.
                if attempt or not (retryable or conn.close_code == AUTH_EXPIRED):
                    raise
                LOG.warning("websocket dropped during %s; resending on a new connection", action)
        return self._response(request, action, key, reply)

    def submit(self, request: Request) -> concurrent.futures.Future[Response]:
        """Send ``request`` without waiting: the future resolves to its response or error.

        For pipelining from one thread (many requests in flight). No resend
        on a drop and no per-request timeout: use ``future.result(timeout)``.
        """
        action, body = build(request)
        conn = self.connection()
        key = uuid.uuid4().hex
        envelope = {"action": action, "headers": self._headers(key, request.headers), "body": body}
        return conn.submit(
            key, envelope, lambda reply: self._response(request, action, key, reply)
        )

    def follow(self, href: str) -> Response:
        """Fetch the next page of a listing from a ``next`` href this transport made."""
        return self.send(request_for_href(href))

    def mount(self, prefix: str, adapter: Any) -> None:
        """Not available: adapters are an HTTP feature."""
        raise InvalidOperation("mount() is an HTTP transport feature; this client uses websocket")

    def close(self) -> None:
        """Close the connection; the transport does not reconnect afterwards."""
        with self._lock:
            self._closed = True
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

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
                raise ConnectionError("the websocket transport is closed", url=self._url())
            conn = self._conn
            if conn is not None and conn.alive:
                return conn
            conn = self._open()
            self._conn = conn
        for hook in list(self._open_hooks):
            hook()
        return conn

    def supports(self, operation: str) -> bool:
        """Whether ``operation`` can be sent over websocket."""
        try:
            action_for(operation)
        except InvalidOperation:
            return False
        return True

    # -- hooks for subscriptions ------------------------------------------------

    def add_push_handler(self, handler: Callable[[Any], None]) -> None:
        """Call ``handler(frame)`` (on the reader thread) for every pushed frame."""
        self._push_handlers.append(handler)

    def remove_push_handler(self, handler: Callable[[Any], None]) -> None:
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

    def request_raw(self, action: str, body: Mapping[str, Any]) -> tuple[int, Any]:
        """Send one raw action; ``(status, body)`` of the reply, errors not mapped."""
        reply, _ = self._exchange(self.connection(), action, dict(body), None)
        return _status(reply), reply.get("body")

    # -- internals ----------------------------------------------------------

    def _url(self) -> str:
        return redact_url(self.endpoint)

    def _open(self) -> WsConnection:
        if self._reauthenticate:
            self._reauthenticate = False
            self.auth.reauthenticate()
        conn = WsConnection(
            self.endpoint + "/",
            self.codec,
            connect_timeout=self.connect_timeout,
            sslopt=ssl_options(self.auth.tls.verify, self.auth.tls.cert),
            on_push=self._on_push,
            on_close=self._on_close,
        )
        if self._keystone:
            try:
                self._authenticate(conn)
            except BaseException:
                conn.close()
                raise
        return conn

    def _authenticate(self, conn: WsConnection) -> None:
        for attempt in (0, 1):
            headers = self.auth.headers()
            project = headers.get("X-Project-ID") or self._session_project()
            self._project = project
            envelope = {
                "action": AUTH_KEY,
                "headers": {
                    "X-Auth-Token": headers.get("X-Auth-Token", ""),
                    "X-Project-ID": project or "",
                },
            }
            reply = conn.call(AUTH_KEY, envelope, self.timeout)
            status = _status(reply)
            if status == 200:
                return
            if attempt == 0 and status == 401 and self.auth.reauthenticate():
                continue
            raise self.error_for(status, reply.get("body"), AUTH_KEY, None)

    def _session_project(self) -> str | None:
        session = getattr(self.auth, "session", None)
        if session is None:
            return None
        project = session.get_project_id()
        return str(project) if project else None

    def _headers(self, key: str, extra: Mapping[str, str] | None) -> dict[str, Any]:
        headers: dict[str, Any] = {
            "Client-ID": self.client_id,
            "User-Agent": f"zaqarclient/{__version__}",
        }
        headers.update(self._extra_headers)
        for name, value in self.auth.headers().items():
            if name.lower() not in _AUTH_HEADERS_NOT_SENT:
                headers[name] = value
        if self._project and "X-Project-ID" not in headers:
            headers["X-Project-ID"] = self._project
        if extra:
            headers.update(extra)
        add_trace_headers(headers)
        for name in _LIST_HEADERS:
            listed = headers.get(name)
            if isinstance(listed, str):
                headers[name] = [part for part in listed.split(",") if part]
        headers[CORRELATION_HEADER] = key
        return headers

    def _exchange(
        self,
        conn: WsConnection,
        action: str,
        body: dict[str, Any],
        extra: Mapping[str, str] | None,
    ) -> tuple[dict[str, Any], str]:
        key = uuid.uuid4().hex
        envelope = {"action": action, "headers": self._headers(key, extra), "body": body}
        return conn.call(key, envelope, self.timeout), key

    def _response(
        self, request: Request, action: str, key: str, reply: Mapping[str, Any]
    ) -> Response:
        status = _status(reply)
        body = reply.get("body")
        ok = status < 300 or (request.operation == "queue_get_stats" and status == 404)
        if not ok:
            raise self.error_for(status, body, action, key)
        shaped = shape(request, self.root, status, body)
        if request.operation == "message_get_many" and not (shaped.body or {}).get("messages"):
            raise self.error_for(404, "None of the requested messages was found", action, key)
        headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(shaped.headers)
        headers["x-openstack-request-id"] = key
        content = b"" if shaped.body is None else json.dumps(shaped.body).encode("utf-8")
        return Response(request, content, headers, shaped.status)

    def error_for(self, status: int, body: Any, action: str, key: str | None) -> TransportError:
        """The exception for an error reply (``{"error"}`` or ``{"exception", "error"}``)."""
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        title, description = phrase, ""
        if isinstance(body, Mapping):
            error, exception = body.get("error"), body.get("exception")
            if exception is not None:
                title = str(error) if error else phrase
                description = str(exception)
            elif error is not None:
                description = str(error)
        elif body is not None:
            description = str(body)
        cls = error_class(status)
        headers = {"x-openstack-request-id": key} if key else {}
        return cls(
            title,
            description,
            status=status,
            method=action,
            url=self._url(),
            request_id=key,
            headers=headers,
            body=body,
        )

    def _on_push(self, frame: Any) -> None:
        for handler in list(self._push_handlers):
            handler(frame)

    def _on_close(self, conn: WsConnection) -> None:
        if conn.close_code == AUTH_EXPIRED:
            self._reauthenticate = True
        if self._closed:
            return
        for hook in list(self._drop_hooks):
            hook()


def _status(reply: Mapping[str, Any]) -> int:
    headers = reply.get("headers")
    status = headers.get("status") if isinstance(headers, Mapping) else None
    return int(status) if isinstance(status, int) else 500
