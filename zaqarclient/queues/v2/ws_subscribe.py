"""Connection-bound subscriptions: Zaqar pushes a queue's new messages down the websocket.

``subscribe(client, "jobs")`` sends ``subscription_create`` without a
subscriber, which binds the subscription to this connection, and returns
once Zaqar confirmed it (201): anything posted afterwards is notified.
Notifications arrive as frames without an envelope; the returned
:class:`WsSubscription` is an iterator over them (``next_notification``
with a timeout, or iteration with ``iter(timeout=...)``), or hands them to
a callback on its own thread.

``filter=`` (see :mod:`zaqarclient.filters`) keeps only notifications
whose message body matches; Zaqar has no subscription filters, so the
others still cross the connection and are dropped here.

Zaqar deletes connection-bound subscriptions when the connection closes.
After a drop the subscription reconnects in the background (backing off up
to 5 s) and subscribes again; messages posted while disconnected are not
notified (delivery is at most once, as in Zaqar itself).
"""

from __future__ import annotations

import logging
import queue as queue_mod
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zaqarclient.errors import ConnectionError, InvalidOperation, TimeoutError, ZaqarError
from zaqarclient.filters import Filter, FilterSpec, as_filter
from zaqarclient.queues.v2.protocol import Caller
from zaqarclient.queues.v2.queues import Queue, validate_name
from zaqarclient.transport.contract import JSONObject, JSONValue, Result
from zaqarclient.transport.request import Request
from zaqarclient.transport.ws import WebsocketTransport

if TYPE_CHECKING:
    from zaqarclient.queues.v2.client import Client

LOG = logging.getLogger("zaqarclient")

#: The first wait between re-subscription attempts after a drop (doubling each time) ...
BACKOFF_START = 0.1
#: ... up to this (seconds); the asyncio subscription backs off the same way.
BACKOFF_MAX = 5.0


@dataclass(frozen=True, slots=True)
class Notification:
    """One pushed notification: the posted message's ``body`` and ``ttl``."""

    queue_name: str
    body: JSONValue
    ttl: int | None
    message_type: str | None
    raw: JSONObject = field(repr=False)

    @classmethod
    def from_frame(cls, frame: Mapping[str, JSONValue]) -> Notification:
        """Build from Zaqar's ``{"body", "ttl", "queue_name", "Message_Type"}`` frame."""
        ttl = frame.get("ttl")
        return cls(
            queue_name=str(frame.get("queue_name", "")),
            body=frame.get("body"),
            ttl=ttl if isinstance(ttl, int) else None,
            message_type=frame.get("Message_Type"),
            raw=dict(frame),
        )


_CLOSED = object()
#: What :func:`notification_of` answers for a frame of the queue that the filter refused.
FILTERED_OUT = object()


def notification_of(
    frame: JSONValue, queue_name: str, keep: Filter | None
) -> Notification | object | None:
    """The notification a pushed frame carries for ``queue_name``.

    None when the frame is not about that queue, :data:`FILTERED_OUT` when
    ``keep`` refuses its body.
    """
    if not isinstance(frame, Mapping) or frame.get("queue_name") != queue_name:
        return None
    if keep is not None and not keep.matches(frame.get("body")):
        return FILTERED_OUT
    return Notification.from_frame(frame)


def subscription_request(queue_name: str, ttl: int, options: JSONObject | None) -> Request:
    """The ``subscription_create`` that binds a subscription to this connection (no subscriber)."""
    body: JSONObject = {"ttl": ttl}
    if options:
        body["options"] = options
    return Request("subscription_create", {"queue_name": queue_name}, body=body)


def created_subscription(result: Result) -> str:
    """The id of the subscription ``subscription_create`` made."""
    return result.created[0] if result.created else str(result.data["subscription_id"])


