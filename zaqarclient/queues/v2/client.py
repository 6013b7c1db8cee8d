"""The Zaqar v2 client: the resources' entry point and the one way calls are sent.

``Client`` builds the transport for its URL (urllib3 for http(s)://, the
websocket transport for ws(s)://, or the one given as ``transport=``) and
the :class:`~zaqarclient.transport.pipeline.Pipeline` above it, and
implements the resources' :class:`~zaqarclient.queues.v2.protocol.Caller`
protocol with :meth:`Client.call`.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

import requests.adapters

from zaqarclient import auth as auth_backends
from zaqarclient.errors import ConfigurationError, ConnectionError, InvalidOperation
from zaqarclient.filters import FilterSpec
from zaqarclient.queues.v2 import api as api_v2
from zaqarclient.queues.v2 import flavor as flavor_api
from zaqarclient.queues.v2 import hrefs
from zaqarclient.queues.v2 import pool as pool_api
from zaqarclient.queues.v2 import queues as queue_api
from zaqarclient.queues.v2 import subscription as subscription_api
from zaqarclient.queues.v2 import topic as topic_api
from zaqarclient.queues.v2.iterator import ListingPlan, ResourceIterator, iterate
from zaqarclient.queues.v2.steps import Steps, operation
from zaqarclient.transport.adapter import AdapterTransport
from zaqarclient.transport.contract import Cursor, JSONObject, JSONValue, Result, Transport
from zaqarclient.transport.errors import ServiceUnavailableError
from zaqarclient.transport.http import HttpTransport
from zaqarclient.transport.http_wire import HttpWire
from zaqarclient.transport.mounts import MountedTransports
from zaqarclient.transport.pipeline import Pipeline
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import Api, QueryValue, Request
from zaqarclient.transport.retry import WEBSOCKET_DEFAULT, RetryPolicy
from zaqarclient.transport.timeouts import parse_timeout

if TYPE_CHECKING:
    from zaqarclient.queues.v2.ws_subscribe import Notification, WsSubscription

_KNOWN_CONF = frozenset(
    {"auth_opts", "client_uuid", "timeout", "retries", "headers", "pool_size", "ws_format",
     "one_write", "ws_fast_frames"}
)
_VERSION_SUFFIXES = ("/v2", "/v2/", "/v1.1", "/v1.1/")


def normalise_endpoint(url: str) -> str:
    """The endpoint root: no trailing slash and no ``/v2`` or ``/v1.1`` suffix."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://", "ws://", "wss://")):
        raise ConfigurationError(
            f"Zaqar URL must start with http://, https://, ws:// or wss://, got {url!r}"
        )
    for suffix in _VERSION_SUFFIXES:
        if url.endswith(suffix):
            url = url[: -len(suffix)]
            break
    return url.rstrip("/")


