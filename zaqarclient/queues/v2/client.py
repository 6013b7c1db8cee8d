"""The Zaqar v2 client."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Union

import requests.adapters

from zaqarclient import auth as auth_backends
from zaqarclient.errors import ConfigurationError, ConnectionError, InvalidOperation
from zaqarclient.queues.v2 import api as api_v2
from zaqarclient.queues.v2 import flavor as flavor_api
from zaqarclient.queues.v2 import pool as pool_api
from zaqarclient.queues.v2 import queues as queue_api
from zaqarclient.queues.v2 import subscription as subscription_api
from zaqarclient.queues.v2 import topic as topic_api
from zaqarclient.queues.v2.iterator import ResourceIterator
from zaqarclient.transport.errors import ServiceUnavailableError
from zaqarclient.transport.http import HttpTransport
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import NO_BODY, Api, Request, Response
from zaqarclient.transport.retry import RetryPolicy

if TYPE_CHECKING:
    from zaqarclient.filters import FilterSpec
    from zaqarclient.queues.v2.ws_subscribe import Notification, WsSubscription
    from zaqarclient.transport.ws import WebsocketTransport

Transport = Union[HttpTransport, "WebsocketTransport"]

_KNOWN_CONF = frozenset(
    {"auth_opts", "client_uuid", "timeout", "retries", "headers", "pool_size", "ws_format"}
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


class Client:
    """A Zaqar API v2 client over HTTP.

    ``Client(url, version=2, conf=None, session=None)`` as in
    python-zaqarclient: ``conf['auth_opts']`` picks the auth backend and
    ``conf['client_uuid']`` the Client-ID; ``session`` is a keystoneauth1
    session. Extra ``conf`` keys: ``timeout`` (seconds or (connect, read)),
    ``retries`` (a count, a dict of :class:`RetryPolicy` fields or a policy),
    ``headers`` (sent with every request).
    """

    api: Api = api_v2.V2
    queue_class: type[queue_api.Queue] = queue_api.Queue
    flavor_class: type[flavor_api.Flavor] = flavor_api.Flavor

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
        self._transport_instance: Transport | None = None
        self._lock = threading.Lock()

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
    def _transport(self) -> Transport:
        # Built on first use: constructing a client never needs an endpoint or
        # Keystone (Mistral builds one with no URL just to read the signatures).
        transport = self._transport_instance
        if transport is None:
            api_url = self.api_url
            with self._lock:
                if self._transport_instance is None:
                    self._transport_instance = self._make_transport(api_url)
                transport = self._transport_instance
        return transport

    def _make_transport(self, api_url: str) -> Transport:
        if api_url.startswith(("ws://", "wss://")):
            from zaqarclient.transport.ws import WebsocketTransport

            return WebsocketTransport(
                api_url,
                self.api,
                self._auth,
                client_id=self.client_uuid,
                timeout=self.conf.get("timeout"),
                headers=self.conf.get("headers"),
                ws_format=self.conf.get("ws_format"),
            )
        return HttpTransport(
            api_url,
            self.api,
            self._auth,
            client_id=self.client_uuid,
            timeout=self.conf.get("timeout"),
            retry=RetryPolicy.from_conf(self.conf.get("retries")),
            headers=self.conf.get("headers"),
            pool_size=int(self.conf.get("pool_size") or 10),
        )

    def __repr__(self) -> str:
        where = redact_url(self._api_url) if self._api_url else "(endpoint from the catalog)"
        return f"<{type(self).__name__} {where} v{self.api_version}>"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        if self._transport_instance is not None:
            self._transport_instance.close()

    # -- plumbing -----------------------------------------------------------

    def transport(self) -> Transport:
        """The client's (single, shared) transport."""
        return self._transport

    def mount(self, prefix: str, adapter: requests.adapters.BaseAdapter) -> None:
        """Send URLs starting with ``prefix`` through a ``requests`` adapter (HTTP only)."""
        if not isinstance(self._transport, HttpTransport):
            raise InvalidOperation("mount() applies to HTTP clients, not websocket ones")
        self._transport.mount(prefix, adapter)

    def subscribe(
        self,
        queue: str | queue_api.Queue,
        ttl: int = 3600,
        *,
        options: Mapping[str, Any] | None = None,
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
        from zaqarclient.queues.v2.ws_subscribe import subscribe

        return subscribe(self, queue, ttl, options=options, callback=callback, filter=filter)

    def _call(
        self,
        operation: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = NO_BODY,
        retry: bool | None = None,
        **path: str,
    ) -> Response:
        request = Request(operation, path, dict(params) if params else {}, body, retry=retry)
        return self._transport.send(request)

    def follow(self, ref: str) -> Any:
        """GET an href from a ``links`` entry and return the decoded body."""
        return self._transport.follow(ref).deserialized_content

    # -- queues -------------------------------------------------------------

    def queue(self, ref: str, **kwargs: Any) -> queue_api.Queue:
        """A :class:`Queue` handle (no request unless ``force_create=True``)."""
        return self.queue_class(self, ref, **kwargs)

    def queues(self, **params: Any) -> tuple[ResourceIterator[queue_api.Queue], int | None]:
        """``(iterator over all queues, count)``, python-zaqarclient's shape.

        ``count`` is set with ``with_count=True``. Parameters: ``limit``
        (page size), ``marker``, ``detailed``, ``name``, metadata filters.
        """
        data = self._call("queue_list", params=params).deserialized_content or {}
        count = data.get("count") if params.get("with_count") else None
        def make(args: dict[str, Any]) -> queue_api.Queue:
            return self.queue_class(
                self, args["name"], href=args.get("href"), metadata=args.get("metadata"),
                auto_create=False,
            )

        return ResourceIterator(self, data, "queues", make), count

    def list_queues(self, **params: Any) -> ResourceIterator[queue_api.Queue]:
        """An iterator over every queue (all pages)."""
        return self.queues(**params)[0]

    # -- topics -------------------------------------------------------------

    def topic(self, ref: str, **kwargs: Any) -> topic_api.Topic:
        """A :class:`~zaqarclient.queues.v2.topic.Topic` handle (lazy, like queues)."""
        return topic_api.Topic(self, ref, **kwargs)

    def topics(self, **params: Any) -> ResourceIterator[topic_api.Topic]:
        """An iterator over every topic (all pages)."""
        data = self._call("topic_list", params=params).deserialized_content
        return ResourceIterator(self, data, "topics", topic_api.create_object(self))

    # -- subscriptions ------------------------------------------------------

    def subscription(self, queue_name: str, **kwargs: Any) -> subscription_api.Subscription:
        """A :class:`Subscription`; created on the server when ``subscriber`` is given."""
        return subscription_api.Subscription(self, queue_name, **kwargs)

    def subscriptions(
        self, queue_name: str, **params: Any
    ) -> ResourceIterator[subscription_api.Subscription]:
        """An iterator over a queue's subscriptions (all pages)."""
        data = self._call(
            "subscription_list", params=params, queue_name=queue_name
        ).deserialized_content
        factory = subscription_api.create_object(self)
        return ResourceIterator(self, data, "subscriptions", factory)

    # -- admin: pools and flavors -------------------------------------------

    def pool(self, ref: str, **kwargs: Any) -> pool_api.Pool:
        """A :class:`Pool`; created (upserted) on the server unless ``auto_create=False``."""
        return pool_api.Pool(self, ref, **kwargs)

    def pools(self, **params: Any) -> ResourceIterator[pool_api.Pool]:
        """An iterator over every pool (admin)."""
        data = self._call("pool_list", params=params).deserialized_content
        return ResourceIterator(self, data, "pools", pool_api.create_object(self))

    def flavor(self, ref: str, **kwargs: Any) -> flavor_api.Flavor:
        """A :class:`Flavor`; created on the server unless ``auto_create=False``."""
        return self.flavor_class(self, ref, **kwargs)

    def flavors(self, **params: Any) -> ResourceIterator[flavor_api.Flavor]:
        """An iterator over every flavor."""
        data = self._call("flavor_list", params=params).deserialized_content
        flavor_class = self.flavor_class
        return ResourceIterator(
            self, data, "flavors", lambda args: flavor_class(self, auto_create=False, **args)
        )

    # -- service ------------------------------------------------------------

    def ping(self) -> bool:
        """True when the server and its storage answer.

        False when the server says its storage is unavailable (503) or
        cannot be reached; any other error is raised, not hidden.
        """
        try:
            self._call("ping")
        except (ServiceUnavailableError, ConnectionError):
            return False
        return True

    def health(self) -> dict[str, Any]:
        """The detailed health report (admin)."""
        result: dict[str, Any] = self._call("health").deserialized_content
        return result

    def homedoc(self) -> dict[str, Any]:
        """The API's JSON-home document."""
        result: dict[str, Any] = self._call("homedoc").deserialized_content
        return result

    def versions(self) -> list[dict[str, Any]]:
        """The versions the server offers (``GET /``)."""
        data = self._call("versions").deserialized_content or {}
        result: list[dict[str, Any]] = data.get("versions", [])
        return result
