"""Subscriptions: webhook, e-mail or websocket delivery of a queue's messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zaqarclient.queues.v2.protocol import Caller
from zaqarclient.queues.v2.queues import validate_name
from zaqarclient.transport.contract import JSONObject, JSONValue, Result
from zaqarclient.transport.request import NO_BODY, Request


class Subscription:
    """A subscription of ``subscriber`` (``http(s)://``, ``mailto:``...) to a queue.

    With ``auto_create`` (the default) and no ``id``, constructing it creates
    it on the server (Zaqar returns the existing id for an unconfirmed
    duplicate) and then loads it. With an ``id`` it loads that subscription.
    """

    def __init__(
        self,
        client: Caller,
        queue_name: str,
        subscriber: str | None = None,
        ttl: int = 60,
        id: str | None = None,
        auto_create: bool = True,
        **kwargs: Any,
    ) -> None:
        self.client = client
        self.queue_name = validate_name(queue_name)
        self.subscriber = subscriber
        self.ttl = ttl
        self.id = id
        self.options: JSONObject = dict(kwargs.get("options") or {})
        self.age: int | None = kwargs.get("age")
        self.confirmed: bool | None = kwargs.get("confirmed")
        self.source: str | None = kwargs.get("source")
        if auto_create:
            self.ensure_exists()

    def __repr__(self) -> str:
        return f"<Subscription id:{self.id} queue:{self.queue_name} subscriber:{self.subscriber}>"

    def _send(
        self, operation: str, *, body: JSONValue = NO_BODY, subscription_id: str = ""
    ) -> Result:
        path = {"queue_name": self.queue_name, "subscription_id": subscription_id}
        return self.client.call(Request(operation, path, body=body))

    def ensure_exists(self) -> None:
        """Create the subscription if it has no id yet, then load it from the server."""
        if self.id is None and self.subscriber:
            body: JSONObject = {"subscriber": self.subscriber, "ttl": self.ttl}
            if self.options:
                body["options"] = self.options
            created = self._send("subscription_create", body=body).data
            self.id = created["subscription_id"]
        if self.id is not None:
            self.reload()

    def reload(self) -> None:
        """Refresh the fields from the server."""
        data = self._send("subscription_get", subscription_id=str(self.id)).data
        self._apply(data)

    def _apply(self, data: Mapping[str, JSONValue]) -> None:
        self.id = data.get("id", self.id)
        self.subscriber = data.get("subscriber", self.subscriber)
        self.ttl = data.get("ttl", self.ttl)
        self.options = dict(data.get("options") or {})
        self.age = data.get("age", self.age)
        self.confirmed = data.get("confirmed", self.confirmed)
        self.source = data.get("source", self.source)

    def update(self, subscription_data: Mapping[str, JSONValue]) -> None:
        """Change ``subscriber``, ``ttl`` and/or ``options`` (options are replaced whole)."""
        self._send(
            "subscription_update", body=dict(subscription_data), subscription_id=str(self.id)
        )
        for key in ("subscriber", "ttl", "options"):
            if subscription_data.get(key) is not None:
                setattr(self, key, subscription_data[key])

    def confirm(self, confirmed: bool = True) -> None:
        """Confirm (or with ``False``, unconfirm) the subscription."""
        self._send(
            "subscription_confirm", body={"confirmed": confirmed}, subscription_id=str(self.id)
        )
        self.confirmed = confirmed

    def delete(self) -> None:
        """Delete the subscription."""
        self._send("subscription_delete", subscription_id=str(self.id))

    def to_dict(self) -> JSONObject:
        """The subscription as a plain dict."""
        return {
            "id": self.id,
            "queue_name": self.queue_name,
            "subscriber": self.subscriber,
            "ttl": self.ttl,
            "age": self.age,
            "confirmed": self.confirmed,
            "options": self.options,
        }


def create_object(parent: Caller) -> Callable[[JSONObject], Subscription]:
    """A factory turning listing entries into :class:`Subscription` objects."""

    def make(args: dict[str, Any]) -> Subscription:
        fields = dict(args)
        queue_name = fields.pop("source", None) or fields.pop("queue_name")
        return Subscription(parent, queue_name, auto_create=False, **fields)

    return make
