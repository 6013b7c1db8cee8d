"""Queues (and topics): lazy and explicit creation, metadata, listing, stats, purge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from zaqarclient.server.config import Config
from zaqarclient.server.domain.errors import DoesNotExist, ValidationFailed
from zaqarclient.server.domain.patch import Change, apply_changes
from zaqarclient.server.domain.placement import Placement
from zaqarclient.server.domain.target import Target
from zaqarclient.server.domain.validation import check_queue_identification, check_queue_metadata
from zaqarclient.server.name_filter import compile_name_filter
from zaqarclient.server.storage.base import QueueRecord, Stats, Storage, StorageError, topic_scope

#: Resource kinds a purge may name.
PURGEABLE = frozenset(("messages", "subscriptions"))
# Zaqar's purge deletes only the first page of subscriptions.
_PURGED_SUBSCRIPTIONS = 10
_POP_BATCH = 100


def reserved_defaults(config: Config) -> dict[str, Any]:
    """The reserved metadata keys with the values a queue has until it sets them."""
    return {
        "_max_messages_post_size": config.max_messages_post_size,
        "_default_message_ttl": config.default_message_ttl,
        "_default_message_delay": config.default_message_delay,
        "_dead_letter_queue": None,
        "_dead_letter_queue_messages_ttl": None,
        "_max_claim_count": None,
        "_enable_encrypt_messages": False,
    }


# A topic reports only the first three reserved keys (Zaqar's topic controller).
_TOPIC_RESERVED = 3


class QueuePage(NamedTuple):
    """One page of a listing, and the number of queues when it was asked for (else 0)."""

    records: list[QueueRecord]
    total: int


class FlavorDoesNotExist(DoesNotExist):
    """A queue asks for a flavor the project has not got (pooling)."""


class Queues:
    """Zaqar's queue controller over ``storage``, with pooling's placement rules."""

    def __init__(self, config: Config, storage: Storage, placement: Placement) -> None:
        self._config = config
        self._storage = storage
        self._placement = placement

    def metadata(self, target: Target) -> dict[str, Any] | None:
        """The stored metadata (a copy), or None when the queue does not exist."""
        return self._storage.queue_get(target.scope, target.name)

    def merged_metadata(self, meta: dict[str, Any] | None, topic: bool) -> dict[str, Any]:
        """``meta`` plus the reserved defaults for keys that are missing or falsy."""
        out = dict(meta or {})
        for index, (key, value) in enumerate(reserved_defaults(self._config).items()):
            if topic and index >= _TOPIC_RESERVED:
                break
            if not out.get(key):
                out[key] = value
        return out

    def ensure(self, target: Target, check_name: bool = False) -> dict[str, Any]:
        """Lazy creation: the queue's metadata, creating the queue (empty) when it is missing.

        ``check_name`` validates the name first, for transports that have not
        (the websocket API validates it only here). Raises NoPoolFound when
        pooling has no pool for a new queue; a store failure propagates.
        """
        meta = self._storage.queue_get(target.scope, target.name)
        if meta is None:
            if check_name:
                check_queue_identification(target.name, target.project, self._config)
            self._placement.check(None)
            self._storage.queue_create(target.scope, target.name, {})
            meta = {}
        return meta

    def create(self, target: Target, metadata: dict[str, Any], any_flavor: bool = True) -> bool:
        """Create the queue, or set the metadata of an existing one; True when created.

        Pooling registers the queue in the catalogue first: a ``_flavor`` the
        project has not got is FlavorDoesNotExist, no pool for it NoPoolFound.
        ``any_flavor`` checks the flavor of every PUT (HTTP v2); False checks
        only a new queue's, where the catalogue registers it (the websocket API).
        """
        check_queue_metadata(metadata, self._config)
        if self._config.pooling:
            raw = metadata.get("_flavor") if isinstance(metadata, dict) else None
            flavor = None if raw is None else str(raw)
            new = self._storage.queue_get(target.scope, target.name) is None
            if (
                flavor is not None and (any_flavor or new)
                and self._storage.flavor_get(target.project, flavor) is None
            ):
                raise FlavorDoesNotExist(f"Flavor {flavor} does not exist")
            if new:
                self._placement.check(flavor)
        return self._storage.queue_create(target.scope, target.name, metadata)

    def check_metadata_size(self, size: int | None) -> None:
        """A metadata document of ``size`` bytes (None: no body) within the limit."""
        most = self._config.max_queue_metadata
        if size is not None and size > most:
            raise ValidationFailed(f"Queue metadata is too large. Max size: {most}")

    def patch(self, target: Target, changes: list[Change]) -> dict[str, Any]:
        """Apply a parsed JSON patch to the queue's metadata; the new metadata, merged."""
        meta = self._storage.queue_get(target.scope, target.name)
        if meta is None:
            raise self.missing(target)
        apply_changes(meta, changes, reserved_defaults(self._config))
        check_queue_metadata(meta, self._config)
        try:
            self._storage.queue_set_metadata(target.scope, target.name, meta)
        except StorageError:
            raise self.missing(target) from None
        return self.merged_metadata(meta, target.topic)

    @staticmethod
    def missing(target: Target) -> DoesNotExist:
        """Zaqar's storage text for a queue (or topic) that does not exist."""
        return DoesNotExist(f"{target.kind} {target.name} does not exist for project "
                            f"{target.project}")

    def delete(self, target: Target) -> None:
        """Delete the queue with its messages, claims and subscriptions (absent: no-op)."""
        self._storage.queue_delete(target.scope, target.name)

    def page(
        self,
        project: str,
        topics: bool,
        marker: str | None,
        limit: int,
        name: str | None = None,
        filters: dict[str, Any] | None = None,
        with_count: bool = False,
    ) -> QueuePage:
        """One page of the project's queues (or topics), by name.

        ``name`` is a regex searched in each name (RE2; an invalid pattern is
        ValidationFailed); ``filters`` match metadata values exactly. A store
        failure raises StorageError.
        """
        name_filter: Callable[[str], bool] | None = compile_name_filter(name) if name else None
        scope = topic_scope(project) if topics else project
        records = self._storage.queue_list(scope, marker, limit, name_filter, filters or {})
        count = self._storage.queue_count(scope) if with_count else 0
        return QueuePage(records, count)

    def stats(self, target: Target) -> Stats:
        """Message counts, and the oldest and newest message of the queue."""
        return self._storage.queue_stats(target.scope, target.name)

    def purge(self, target: Target, kinds: list[str]) -> None:
        """Delete the queue's messages and/or (the first page of) its subscriptions."""
        store = self._storage
        if "messages" in kinds:
            while store.message_pop(target.scope, target.name, _POP_BATCH):
                pass
        if "subscriptions" in kinds:
            subs = store.subscription_list(target.scope, target.name, None,
                                           _PURGED_SUBSCRIPTIONS)
            for sub in subs:
                store.subscription_delete(target.scope, target.name, sub.id)
