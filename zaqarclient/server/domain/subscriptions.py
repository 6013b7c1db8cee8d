"""Subscriptions: create, read, update, delete, confirm, and who hears of new messages."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

from zaqarclient.server import signing
from zaqarclient.server.clock import Clock
from zaqarclient.server.config import Config
from zaqarclient.server.domain.errors import Conflict, DoesNotExist, ValidationFailed
from zaqarclient.server.domain.target import Target
from zaqarclient.server.domain.validation import check_subscription
from zaqarclient.server.notify import Notifier
from zaqarclient.server.storage.base import Conflict as StoredConflict
from zaqarclient.server.storage.base import Missing, NewMessage, Storage, Subscription

LOG = logging.getLogger("zaqarclient.server.notify")

_UNIQUE = ("Such subscription already exists. Subscriptions are unique by project + queue + "
           "subscriber URI.")


class Subscriptions:
    """Zaqar's subscription controller over ``storage``, and its notification pipeline."""

    def __init__(
        self, config: Config, clock: Clock, storage: Storage, notifier: Notifier
    ) -> None:
        self._config = config
        self._clock = clock
        self._storage = storage
        self._notifier = notifier

    @property
    def default_ttl(self) -> int:
        return self._config.default_subscription_ttl

    def check(self, doc: dict[str, Any]) -> None:
        """The subscriber scheme, options, retry policy and TTL of a create or update."""
        check_subscription(doc, self._config)

    def create(
        self, target: Target, subscriber: str, ttl: int, options: dict[str, Any]
    ) -> tuple[Subscription, bool]:
        """Store a subscription (the queue must exist); False when it already existed.

        An existing subscription of the same subscriber is renewed and returned.
        """
        return self._storage.subscription_create(
            target.scope, target.name, subscriber, ttl, options
        )

    def page(self, target: Target, marker: str | None, limit: int) -> list[Subscription]:
        """A page of the queue's live subscriptions, by id."""
        return self._storage.subscription_list(target.scope, target.name, marker, limit)

    def get(self, target: Target, subscription_id: str) -> Subscription:
        """One live subscription of the queue; DoesNotExist otherwise."""
        sub = self._storage.subscription_get(target.scope, target.name, subscription_id)
        if sub is None:
            raise DoesNotExist(
                f"Subscription {subscription_id} does not exist",
                f"Subscription {subscription_id} for queue {target.name} does not exist.",
            )
        return sub

    def update(self, target: Target, subscription_id: str, fields: dict[str, Any]) -> None:
        """Change the subscriber, ttl and/or options of a subscription."""
        try:
            self._storage.subscription_update(target.scope, target.name, subscription_id,
                                              fields)
        except Missing as exc:
            raise DoesNotExist(str(exc)) from None
        except StoredConflict:
            raise Conflict(_UNIQUE) from None

    def delete(self, target: Target, subscription_id: str) -> None:
        """Delete a subscription (absent: no-op)."""
        self._storage.subscription_delete(target.scope, target.name, subscription_id)

    def confirm(self, project: str, subscription_id: str, confirmed: Any) -> Subscription:
        """Mark a subscription of the project (any queue) confirmed or not."""
        if not isinstance(confirmed, bool):
            raise ValidationFailed("The 'confirmed' should be boolean.")
        try:
            return self._storage.subscription_confirm(project, subscription_id, confirmed)
        except Missing as exc:
            raise DoesNotExist(str(exc)) from None

    def age(self, sub: Subscription) -> int:
        """Seconds since the subscription was created."""
        return int(self._clock.now() - sub.created)

    # ---------------------------------------------------------------- notifications

    def messages_posted(self, target: Target, batch: list[NewMessage], with_delay: bool) -> None:
        """Hand ``batch`` to the notifier for every subscriber of the queue that may hear it."""
        config = self._config
        if not config.notifications:
            return
        subs = self._storage.subscriptions_for(target.scope, target.name)
        if config.require_confirmation:
            subs = [sub for sub in subs if sub.confirmed]
        if not subs:
            return
        meta = self._storage.queue_get(target.scope, target.name) or {}
        queue_policy = meta.get("_retry_policy") or {}
        self._notifier.messages_posted(subs, batch, with_delay, queue_policy)

    def request_confirmation(
        self, sub: Subscription, project: str, api_prefix: str, expires: float,
        unsubscribe: bool = False,
    ) -> None:
        """Send the (un)subscribe confirmation request, when the server asks for them.

        The request carries a signed URL (PUT on the confirm path, valid until
        ``expires``) the subscriber uses to confirm.
        """
        config = self._config
        if not config.require_confirmation or not config.notifications:
            return
        if not config.secret_key:
            LOG.error("no signed-URL secret key: confirmation of %s not sent", sub.id)
            return
        path = f"{api_prefix}/queues/{sub.queue}/subscriptions/{sub.id}/confirm"
        signed = signing.sign(
            config.secret_key, [path], project=project, methods=["PUT"],
            expires=signing.format_naive(expires), now=self._clock.now(),
        )
        doc: dict[str, Any] = {}
        if config.public_endpoint:
            doc["WSGISubscribeURL"] = urljoin(config.public_endpoint, path)
        if unsubscribe:
            kind = "UnsubscribeConfirmation"
            text = (f"You have unsubscribed successfully to the queue: {sub.queue}, you can "
                    "resubscribe it by using confirmed=True.")
        else:
            kind = "SubscriptionConfirmation"
            text = f"You have chosen to subscribe to the queue: {sub.queue}"
        doc.update({
            "Message_Type": kind, "Message": text, "URL-Signature": signed["signature"],
            "URL-Methods": signed["methods"][0], "URL-Paths": signed["paths"][0],
            "X-Project-ID": signed["project"], "URL-Expires": signed["expires"],
            "SubscribeBody": {"confirmed": True}, "UnsubscribeBody": {"confirmed": False},
        })
        self._notifier.send(sub, doc)

    def confirmation_expiry(self, ttl: int) -> float:
        """When a confirmation URL for a subscription of ``ttl`` seconds stops working."""
        return self._clock.now() + ttl
