"""The asyncio API: ``zaqarclient.aio.Client`` and the resources, consumer and subscriptions.

Same names, arguments, models and errors as the sync API; every call that
sends a request is a coroutine and listings are asynchronous iterators, so
code moves by adding ``await`` (and ``async for``). HTTP runs on aiohttp,
websocket on ``websockets`` (the ``aio`` extra: ``pip install
zaqarclient[aio]``).
"""

from __future__ import annotations

from zaqarclient.aio.client import Client
from zaqarclient.aio.consumer import Consumer
from zaqarclient.aio.iterator import AsyncResourceIterator
from zaqarclient.aio.resources import Claim, Flavor, Message, Pool, Queue, Subscription, Topic
from zaqarclient.aio.subscribe import AsyncSubscription
from zaqarclient.queues.v2.flow import ConsumerStats

__all__ = [
    "AsyncResourceIterator",
    "AsyncSubscription",
    "Claim",
    "Client",
    "Consumer",
    "ConsumerStats",
    "Flavor",
    "Message",
    "Pool",
    "Queue",
    "Subscription",
    "Topic",
]
