"""Topics (v2, experimental in Zaqar): queue-like resources under ``/v2/topics``.

A topic has metadata, stats, purge, messages and subscriptions, but no
claims or signed URLs. Zaqar 23.0.1 answers its topic message and
subscription routes with 500 (its handlers expect a queue name); the
reference server serves them as intended.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from zaqarclient.errors import InvalidOperation
from zaqarclient.queues.v2 import queues
from zaqarclient.transport.request import NO_BODY, Response

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

    def _call(
        self, operation: str, *, params: Mapping[str, Any] | None = None, body: Any = NO_BODY,
        retry: bool | None = None, **path: str,
    ) -> Response:
        for queue_prefix, topic_prefix in _RENAMES:
            if operation.startswith(queue_prefix):
                renamed = topic_prefix + operation[len(queue_prefix):]
                break
        else:
            raise InvalidOperation(f"Topics have no {operation!r} operation (claims and signed "
                                   "URLs exist only for queues)")
        return self.client._call(
            renamed, params=params, body=body, retry=retry, topic_name=self.name, **path
        )

    def subscribe(
        self, subscriber: str, ttl: int = 3600, options: Mapping[str, Any] | None = None
    ) -> str:
        """Subscribe ``subscriber`` to the topic; returns the subscription id."""
        body: dict[str, Any] = {"subscriber": subscriber, "ttl": ttl}
        if options:
            body["options"] = dict(options)
        created = self._call("subscription_create", body=body).deserialized_content
        return str(created["subscription_id"])

    def subscriptions(  # type: ignore[override]
        self, detailed: bool = False, marker: str | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        """The topic's subscriptions as dicts (all pages)."""
        params: dict[str, Any] = {"limit": limit}
        if marker:
            params["marker"] = marker
        found: list[dict[str, Any]] = []
        data = self._call("subscription_list", params=params).deserialized_content or {}
        seen: set[str] = set()
        while data.get("subscriptions"):
            found.extend(data["subscriptions"])
            href = next((link["href"] for link in data.get("links", [])
                         if link.get("rel") == "next"), None)
            if href is None or href in seen:
                break
            seen.add(href)
            data = self.client.follow(href) or {}
        return found

    def subscription(self, subscription_id: str) -> dict[str, Any]:
        """One of the topic's subscriptions as a dict (``id``, ``subscriber``, ``ttl``...)."""
        data = self._call("subscription_get", subscription_id=subscription_id)
        return dict(data.deserialized_content or {})

    def unsubscribe(self, subscription_id: str) -> None:
        """Delete one of the topic's subscriptions."""
        self._call("subscription_delete", subscription_id=subscription_id)


def create_object(parent: Client) -> Callable[[dict[str, Any]], Topic]:
    """A factory turning listing entries into :class:`Topic` objects."""
    return lambda args: Topic(
        parent, args["name"], href=args.get("href"), metadata=args.get("metadata"),
        auto_create=False,
    )
