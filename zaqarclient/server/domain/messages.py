"""Messages: posting (size caps, TTL defaults, validation, notification), reads, deletes."""

from __future__ import annotations

from typing import Any, NamedTuple

from zaqarclient.server.config import Config
from zaqarclient.server.domain.errors import DoesNotExist, Refused, ValidationFailed
from zaqarclient.server.domain.subscriptions import Subscriptions
from zaqarclient.server.domain.target import Target
from zaqarclient.server.domain.validation import check_message, page_limit
from zaqarclient.server.storage.base import (
    ClaimMissing,
    MessageClaimed,
    MessageView,
    NewMessage,
    NotClaimed,
    Storage,
)


class PostDefaults(NamedTuple):
    """What a queue's metadata sets for new messages: the TTL, and the delay (0: none)."""

    ttl: int
    delay: int


class Messages:
    """Zaqar's message controller over ``storage``; posts notify ``subscriptions``."""

    def __init__(
        self, config: Config, storage: Storage, subscriptions: Subscriptions
    ) -> None:
        self._config = config
        self._storage = storage
        self._subscriptions = subscriptions

    # ------------------------------------------------------------------ posting

    def check_post_size(self, size: int, meta: dict[str, Any] | None) -> None:
        """A post of ``size`` bytes within the limits; ``meta`` None ignores the queue's own.

        A queue's ``_max_messages_post_size`` lowers the server's limit (v1.1 has
        no such key: its adapter passes None).
        """
        most = self._config.max_messages_post_size
        cap = meta.get("_max_messages_post_size") if meta else None
        if cap and isinstance(cap, int):
            least = min(cap, most)
            if size > least:
                raise ValidationFailed(
                    "Message collection size is too large. The max size for current queue is "
                    f"{least}. It is calculated by max size = min(max_messages_post_size_config: "
                    f"{most}, max_messages_post_size_queue: {cap})."
                )
        if size > most:
            raise ValidationFailed(f"Message collection size is too large. Max size {most}")

    def post_defaults(self, meta: dict[str, Any] | None) -> PostDefaults:
        """The TTL and delay a message without its own gets (``meta`` None: the server's)."""
        meta = meta or {}
        ttl = meta.get("_default_message_ttl") or self._config.default_message_ttl
        return PostDefaults(ttl, meta.get("_default_message_delay") or 0)

    def check_batch(self, batch: list[NewMessage]) -> None:
        """A batch with at least one message, each within the TTL and delay limits."""
        if not batch:
            raise ValidationFailed("No messages to enqueu.")
        for new in batch:
            check_message(new.ttl, new.delay, self._config)

    def post(
        self, target: Target, batch: list[NewMessage], client_key: str, with_delay: bool
    ) -> list[str]:
        """Check and store ``batch``, then notify the queue's subscribers; the new ids.

        ``with_delay`` puts each message's delay into the notifications (queues
        with a default delay, over HTTP v2). The queue must exist: the store
        raises Missing otherwise, and StorageError when it fails.
        """
        self.check_batch(batch)
        ids = self._storage.message_post(
            target.scope, target.name, batch, client_key, self._config.enable_checksum
        )
        self._subscriptions.messages_posted(target, batch, with_delay)
        return ids

    # ------------------------------------------------------------------ reading

    def page(
        self,
        target: Target,
        marker: int | None,
        limit: int,
        client_key: str | None,
        include_claimed: bool,
        include_delayed: bool,
    ) -> list[MessageView]:
        """A page of messages after ``marker``; ``client_key`` set hides the client's own."""
        return self._storage.message_list(
            target.scope, target.name, marker, limit, client_key, include_claimed,
            include_delayed,
        )

    def get(self, target: Target, message_id: str) -> MessageView:
        """One message; DoesNotExist when it is absent or expired."""
        view = self._storage.message_get(target.scope, target.name, message_id)
        if view is None:
            raise DoesNotExist(
                f"Message {message_id} does not exist in queue {target.name} "
                f"for project {target.project}"
            )
        return view

    def find(self, target: Target, message_id: str) -> MessageView | None:
        """One message, or None."""
        return self._storage.message_get(target.scope, target.name, message_id)

    def get_many(self, target: Target, ids: list[Any]) -> list[MessageView]:
        """The messages of ``ids`` that exist (ids that are not strings never match)."""
        page_limit(len(ids), self._config.max_messages_per_page)
        return self._storage.message_get_many(
            target.scope, target.name, [i for i in ids if isinstance(i, str)]
        )

    # ------------------------------------------------------------------ deleting

    def delete(self, target: Target, message_id: str, claim_id: str | None) -> None:
        """Delete one message; with ``claim_id`` only if that claim holds it.

        Refused carries Zaqar's storage text and, as ``summary``, the reason its
        transports give.
        """
        try:
            self._storage.message_delete(target.scope, target.name, message_id, claim_id)
        except NotClaimed:
            raise Refused(400, f"Message {message_id} is no longer claimed",
                          "A claim was specified, but the message is not currently "
                          "claimed.") from None
        except ClaimMissing:
            raise Refused(
                400, f"Claim {claim_id} does not exist in queue {target.name} for project "
                f"{target.project}", "The specified claim does not exist or has expired.",
            ) from None
        except MessageClaimed:
            text = f"Message {message_id} is claimed" if claim_id is None else (
                f"Message {message_id} is not claimed by {claim_id}")
            raise Refused(403, text, "This message is claimed; it cannot be deleted without "
                                     "a valid claim ID.") from None

    def check_bulk_delete(
        self, ids: list[Any] | None, claim_ids: list[Any] | None, pop: int | None
    ) -> None:
        """The rules of a bulk delete: ``ids`` (with ``claim_ids`` if configured) or ``pop``."""
        config = self._config
        if pop is not None and ids is not None:
            raise ValidationFailed(
                "pop and id params cannot be present together in the delete request."
            )
        if pop is None and ids is None:
            raise ValidationFailed(
                'The request should have either "ids" or "pop" parameter in the request, to '
                "be able to delete."
            )
        if config.message_delete_with_claim_id and (
            (ids and claim_ids is None) or (ids is None and claim_ids)
        ):
            raise ValidationFailed(
                'The request should have both "ids" and "claim_ids" parameter in the request '
                "when message_delete_with_claim_id is True."
            )
        top = config.max_messages_per_claim_or_pop
        if pop is not None and not 0 < pop <= top:
            raise ValidationFailed(
                f"Pop value must be at least 1 and may not be greater than {top}."
            )
        most = config.max_messages_per_page
        if ids is not None and not 0 < len(ids) <= most:
            raise ValidationFailed(
                f"ids parameter should have at least 1 and not greater than {most} values."
            )

    def delete_many(
        self, target: Target, ids: list[Any], claim_ids: list[Any] | None
    ) -> None:
        """Delete the messages of ``ids`` (checked with :meth:`check_bulk_delete` first).

        MongoDB drops ids that are not ObjectId strings (a number, null) unseen.
        A store failure raises StorageError.
        """
        self._storage.message_delete_many(
            target.scope, target.name, [i for i in ids if isinstance(i, str)],
            None if claim_ids is None else [c for c in claim_ids if isinstance(c, str)],
        )

    def pop(self, target: Target, count: int) -> list[MessageView]:
        """Claim and delete up to ``count`` messages at once."""
        return self._storage.message_pop(target.scope, target.name, count)

    @property
    def claim_ids_required(self) -> bool:
        """Whether bulk deletes must name the claims (``message_delete_with_claim_id``)."""
        return self._config.message_delete_with_claim_id
