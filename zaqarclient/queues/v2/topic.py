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
from zaqarclient.queues.v2.iterator import ListingPlan, collect
from zaqarclient.queues.v2.steps import Steps, operation
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


class TopicOps(queues.QueueOps):
    """A topic's requests and its own operations as steps (shared by sync and asyncio)."""

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

    def _subscribe(
        self, subscriber: str, ttl: int = 3600, options: Mapping[str, JSONValue] | None = None
    ) -> Steps[str]:
        """Subscribe ``subscriber`` to the topic; returns the subscription id."""
        body: JSONObject = {"subscriber": subscriber, "ttl": ttl}
        if options:
            body["options"] = dict(options)
        created = (yield self.request("subscription_create", body=body)).data
        return str(created["subscription_id"])

    def _subscriptions(
        self, detailed: bool = False, marker: str | None = None, limit: int = 20
    ) -> Steps[list[JSONObject]]:
        """The topic's subscriptions as dicts (all pages)."""
        params: dict[str, QueryValue] = {"limit": limit}
        if marker:
            params["marker"] = marker
        plan = ListingPlan(self.request("subscription_list", params=params), "subscriptions",
                           dict)
        return (yield from collect(plan))

    def _subscription(self, subscription_id: str) -> Steps[JSONObject]:
        """One of the topic's subscriptions as a dict (``id``, ``subscriber``, ``ttl``...)."""
        result = yield self.request("subscription_get", subscription_id=subscription_id)
        return dict(result.data or {})

    def _unsubscribe(self, subscription_id: str) -> Steps[None]:
        """Delete one of the topic's subscriptions."""
        yield self.request("subscription_delete", subscription_id=subscription_id)


class Topic(TopicOps, queues.Queue):
    """A Zaqar topic: the queue API minus claims and signed URLs."""

    subscribe = operation(TopicOps._subscribe)
    subscriptions = operation(TopicOps._subscriptions)  # type: ignore[arg-type]
    subscription = operation(TopicOps._subscription)
    unsubscribe = operation(TopicOps._unsubscribe)


def create_object(parent: Client) -> Callable[[JSONObject], Topic]:
    """A factory turning listing entries into :class:`Topic` objects."""
    return lambda args: Topic(
        parent, args["name"],
        href=args.get("href") or hrefs.resource(parent.api, "topics", args["name"]),
        metadata=args.get("metadata"), auto_create=False,
    )