class ClientBase:
    """What the sync and asyncio clients share: settings, endpoint, retry policy, plans.

    Nothing here sends a request: listings are :class:`ListingPlan` values and
    service calls are steps (:mod:`~zaqarclient.queues.v2.steps`) each client runs.
    """

    api: Api = api_v2.V2

    def __init__(
        self,
        url: str | None = None,
        version: int | float | str = 2,
        conf: Mapping[str, Any] | None = None,
        session: Any = None,
        **kwargs: Any,
    ) -> None:
        self.conf: dict[str, Any] = dict(conf or {})
        self.conf.update(kwargs)
        unknown = set(kwargs) - _KNOWN_CONF
        if unknown:
            raise ConfigurationError(
                f"Unknown Client option(s) {sorted(unknown)}; known: {sorted(_KNOWN_CONF)}"
            )
        self.api_version = version
        self.session = session
        self.auth_opts: Mapping[str, Any] = self.conf.get("auth_opts") or {}
        self.client_uuid: str = str(self.conf.get("client_uuid") or uuid.uuid4().hex)
        self._auth = auth_backends.from_conf(self.conf, session, has_endpoint=bool(url))
        self._api_url: str | None = normalise_endpoint(url) if url else None
        self._lock = threading.Lock()

    @property
    def caller(self) -> object:
        """The client itself: what resources send their requests through."""
        return self

    @property
    def api_url(self) -> str:
        """The endpoint root: the URL given, or the catalog's (looked up on first use)."""
        if self._api_url is None:
            with self._lock:
                if self._api_url is None:
                    endpoint = self._auth.endpoint()
                    if not endpoint:
                        raise ConfigurationError(
                            "No Zaqar URL: pass url=... or a keystone session whose "
                            "catalog has a 'messaging' endpoint"
                        )
                    self._api_url = normalise_endpoint(endpoint)
        return self._api_url

    @property
    def _websocket(self) -> bool:
        return self.api_url.startswith(("ws://", "wss://"))

    def _retry(self) -> RetryPolicy:
        """The conf's retry policy; websocket clients default to one immediate resend."""
        retries = self.conf.get("retries")
        if retries is None and self._websocket:
            return WEBSOCKET_DEFAULT
        return RetryPolicy.from_conf(retries)

    def __repr__(self) -> str:
        where = redact_url(self._api_url) if self._api_url else "(endpoint from the catalog)"
        return f"<{type(self).__name__} {where} v{self.api_version}>"

    # -- listings and service calls, as plans and steps -------------------------

    def queues_listing(self, **params: QueryValue) -> ListingPlan[Any]:
        """Every queue (parameters: ``limit``, ``marker``, ``detailed``, ``name``...)."""
        make_queue = self.queue_from_listing
        return ListingPlan(Request("queue_list", params=dict(params)), "queues", make_queue)

    def queue_from_listing(self, args: JSONObject) -> Any:
        """A queue object of this client from a listing entry."""
        raise NotImplementedError

    def topics_listing(self, **params: QueryValue) -> ListingPlan[Any]:
        """Every topic."""
        return ListingPlan(Request("topic_list", params=dict(params)), "topics",
                           self.topic_from_listing)

    def topic_from_listing(self, args: JSONObject) -> Any:
        """A topic object of this client from a listing entry."""
        raise NotImplementedError

    def subscriptions_listing(self, queue_name: str, **params: QueryValue) -> ListingPlan[Any]:
        """A queue's subscriptions."""
        request = Request("subscription_list", {"queue_name": queue_name}, dict(params))
        return ListingPlan(request, "subscriptions", self.subscription_from_listing)

    def subscription_from_listing(self, args: JSONObject) -> Any:
        """A subscription object of this client from a listing entry."""
        raise NotImplementedError

    def pools_listing(self, **params: QueryValue) -> ListingPlan[Any]:
        """Every pool (admin)."""
        return ListingPlan(Request("pool_list", params=dict(params)), "pools",
                           self.pool_from_listing)

    def pool_from_listing(self, args: JSONObject) -> Any:
        """A pool object of this client from a listing entry."""
        raise NotImplementedError

    def flavors_listing(self, **params: QueryValue) -> ListingPlan[Any]:
        """Every flavor."""
        return ListingPlan(Request("flavor_list", params=dict(params)), "flavors",
                           self.flavor_from_listing)

    def flavor_from_listing(self, args: JSONObject) -> Any:
        """A flavor object of this client from a listing entry."""
        raise NotImplementedError

    def _ping(self) -> Steps[bool]:
        """True when the server and its storage answer.

        False when the server says its storage is unavailable (503) or
        cannot be reached; any other error is raised, not hidden.
        """
        try:
            yield Request("ping")
        except (ServiceUnavailableError, ConnectionError):
            return False
        return True

    def _health(self) -> Steps[JSONObject]:
        """The detailed health report (admin)."""
        result: JSONObject = (yield Request("health")).data
        return result

    def _homedoc(self) -> Steps[JSONObject]:
        """The API's JSON-home document."""
        result: JSONObject = (yield Request("homedoc")).data
        return result

    def _versions(self) -> Steps[list[JSONObject]]:
        """The versions the server offers (``GET /``, answered with 300)."""
        data = (yield Request("versions")).data or {}
        result: list[JSONObject] = data.get("versions", [])
        return result

    def _follow(self, ref: str | Cursor) -> Steps[JSONValue]:
        """GET an href from a ``links`` entry (or a listing's cursor); the decoded body."""
        request = ref.request if isinstance(ref, Cursor) else Request("follow", ref=ref)
        return (yield request).data