class WsSubscription:
    """A live connection-bound subscription to one queue.

    Iterate it (blocks until :meth:`close`), call :meth:`next_notification`
    with a timeout, or pass ``callback`` to have each notification handed
    to it on a dedicated thread. Use as a context manager to close it.
    With ``filter``, only notifications whose body matches are delivered;
    ``filtered_out`` counts the others.
    """

    def __init__(
        self,
        client: Caller,
        transport: WebsocketTransport,
        queue_name: str,
        ttl: int = 3600,
        options: Mapping[str, JSONValue] | None = None,
        callback: Callable[[Notification], None] | None = None,
        filter: FilterSpec = None,
    ) -> None:
        self.client = client
        self.transport = transport
        self.filter = as_filter(filter)
        self.filtered_out = 0
        self.queue_name = validate_name(queue_name)
        self.ttl = ttl
        self.options = dict(options or {})
        self.id: str | None = None
        self.error: ZaqarError | None = None
        self._inbox: queue_mod.Queue[Notification | object] = queue_mod.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._stale = False
        self._reconnecting = False
        self._worker: threading.Thread | None = None
        # Listen before subscribing: Zaqar may push right after its 201.
        transport.add_push_handler(self._on_push)
        try:
            self._create()
        except BaseException:
            transport.remove_push_handler(self._on_push)
            raise
        transport.add_connection_hooks(self._on_open, self._on_drop)
        if callback is not None:
            self._worker = threading.Thread(
                target=self._deliver, args=(callback,), name="zaqarclient-ws-notify", daemon=True
            )
            self._worker.start()

    def __repr__(self) -> str:
        return f"<WsSubscription id:{self.id} queue:{self.queue_name}>"

    # -- consuming ----------------------------------------------------------

    def next_notification(self, timeout: float | None = None) -> Notification:
        """The next notification; :class:`TimeoutError` if none within ``timeout`` s.

        Raises :class:`InvalidOperation` once closed (after the queued ones)
        and the subscription's error if subscribing again after a drop failed.
        """
        try:
            item = self._inbox.get(timeout=timeout)
        except queue_mod.Empty:
            raise TimeoutError(
                f"no notification from queue {self.queue_name!r} within {timeout}s"
            ) from None
        if item is _CLOSED:
            self._inbox.put(_CLOSED)
            if self.error is not None:
                raise self.error
            raise InvalidOperation(f"subscription to {self.queue_name!r} is closed")
        assert isinstance(item, Notification)
        return item

    def iter(self, timeout: float | None = None) -> Iterator[Notification]:
        """Notifications as they come; stops after ``timeout`` s without one, or on close."""
        while True:
            try:
                yield self.next_notification(timeout)
            except (TimeoutError, InvalidOperation):
                if self.error is not None:
                    raise self.error from None
                return

    def __iter__(self) -> Iterator[Notification]:
        return self.iter()

    # -- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        """Delete the subscription on the server (if still connected) and stop."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self.transport.remove_push_handler(self._on_push)
        self.transport.remove_connection_hooks(self._on_open, self._on_drop)
        if self.id is not None and self.transport.connected and not self._stale:
            try:
                self.client.call(Request(
                    "subscription_delete",
                    {"queue_name": self.queue_name, "subscription_id": self.id},
                ))
            except ZaqarError as exc:
                LOG.debug("could not delete subscription %s: %s", self.id, exc)
        self._inbox.put(_CLOSED)
        if self._worker is not None and self._worker is not threading.current_thread():
            self._worker.join(1.0)

    def __enter__(self) -> WsSubscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------

    def _create(self) -> None:
        # No subscriber: Zaqar binds the subscription to this connection.
        result = self.client.call(subscription_request(self.queue_name, self.ttl, self.options))
        self.id = created_subscription(result)
        self._stale = False

    def _on_push(self, frame: JSONValue) -> None:
        notification = notification_of(frame, self.queue_name, self.filter)
        if notification is FILTERED_OUT:
            self.filtered_out += 1
        elif isinstance(notification, Notification):
            self._inbox.put(notification)

    def _on_open(self) -> None:
        with self._lock:
            if self._closed or not self._stale:
                return
            self._stale = False
        try:
            self._create()
            LOG.info("websocket subscription to %r renewed as %s", self.queue_name, self.id)
        except ZaqarError as exc:
            self._stale = True
            self._fail(exc)

    def _on_drop(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._stale = True
            if self._reconnecting:
                return
            self._reconnecting = True
        threading.Thread(target=self._reconnect, name="zaqarclient-ws-resub", daemon=True).start()

    def _reconnect(self) -> None:
        delay = BACKOFF_START
        stop = threading.Event()
        try:
            while not self._closed and self._stale and self.error is None:
                if self.transport.closed:
                    self._fail(
                        ConnectionError("the client was closed", url=self.transport.endpoint)
                    )
                    return
                try:
                    self.transport.connection()
                except ZaqarError as exc:
                    LOG.debug("websocket reconnect failed (%s); retry in %.1fs", exc, delay)
                    stop.wait(delay)
                    delay = min(delay * 2, BACKOFF_MAX)
        finally:
            with self._lock:
                self._reconnecting = False

    def _fail(self, exc: ZaqarError) -> None:
        LOG.warning("websocket subscription to %r lost: %s", self.queue_name, exc)
        self.error = exc
        self._inbox.put(_CLOSED)

    def _deliver(self, callback: Callable[[Notification], None]) -> None:
        while True:
            item = self._inbox.get()
            if not isinstance(item, Notification):  # closed
                self._inbox.put(_CLOSED)
                return
            try:
                callback(item)
            except Exception:
                LOG.exception("websocket notification callback failed")


def subscribe(
    client: Client,
    queue: str | Queue,
    ttl: int = 3600,
    *,
    options: Mapping[str, JSONValue] | None = None,
    callback: Callable[[Notification], None] | None = None,
    filter: FilterSpec = None,
) -> WsSubscription:
    """Subscribe this websocket client's connection to ``queue``; confirmed on return.

    ``filter`` (a :mod:`zaqarclient.filters` spec) keeps only matching notifications.
    """
    transport = client.transport()
    if not isinstance(transport, WebsocketTransport):
        raise InvalidOperation(
            "subscribe() needs a websocket client (ws:// or wss:// URL); over HTTP create a "
            "Subscription with a webhook subscriber instead"
        )
    name = queue.name if isinstance(queue, Queue) else queue
    return WsSubscription(
        client, transport, name, ttl=ttl, options=options, callback=callback, filter=filter
    )
