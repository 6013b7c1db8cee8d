"""The asyncio resources: the sync resources' operations as coroutines.

Each class is its sync counterpart's steps (``QueueOps``, ``ClaimOps``...)
run by the asyncio driver, so a request, the way its answer reads and the
errors that mean something exist once. Differences, all forced by asyncio:
constructors never send (``await client.pool(...)`` creates), properties
that send are coroutines of the same name (``await queue.stats()``,
``await claim.age()``), and listings are asynchronous iterators.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from zaqarclient.aio.consumer import AsyncHandler, Consumer
from zaqarclient.aio.iterator import AsyncResourceIterator
from zaqarclient.aio.steps import operation
from zaqarclient.filters import FilterSpec
from zaqarclient.queues.v2.claim import ClaimOps
from zaqarclient.queues.v2.flavor import FlavorOps
from zaqarclient.queues.v2.iterator import collect
from zaqarclient.queues.v2.message import MessageFields
from zaqarclient.queues.v2.pool import PoolOps
from zaqarclient.queues.v2.queues import QueueOps
from zaqarclient.queues.v2.subscription import SubscriptionOps
from zaqarclient.queues.v2.topic import TopicOps
from zaqarclient.transport.request import QueryValue

if TYPE_CHECKING:
    from zaqarclient.aio.client import Client


class Message(MessageFields):
    """One message (fields as the sync :class:`~zaqarclient.queues.v2.message.Message`)."""

    __slots__ = ()
    queue: Queue

    delete = operation(MessageFields._delete)


class Claim(ClaimOps):
    """A claim: ``for m in claim`` yields the messages it holds (no request).

    Made by ``await queue.claim(...)``; ``await claim.update(ttl=...)``
    renews it, ``await claim.delete()`` releases it.
    """

    reload = operation(ClaimOps.get_steps)
    update = operation(ClaimOps._update)
    delete = operation(ClaimOps._delete)
    release = delete
    age = operation(ClaimOps._age_steps)
    ttl = operation(ClaimOps._ttl_steps)

    def __iter__(self) -> Iterator[Message]:
        return iter(list(self._messages or []))

    @property
    def messages(self) -> list[Message]:
        """The messages this claim holds (as last fetched)."""
        return list(self)


class Queue(QueueOps):
    """A queue: ``client.queue(name)`` sends nothing; every call that sends is a coroutine."""

    message_class: ClassVar[type[MessageFields]] = Message
    claim_class: ClassVar[type[ClaimOps]] = Claim
    client: Client

    exists = operation(QueueOps._exists)
    create = operation(QueueOps._create)
    metadata = operation(QueueOps._metadata_steps)
    update_metadata = operation(QueueOps._update_metadata)
    stats = operation(QueueOps._stats)
    delete = operation(QueueOps._delete)
    purge = operation(QueueOps._purge)
    post = operation(QueueOps._post)
    message = operation(QueueOps._message)
    delete_message = operation(QueueOps._delete_message)
    delete_messages = operation(QueueOps._delete_messages)
    claim = operation(QueueOps._claim)
    signed_url = operation(QueueOps._signed_url)

    def messages(
        self, *messages: str, filter: FilterSpec = None, **params: QueryValue
    ) -> AsyncResourceIterator[Message]:
        """Messages by id, or every message (paged as you iterate): ``async for m in ...``.

        Parameters as for the sync queue's ``messages``.
        """
        return AsyncResourceIterator(
            self.client, self.messages_listing(*messages, filter=filter, **params)
        )

    async def pop(self, count: int = 1) -> list[Message]:
        """Remove and return up to ``count`` unclaimed messages (1..20)."""
        popped: list[Message] = await self.client.run(collect(self.pop_listing(count)))
        return popped

    async def metadata_dict(self) -> dict[str, Any]:
        """The queue's metadata as a new dict."""
        return dict(await self.metadata())

    def subscriptions(
        self, detailed: bool = False, marker: str | None = None, limit: int = 20
    ) -> AsyncResourceIterator[Subscription]:
        """The queue's subscriptions, all pages."""
        return self.client.subscriptions(
            self.name, detailed=detailed, marker=marker, limit=limit
        )

    def consumer(self, handler: AsyncHandler, **options: Any) -> Consumer:
        """An asyncio :class:`~zaqarclient.aio.consumer.Consumer` running ``handler``."""
        return Consumer(self, handler, **options)


class Topic(TopicOps, Queue):
    """A topic: the asyncio queue API minus claims and signed URLs."""

    subscribe = operation(TopicOps._subscribe)
    subscriptions = operation(TopicOps._subscriptions)  # type: ignore[arg-type,assignment]
    subscription = operation(TopicOps._subscription)
    unsubscribe = operation(TopicOps._unsubscribe)


class Subscription(SubscriptionOps):
    """A subscription (made by ``await client.subscription(queue, subscriber=...)``)."""

    ensure_exists = operation(SubscriptionOps._ensure_exists)
    reload = operation(SubscriptionOps._reload)
    update = operation(SubscriptionOps._update)
    confirm = operation(SubscriptionOps._confirm)
    delete = operation(SubscriptionOps._delete)


class Pool(PoolOps):
    """A storage pool (admin; made by ``await client.pool(name, uri=..., weight=...)``)."""

    ensure_exists = operation(PoolOps._ensure_exists)
    get = operation(PoolOps._get)
    update = operation(PoolOps._update)
    delete = operation(PoolOps._delete)


class Flavor(FlavorOps):
    """A flavor (made by ``await client.flavor(name, pool_list=[...])``)."""

    ensure_exists = operation(FlavorOps._ensure_exists)
    get = operation(FlavorOps._get)
    update = operation(FlavorOps._update)
    delete = operation(FlavorOps._delete)
