"""The Zaqar v1.1 client: the v2 client's API with v1.1 routes and semantics."""

from __future__ import annotations

from typing import Any

from zaqarclient.errors import ConfigurationError, UnsupportedVersion
from zaqarclient.queues.v1_1 import api as api_v1_1
from zaqarclient.queues.v1_1.flavor import Flavor
from zaqarclient.queues.v1_1.queues import Queue
from zaqarclient.queues.v2 import client as v2_client
from zaqarclient.queues.v2.iterator import ResourceIterator
from zaqarclient.queues.v2.subscription import Subscription
from zaqarclient.transport.routes import Api


class Client(v2_client.Client):
    """A Zaqar API v1.1 client over HTTP (there is no v1.1 websocket API).

    Operations v1.1 lacks (queue PATCH, purge, share, subscriptions, topics)
    raise :class:`~zaqarclient.errors.UnsupportedVersion` before anything is
    sent.
    """

    api: Api = api_v1_1.V1_1
    queue_class = Queue
    flavor_class = Flavor

    def __init__(
        self,
        url: str | None = None,
        version: int | float | str = 1.1,
        conf: Any = None,
        session: Any = None,
        **kwargs: Any,
    ) -> None:
        if url is not None and url.startswith(("ws://", "wss://")):
            raise ConfigurationError(
                "Zaqar's websocket API exists only for API v2; use an http(s) URL with v1.1"
            )
        super().__init__(url, version=version, conf=conf, session=session, **kwargs)

    def subscription(self, queue_name: str, **kwargs: Any) -> Subscription:
        """Not in v1.1."""
        raise UnsupportedVersion("Subscriptions are not available in Zaqar API 1.1: use API v2")

    def subscriptions(self, queue_name: str, **params: Any) -> ResourceIterator[Subscription]:
        """Not in v1.1."""
        raise UnsupportedVersion("Subscriptions are not available in Zaqar API 1.1: use API v2")

    def subscribe(self, *args: Any, **kwargs: Any) -> Any:
        """Not in v1.1."""
        raise UnsupportedVersion("Websocket subscriptions exist only in Zaqar API v2")
