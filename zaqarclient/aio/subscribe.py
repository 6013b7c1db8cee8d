"""Connection-bound subscriptions over the asyncio websocket: ``async for n in sub``.

As the sync :mod:`~zaqarclient.queues.v2.ws_subscribe` (same request, same
notification reading and filtering): ``subscription_create`` without a
subscriber binds the subscription to this connection; Zaqar then pushes
each new message of the queue. ``await client.subscribe(q)`` returns once
Zaqar confirmed it, so nothing posted afterwards is missed.

Zaqar deletes connection-bound subscriptions when the connection closes.
As in the sync subscription, after a drop a background task reconnects
(backing off from 0.1 s, doubling, up to 5 s) and subscribes again, and
``async for`` goes on yielding; messages posted while disconnected are not
notified (delivery is at most once, as in Zaqar itself). If subscribing
again is refused (anything but a connection failure), iteration raises
that error. Closing the subscription, or the client, ends iteration.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Generator, Mapping
from typing import TYPE_CHECKING, Any

from zaqarclient.errors import ConnectionError, InvalidOperation, ZaqarError
from zaqarclient.filters import FilterSpec, as_filter
from zaqarclient.queues.v2.queues import validate_name
from zaqarclient.queues.v2.ws_subscribe import (
    BACKOFF_MAX,
    BACKOFF_START,
    FILTERED_OUT,
    Notification,
    created_subscription,
    notification_of,
    subscription_request,
)
from zaqarclient.transport.contract import JSONValue
from zaqarclient.transport.request import Request

if TYPE_CHECKING:
    from zaqarclient.aio.client import Client
    from zaqarclient.aio.ws import AsyncWebsocketTransport

LOG = logging.getLogger("zaqarclient")


class _End:
    """What the inbox holds once iteration is over (``error``: why, if it failed)."""

    def __init__(self, error: ZaqarError | None = None) -> None:
        self.error = error


class AsyncSubscription:
    """A live connection-bound subscription to one queue; an async iterator of notifications.

    ``async with`` (or :meth:`close`) ends it; ``filtered_out`` counts the
    notifications the filter dropped. After a dropped connection it
    subscribes again in the background (``id`` is then the new
    subscription's, ``renewals`` counts them: :meth:`renewed` waits for
    one, say to catch up on what was posted meanwhile); ``error`` is set if
    that was refused.
    """

    def __init__(
        self, client: Client, queue_name: str, ttl: int = 3600, *,
        options: Mapping[str, JSONValue] | None = None, filter: FilterSpec = None,
    ) -> None:
        self.client = client
        self.queue_name = validate_name(queue_name)
        self.ttl = ttl
        self.options = dict(options or {})
        self.filter = as_filter(filter)
        self.filtered_out = 0
        self.id: str | None = None
        self.error: ZaqarError | None = None
        self.renewals = 0
        self._renewal = asyncio.Event()
        self._inbox: asyncio.Queue[Notification | _End] = asyncio.Queue()
        self._closed = False
        self._ended = False
        self._stale = False
        self._resubscriber: asyncio.Task[None] | None = None
        self._transport: AsyncWebsocketTransport | None = None

    def __repr__(self) -> str:
        return f"<AsyncSubscription queue:{self.queue_name} id:{self.id}>"

    async def start(self) -> AsyncSubscription:
        """Subscribe (once): returns when Zaqar confirmed it."""
        if self.id is None:
            # Only websocket clients subscribe: websockets loads for them alone.
            from zaqarclient.aio.ws import AsyncWebsocketTransport

            transport = self.client.transport()
            assert isinstance(transport, AsyncWebsocketTransport)
            self._transport = transport
            # Listen before subscribing: Zaqar may push right after its 201.
            transport.add_push_handler(self._on_push)
            transport.add_drop_hook(self._on_drop)
            try:
                await self._create()
            except BaseException:
                transport.remove_push_handler(self._on_push)
                transport.remove_drop_hook(self._on_drop)
                raise
            # A drop between Zaqar's 201 and here was not this subscription's yet
            # (the drop hook ignores drops while it has no id): catch up now.
            if not transport.connected:
                self._on_drop()
        return self

    def __await__(self) -> Generator[Any, None, AsyncSubscription]:
        return self.start().__await__()

    async def __aenter__(self) -> AsyncSubscription:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __aiter__(self) -> AsyncIterator[Notification]:
        return self

    async def __anext__(self) -> Notification:
        if not self._ended:
            await self.start()
        item = await self._inbox.get()
        if isinstance(item, _End):
            self._inbox.put_nowait(item)  # every later call ends too
            if item.error is not None:
                raise item.error
            raise StopAsyncIteration
        return item

    async def renewed(self, count: int | None = None) -> None:
        """Wait until it subscribed again after ``count`` drops in all (default: the next one).

        Raises :class:`~zaqarclient.errors.InvalidOperation` if the
        subscription ends first (or its error, if re-subscribing was refused).
        """
        target = self.renewals + 1 if count is None else count
        while self.renewals < target:
            if self._ended:
                if self.error is not None:
                    raise self.error
                raise InvalidOperation(f"subscription to {self.queue_name!r} ended")
            await self._renewal.wait()

    async def next_notification(self, timeout: float | None = None) -> Notification:
        """The next notification; :class:`asyncio.TimeoutError` after ``timeout`` seconds."""
        return await asyncio.wait_for(self.__anext__(), timeout)

    async def close(self) -> None:
        """Delete the subscription on the server (if still connected) and stop iterating."""
        if self._closed:
            return
        self._closed = True
        resubscriber, self._resubscriber = self._resubscriber, None
        if resubscriber is not None and resubscriber is not asyncio.current_task():
            resubscriber.cancel()
        transport = self._transport
        if transport is not None:
            transport.remove_push_handler(self._on_push)
            transport.remove_drop_hook(self._on_drop)
            if self.id is not None and transport.connected and not self._stale:
                # If this fails the connection is going, and Zaqar drops it with that.
                with contextlib.suppress(ZaqarError):
                    await self.client.call(Request(
                        "subscription_delete",
                        {"queue_name": self.queue_name, "subscription_id": self.id},
                    ))
        self._end()

    # -- internals ----------------------------------------------------------

    async def _create(self) -> None:
        # No subscriber: Zaqar binds the subscription to this connection.
        result = await self.client.call(
            subscription_request(self.queue_name, self.ttl, self.options)
        )
        self.id = created_subscription(result)

    def _on_push(self, frame: JSONValue) -> None:
        notification = notification_of(frame, self.queue_name, self.filter)
        if notification is FILTERED_OUT:
            self.filtered_out += 1
        elif isinstance(notification, Notification):
            self._inbox.put_nowait(notification)

    def _on_drop(self) -> None:
        """The transport's connection went (or the transport closed)."""
        transport = self._transport
        if self._closed or self._ended or self.id is None or transport is None:
            return
        if transport.closed:
            self._end()
            return
        self._stale = True
        if self._resubscriber is None or self._resubscriber.done():
            self._resubscriber = asyncio.get_running_loop().create_task(
                self._resubscribe(transport), name=f"zaqarclient-ws-resub-{self.queue_name}")

    async def _resubscribe(self, transport: AsyncWebsocketTransport) -> None:
        """Reconnect and subscribe again until it holds (a drop meanwhile: once more)."""
        delay = BACKOFF_START
        while self._stale and not self._closed:
            if transport.closed:
                self._end()
                return
            try:
                await transport.connection()
                # Cleared before subscribing: a drop during the create sets it again.
                self._stale = False
                await self._create()
            except ConnectionError as exc:  # timeouts too: the network, not a refusal
                self._stale = True
                if transport.closed:
                    self._end()
                    return
                LOG.debug("websocket re-subscription to %r failed (%s); retry in %.1fs",
                          self.queue_name, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            except ZaqarError as exc:
                LOG.warning("websocket subscription to %r lost: %s", self.queue_name, exc)
                self.error = exc
                self._end(exc)
                return
            LOG.info("websocket subscription to %r renewed as %s", self.queue_name, self.id)
            delay = BACKOFF_START
            self.renewals += 1
            self._wake_waiters()

    def _end(self, error: ZaqarError | None = None) -> None:
        if not self._ended:
            self._ended = True
            self._inbox.put_nowait(_End(error))
            self._wake_waiters()

    def _wake_waiters(self) -> None:
        # Each wait is on the event of its time: set it, and the next waits get a fresh one.
        renewal, self._renewal = self._renewal, asyncio.Event()
        renewal.set()
