"""Topics (v2, experimental in Zaqar): queue-like resources under ``/v2/topics``.

A topic has metadata, stats, purge, messages and subscriptions, but no
claims or signed URLs. Zaqar 23.0.1 answers its topic message and
subscription routes with 500 (its handlers expect a queue name); the
reference server serves them as intended.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from zaqarclient.errors import InvalidOperation
from zaqarclient.queues.v2 import hrefs, queues
from zaqarclient.queues.v2.iterator import ResourceIterator
from zaqarclient.transport.contract import JSONObject, JSONValue
from zaqarclient.transport.request import NO_BODY, QueryValue, Request

if TYPE_CHECKING:
    from zaqarclient.queues.v2.client import Client

#: How a queue operation is named for topics.
_RENAMES = (
    ("queue_", "topic_"),
    ("message_", "topic_message_"),
    ("subscription_", "topic_subscription_"),
)


class Topic(queues.Queue):
    """A Zaqar topic: the queue API minus claims and signed URLs."""

    kind = "topic"

    def __repr__(self) -> str:
        return f"<Topic name:{self.name}>"

    def request(
        self,
        operation: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        body: JSONValue = NO_BODY,
        retry: bool | None = None,
        **path: str,
    ) -> Request:
        """The topic's request for the queue operation ``operation`` (renamed for topics)."""
        for queue_prefix, topic_prefix in _RENAMES:
            if operation.startswith(queue_prefix):
                renamed = topic_prefix + operation[len(queue_prefix):]
                break
        else:
            raise InvalidOperation(f"Topics have no {operation!r} operation (claims and signed "
                                   "URLs exist only for queues)")
        return Request(
            renamed, {"topic_name": self.name, **path}, dict(params) if params else {}, body,
            retry=retry,
        )

    def subscribe(
        self, subscriber: str, ttl: int = 3600, options: Mapping[str, JSONValue] | None = None
    ) -> str:
        """Subscribe ``subscriber`` to the topic; returns the subscription id."""
        body: JSONObject = {"subscriber": subscriber, "ttl": ttl}
        if options:
            body["options"] = dict(options)
        created = self._send("subscription_create", body=body).data
        return str(created["subscription_id"])

    def subscriptions(  # type: ignore[override]
        self, detailed: bool = False, marker: str | None = None, limit: int = 20
    ) -> list[JSONObject]:
        """The topic's subscriptions as dicts (all pages)."""
        params: dict[str, QueryValue] = {"limit": limit}
        if marker:
            params["marker"] = marker
        listing = ResourceIterator(
            self.client, self._send("subscription_list", params=params), "subscriptions", dict
        )
        return list(listing)

    def subscription(self, subscription_id: str) -> JSONObject:
        """One of the topic's subscriptions as a dict (``id``, ``subscriber``, ``ttl``...)."""
        result = self._send("subscription_get", subscription_id=subscription_id)
        return dict(result.data or {})

    def unsubscribe(self, subscription_id: str) -> None:
        """Delete one of the topic's subscriptions."""
        self._send("subscription_delete", subscription_id=subscription_id)


def create_object(parent: Client) -> Callable[[JSONObject], Topic]:
    """A factory turning listing entries into :class:`Topic` objects."""
    return lambda args: Topic(
        parent, args["name"],
        href=args.get("href") or hrefs.resource(parent.api, "topics", args["name"]),
        metadata=args.get("metadata"), auto_create=False,
    )
