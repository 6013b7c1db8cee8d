"""Connection-bound subscriptions over the asyncio websocket: ``async for n in sub``.

As the sync :mod:`~zaqarclient.queues.v2.ws_subscribe` (same request, same
notification reading and filtering): ``subscription_create`` without a
subscriber binds the subscription to this connection; Zaqar then pushes
each new message of the queue. ``await client.subscribe(q)`` returns once
Zaqar confirmed it, so nothing posted afterwards is missed. A dropped
connection ends the iteration with
:class:`~zaqarclient.errors.ConnectionError` (Zaqar deletes the
subscription with its connection; subscribe again to go on).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Generator, Mapping
from typing import TYPE_CHECKING, Any

from zaqarclient.errors import ConnectionError, ZaqarError
from zaqarclient.filters import FilterSpec, as_filter
from zaqarclient.queues.v2.queues import validate_name
from zaqarclient.queues.v2.ws_subscribe import (
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


class AsyncSubscription:
    """A live connection-bound subscription to one queue; an async iterator of notifications.

    ``async with`` (or :meth:`close`) ends it; ``filtered_out`` counts the
    notifications the filter dropped.
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
        self._inbox: asyncio.Queue[Notification | None] = asyncio.Queue()
        self._closed = False
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
            transport.add_push_handler(self._on_push)
            result = await self.client.call(
                subscription_request(self.queue_name, self.ttl, self.options)
            )
            self.id = created_subscription(result)
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
        await self.start()
        while True:
            transport = self._transport
            if self._closed:
                raise StopAsyncIteration
            if transport is not None and not transport.connected and self._inbox.empty():
                raise ConnectionError(
                    "the websocket carrying this subscription closed", request_sent=False
                )
            try:
                notification = await asyncio.wait_for(self._inbox.get(), 1.0)
            except TimeoutError:
                continue
            if notification is None:
                raise StopAsyncIteration
            return notification

    async def next_notification(self, timeout: float | None = None) -> Notification:
        """The next notification; :class:`asyncio.TimeoutError` after ``timeout`` seconds."""
        return await asyncio.wait_for(self.__anext__(), timeout)

    async def close(self) -> None:
        """Delete the subscription on the server (if still connected) and stop iterating."""
        if self._closed:
            return
        self._closed = True
        transport = self._transport
        if transport is not None:
            transport.remove_push_handler(self._on_push)
            if self.id is not None and transport.connected:
                # If this fails the connection is going, and Zaqar drops it with that.
                with contextlib.suppress(ZaqarError):
                    await self.client.call(Request(
                        "subscription_delete",
                        {"queue_name": self.queue_name, "subscription_id": self.id},
                    ))
        self._inbox.put_nowait(None)

    def _on_push(self, frame: JSONValue) -> None:
        notification = notification_of(frame, self.queue_name, self.filter)
        if notification is FILTERED_OUT:
            self.filtered_out += 1
        elif isinstance(notification, Notification):
            self._inbox.put_nowait(notification)
