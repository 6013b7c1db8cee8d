"""``zaqarclient.aio.Client``: the asyncio client, HTTP (aiohttp) or websocket (``websockets``).

Same arguments, conf keys, models and errors as the sync
:class:`~zaqarclient.queues.v2.client.Client` (its settings are the shared
:class:`~zaqarclient.queues.v2.client.ClientBase`); calls that send are
coroutines, listings asynchronous iterators::

    async with zaqarclient.aio.Client("http://zaqar:8888", conf=conf) as client:
        queue = client.queue("jobs")
        await queue.post({"body": {"job": 1}})
        claim = await queue.claim(ttl=60, grace=60, limit=10)
        for message in claim:
            await message.delete()
        async for queue in client.queues():
            ...
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, TypeVar

from zaqarclient.aio import resources
from zaqarclient.aio.iterator import AsyncResourceIterator
from zaqarclient.aio.pipeline import AsyncPipeline, AsyncTransport
from zaqarclient.aio.steps import drive, operation
from zaqarclient.aio.subscribe import AsyncSubscription
from zaqarclient.errors import ConfigurationError, InvalidOperation, UnsupportedVersion
from zaqarclient.filters import FilterSpec
from zaqarclient.queues.v1_1 import api as api_v1_1
from zaqarclient.queues.v2 import hrefs
from zaqarclient.queues.v2.client import ClientBase
from zaqarclient.queues.v2.steps import Steps
from zaqarclient.queues.v2.subscription import listing_item
from zaqarclient.queues.versions import api_for
from zaqarclient.transport.contract import JSONObject, JSONValue, Result
from zaqarclient.transport.request import QueryValue, Request
from zaqarclient.transport.retry import RetryPolicy

T = TypeVar("T")


class Client(ClientBase):
    """An asyncio Zaqar client (API v2, or 1.1 over HTTP); use ``async with`` or ``close()``.

    ``Client(url, version=2, conf=None, session=None)`` as the sync client;
    ``conf['pool_size']`` bounds the HTTP connections (default 100).
    ``transport`` replaces the transport the URL would get.
    """

    queue_class: type[resources.Queue] = resources.Queue
    flavor_class: type[resources.Flavor] = resources.Flavor

    def __init__(
        self,
        url: str | None = None,
        version: int | float | str = 2,
        conf: Mapping[str, Any] | None = None,
        session: Any = None,
        *,
        transport: AsyncTransport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(url, version, conf, session, **kwargs)
        self.api = api_for(version)
        if self.api is api_v1_1.V1_1:
            if url is not None and url.startswith(("ws://", "wss://")):
                raise ConfigurationError(
                    "Zaqar's websocket API exists only for API v2; use an http(s) URL with v1.1"
                )
            # The v1.1 resources load only for v1.1 clients (a rare, older API).
            from zaqarclient.aio import v1_1

            self.queue_class = v1_1.Queue
            self.flavor_class = v1_1.Flavor
        self._given_transport = transport
        self._pipeline_instance: AsyncPipeline | None = None

    @property
    def _pipeline(self) -> AsyncPipeline:
        pipeline = self._pipeline_instance
        if pipeline is None:
            pipeline = self._pipeline_instance = AsyncPipeline(
                self._given_transport or self._make_transport(self.api_url), self.api,
                self._auth, client_id=self.client_uuid, retry=self._retry(),
                headers=self.conf.get("headers"),
            )
        return pipeline

    def _make_transport(self, api_url: str) -> AsyncTransport:
        if self._websocket:
            # websockets loads only for ws:// clients.
            from zaqarclient.aio.ws import AsyncWebsocketTransport

            return AsyncWebsocketTransport(
                api_url, tls=self._auth.tls, connection_auth=self._auth.connection_flow,
                timeout=self.conf.get("timeout"), ws_format=self.conf.get("ws_format"),
            )
        # aiohttp (~100 ms to import) loads only for HTTP clients.
        from zaqarclient.aio.http import AiohttpTransport

        return AiohttpTransport(
            api_url, self.api, tls=self._auth.tls, timeout=self.conf.get("timeout"),
            pool_size=int(self.conf.get("pool_size") or 100),
        )

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the transport's connections."""
        if self._pipeline_instance is not None:
            await self._pipeline_instance.transport.close()

    # -- sending ------------------------------------------------------------

    async def call(self, request: Request) -> Result:
        """Send ``request`` through the pipeline; its result, or the typed error."""
        return await self._pipeline.call(request)

    async def run(self, steps: Steps[T]) -> T:
        """Run an operation's steps (:mod:`zaqarclient.queues.v2.steps`) through this client."""
        return await drive(self, steps)

    def transport(self) -> AsyncTransport:
        """The transport under the client's pipeline."""
        return self._pipeline.transport

    @property
    def retry_policy(self) -> RetryPolicy:
        """When and how calls are resent."""
        return self._pipeline.retry

    follow = operation(ClientBase._follow)

    def subscribe(
        self,
        queue: str | resources.Queue,
        ttl: int = 3600,
        *,
        options: Mapping[str, JSONValue] | None = None,
        filter: FilterSpec = None,
    ) -> AsyncSubscription:
        """Subscribe this websocket connection to ``queue``: ``async for n in ...`` (ws only).

        ``await client.subscribe(q)`` returns once Zaqar confirmed it;
        iterating subscribes first if that was not done. ``filter`` keeps
        only notifications whose body matches (in the client: Zaqar has no
        subscription filters).
        """
        if not self._websocket:
            raise InvalidOperation(
                "subscribe() needs a websocket client (ws:// or wss:// URL); over HTTP create a "
                "Subscription with a webhook subscriber instead"
            )
        name = queue.name if isinstance(queue, resources.Queue) else queue
        return AsyncSubscription(self, name, ttl, options=options, filter=filter)

    # -- queues and topics --------------------------------------------------

    def queue(self, ref: str, **kwargs: Any) -> resources.Queue:
        """A :class:`~zaqarclient.aio.resources.Queue` handle (sends nothing)."""
        if kwargs.pop("force_create", False) or kwargs.pop("auto_create", False):
            raise InvalidOperation(
                "an asyncio queue handle sends nothing: create it with await queue.create()"
            )
        return self.queue_class(self, ref, **kwargs)

    def queues(self, **params: QueryValue) -> AsyncResourceIterator[resources.Queue]:
        """Every queue, paged as you iterate (``async for q in client.queues()``)."""
        return AsyncResourceIterator(self, self.queues_listing(**params))

    list_queues = queues

    def queue_from_listing(self, args: JSONObject) -> resources.Queue:
        """A queue from a listing entry (no request)."""
        name = args["name"]
        return self.queue_class(
            self, name, href=args.get("href") or hrefs.resource(self.api, "queues", name),
            metadata=args.get("metadata"),
        )

    def topic(self, ref: str) -> resources.Topic:
        """A :class:`~zaqarclient.aio.resources.Topic` handle (sends nothing)."""
        return resources.Topic(self, ref)

    def topics(self, **params: QueryValue) -> AsyncResourceIterator[resources.Topic]:
        """Every topic, paged as you iterate."""
        return AsyncResourceIterator(self, self.topics_listing(**params))

    def topic_from_listing(self, args: JSONObject) -> resources.Topic:
        """A topic from a listing entry (no request)."""
        name = args["name"]
        return resources.Topic(
            self, name, href=args.get("href") or hrefs.resource(self.api, "topics", name),
            metadata=args.get("metadata"),
        )

    # -- subscriptions, pools, flavors ---------------------------------------

    async def subscription(self, queue_name: str, **kwargs: Any) -> resources.Subscription:
        """A subscription: created when ``subscriber`` is given, loaded when ``id`` is."""
        self._v2_only("Subscriptions")
        auto_create = kwargs.pop("auto_create", True)
        subscription = resources.Subscription(self, queue_name, **kwargs)
        if auto_create:
            await subscription.ensure_exists()
        return subscription

    def subscriptions(
        self, queue_name: str, **params: QueryValue
    ) -> AsyncResourceIterator[resources.Subscription]:
        """A queue's subscriptions, paged as you iterate."""
        self._v2_only("Subscriptions")
        return AsyncResourceIterator(self, self.subscriptions_listing(queue_name, **params))

    def subscription_from_listing(self, args: JSONObject) -> resources.Subscription:
        """A subscription from a listing entry (no request)."""
        queue_name, fields = listing_item(args)
        return resources.Subscription(self, queue_name, **fields)

    async def pool(self, ref: str, **kwargs: Any) -> resources.Pool:
        """A pool; created (upserted) on the server unless ``auto_create=False``."""
        auto_create = kwargs.pop("auto_create", True)
        pool = resources.Pool(self, ref, **kwargs)
        if auto_create:
            await pool.ensure_exists()
        return pool

    def pools(self, **params: QueryValue) -> AsyncResourceIterator[resources.Pool]:
        """Every pool (admin), paged as you iterate."""
        return AsyncResourceIterator(self, self.pools_listing(**params))

    def pool_from_listing(self, args: JSONObject) -> resources.Pool:
        """A pool from a listing entry (no request)."""
        return resources.Pool(self, **args)

    async def flavor(self, ref: str, **kwargs: Any) -> resources.Flavor:
        """A flavor; created on the server unless ``auto_create=False``."""
        auto_create = kwargs.pop("auto_create", True)
        flavor = self.flavor_class(self, ref, **kwargs)
        if auto_create:
            await flavor.ensure_exists()
        return flavor

    def flavors(self, **params: QueryValue) -> AsyncResourceIterator[resources.Flavor]:
        """Every flavor, paged as you iterate."""
        return AsyncResourceIterator(self, self.flavors_listing(**params))

    def flavor_from_listing(self, args: JSONObject) -> resources.Flavor:
        """A flavor from a listing entry (no request)."""
        return self.flavor_class(self, **args)

    # -- service ------------------------------------------------------------

    ping = operation(ClientBase._ping)
    health = operation(ClientBase._health)
    homedoc = operation(ClientBase._homedoc)
    versions = operation(ClientBase._versions)

    def _v2_only(self, what: str) -> None:
        if self.api is api_v1_1.V1_1:
            raise UnsupportedVersion(f"{what} are not available in Zaqar API 1.1: use API v2")