class Client(ClientBase):
    """A Zaqar API v2 client over HTTP or websocket.

    ``Client(url, version=2, conf=None, session=None)`` as in
    python-zaqarclient: ``conf['auth_opts']`` picks the auth backend and
    ``conf['client_uuid']`` the Client-ID; ``session`` is a keystoneauth1
    session. Extra ``conf`` keys: ``timeout`` (seconds or (connect, read)),
    ``retries`` (a count, a dict of :class:`RetryPolicy` fields or a policy),
    ``headers`` (sent with every request), ``pool_size``, ``ws_format``
    (``json`` or ``msgpack``), and the opt-in fast path ``one_write``
    (``ws_fast_frames`` is accepted and ignored: the websocket frames no longer
    need a fast path). ``transport`` replaces the transport the URL would
    get (``InProcessTransport`` for zero-socket tests, a test double...).
    """

    queue_class: type[queue_api.Queue] = queue_api.Queue
    flavor_class: type[flavor_api.Flavor] = flavor_api.Flavor

    def __init__(
        self,
        url: str | None = None,
        version: int | float | str = 2,
        conf: Mapping[str, Any] | None = None,
        session: Any = None,
        *,
        transport: Transport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(url, version, conf, session, **kwargs)
        self._given_transport = transport
        self._pipeline_instance: Pipeline | None = None

    @property
    def _pipeline(self) -> Pipeline:
        # Built on first use: constructing a client never needs an endpoint or
        # Keystone (Mistral builds one with no URL just to read the signatures).
        pipeline = self._pipeline_instance
        if pipeline is None:
            api_url = self.api_url
            with self._lock:
                if self._pipeline_instance is None:
                    self._pipeline_instance = self._make_pipeline(api_url)
                pipeline = self._pipeline_instance
        return pipeline

    def _make_pipeline(self, api_url: str) -> Pipeline:
        return Pipeline(
            self._given_transport or self._make_transport(api_url),
            self.api,
            self._auth,
            client_id=self.client_uuid,
            retry=self._retry(),
            headers=self.conf.get("headers"),
        )

    def _make_transport(self, api_url: str) -> Transport:
        if self._websocket:
            # websockets is the optional ``websocket`` extra: only ws:// clients need it.
            from zaqarclient.transport.ws import WebsocketTransport

            return WebsocketTransport(
                api_url,
                tls=self._auth.tls,
                connection_auth=self._auth.connection_flow,
                timeout=self.conf.get("timeout"),
                ws_format=self.conf.get("ws_format"),
            )
        return HttpTransport(
            api_url,
            self.api,
            tls=self._auth.tls,
            timeout=self.conf.get("timeout"),
            pool_size=int(self.conf.get("pool_size") or 10),
            one_write=bool(self.conf.get("one_write")),
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the transport's connections."""
        if self._pipeline_instance is not None:
            self._pipeline_instance.transport.close()

    # -- sending ------------------------------------------------------------

    def call(self, request: Request) -> Result:
        """Send ``request`` through the pipeline; its result, or the typed error.

        The one way every resource, iterator and CLI command reaches Zaqar
        (the :class:`~zaqarclient.queues.v2.protocol.Caller` protocol).
        """
        return self._pipeline.call(request)

    def submit(self, request: Request) -> Future[Result]:
        """Send ``request`` without waiting (websocket clients): a future of its result.

        For pipelining many requests from one thread. No resend on a drop;
        an error status is set on the future as its typed error.
        """
        pipeline = self._pipeline
        try:
            return pipeline.submit(request)
        except TypeError:
            raise InvalidOperation(
                "submit() needs a websocket client; over HTTP use threads with call()"
            ) from None

    follow = operation(ClientBase._follow)

    @property
    def retry_policy(self) -> RetryPolicy:
        """When and how calls are resent."""
        return self._pipeline.retry

    def transport(self) -> Transport:
        """The transport under the client's pipeline (one, shared by every call)."""
        return self._pipeline.transport

    def mount(self, prefix: str, adapter: requests.adapters.BaseAdapter) -> None:
        """Send URLs starting with ``prefix`` through a ``requests`` adapter (HTTP only)."""
        if self._websocket:
            raise InvalidOperation("mount() applies to HTTP clients, not websocket ones")
        pipeline = self._pipeline
        mounts = pipeline.transport
        if not isinstance(mounts, MountedTransports):
            mounts = MountedTransports(HttpWire(self.api_url, self.api), pipeline.transport)
            pipeline.transport = mounts
        timeout = parse_timeout(self.conf.get("timeout"))
        mounts.mount(prefix, AdapterTransport(mounts.wire, adapter, tls=self._auth.tls,
                                              timeout=timeout))

    def subscribe(
        self,
        queue: str | queue_api.Queue,
        ttl: int = 3600,
        *,
        options: Mapping[str, JSONValue] | None = None,
        callback: Callable[[Notification], None] | None = None,
        filter: FilterSpec = None,
    ) -> WsSubscription:
        """Subscribe this websocket connection to ``queue``; pushed notifications follow.

        Returns once Zaqar confirmed the subscription, so nothing posted
        afterwards is missed. Iterate it (or pass ``callback``) to receive
        notifications; ``close()`` ends it. Websocket clients only.
        ``filter`` (see :mod:`zaqarclient.filters`, e.g.
        ``["event_type=compute.instance.*", "state=active"]``) delivers only
        notifications whose body matches; it runs in the client, since Zaqar
        has no subscription filters.
        """
        # ws_subscribe needs websockets (the optional ``websocket`` extra).
        from zaqarclient.queues.v2.ws_subscribe import subscribe

        return subscribe(self, queue, ttl, options=options, callback=callback, filter=filter)

    # -- queues -------------------------------------------------------------

    def queue(self, ref: str, **kwargs: Any) -> queue_api.Queue:
        """A :class:`Queue` handle (no request unless ``force_create=True``)."""
        return self.queue_class(self, ref, **kwargs)

    def queues(
        self, **params: QueryValue
    ) -> tuple[ResourceIterator[queue_api.Queue], int | None]:
        """``(iterator over all queues, count)``, python-zaqarclient's shape.

        ``count`` is set with ``with_count=True``. Parameters: ``limit``
        (page size), ``marker``, ``detailed``, ``name``, metadata filters.
        """
        plan = self.queues_listing(**params)
        result = self.call(plan.request)
        data = result.data or {}
        count = data.get("count") if params.get("with_count") else None
        return ResourceIterator(self, result, plan.key, plan.factory), count

    def queue_from_listing(self, args: JSONObject) -> queue_api.Queue:
        """A :class:`Queue` from a listing entry (no request)."""
        name = args["name"]
        return self.queue_class(
            self, name, href=args.get("href") or hrefs.resource(self.api, "queues", name),
            metadata=args.get("metadata"), auto_create=False,
        )

    def list_queues(self, **params: QueryValue) -> ResourceIterator[queue_api.Queue]:
        """An iterator over every queue (all pages)."""
        return self.queues(**params)[0]

    # -- topics -------------------------------------------------------------

    def topic(self, ref: str, **kwargs: Any) -> topic_api.Topic:
        """A :class:`~zaqarclient.queues.v2.topic.Topic` handle (lazy, like queues)."""
        return topic_api.Topic(self, ref, **kwargs)

    def topics(self, **params: QueryValue) -> ResourceIterator[topic_api.Topic]:
        """An iterator over every topic (all pages)."""
        return iterate(self, self.topics_listing(**params))

    def topic_from_listing(self, args: JSONObject) -> topic_api.Topic:
        """A :class:`Topic` from a listing entry (no request)."""
        return topic_api.create_object(self)(args)

    # -- subscriptions ------------------------------------------------------

    def subscription(self, queue_name: str, **kwargs: Any) -> subscription_api.Subscription:
        """A :class:`Subscription`; created on the server when ``subscriber`` is given."""
        return subscription_api.Subscription(self, queue_name, **kwargs)

    def subscriptions(
        self, queue_name: str, **params: QueryValue
    ) -> ResourceIterator[subscription_api.Subscription]:
        """An iterator over a queue's subscriptions (all pages)."""
        return iterate(self, self.subscriptions_listing(queue_name, **params))

    def subscription_from_listing(self, args: JSONObject) -> subscription_api.Subscription:
        """A :class:`Subscription` from a listing entry (no request)."""
        return subscription_api.create_object(self)(args)

    # -- admin: pools and flavors -------------------------------------------

    def pool(self, ref: str, **kwargs: Any) -> pool_api.Pool:
        """A :class:`Pool`; created (upserted) on the server unless ``auto_create=False``."""
        return pool_api.Pool(self, ref, **kwargs)

    def pools(self, **params: QueryValue) -> ResourceIterator[pool_api.Pool]:
        """An iterator over every pool (admin)."""
        return iterate(self, self.pools_listing(**params))

    def pool_from_listing(self, args: JSONObject) -> pool_api.Pool:
        """A :class:`Pool` from a listing entry (no request)."""
        return pool_api.Pool(self, auto_create=False, **args)

    def flavor(self, ref: str, **kwargs: Any) -> flavor_api.Flavor:
        """A :class:`Flavor`; created on the server unless ``auto_create=False``."""
        return self.flavor_class(self, ref, **kwargs)

    def flavors(self, **params: QueryValue) -> ResourceIterator[flavor_api.Flavor]:
        """An iterator over every flavor."""
        return iterate(self, self.flavors_listing(**params))

    def flavor_from_listing(self, args: JSONObject) -> flavor_api.Flavor:
        """A :class:`Flavor` from a listing entry (no request)."""
        return self.flavor_class(self, auto_create=False, **args)

    # -- service ------------------------------------------------------------

    ping = operation(ClientBase._ping)
    health = operation(ClientBase._health)
    homedoc = operation(ClientBase._homedoc)
    versions = operation(ClientBase._versions)
