"""The storage interface and its records.

Everything the HTTP (and later websocket) layers need goes through `Storage`.
Queue-level calls take a *scope* (the project id; topics use `topic_scope`)
and a queue name. Semantics follow Zaqar's MongoDB driver.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol


def topic_scope(project: str) -> str:
    """The storage scope of a project's topics (NUL cannot occur in a header value)."""
    return project + "\x00topic"


@dataclasses.dataclass(slots=True)
class Message:
    """A stored message (mutable; owned by the storage)."""

    id: str
    marker: int
    scope: str
    queue: str
    body: Any
    ttl: int
    created: float
    expires: float
    visible_at: float
    client_id: str
    claim_id: str | None = None
    claim_expires: float = 0.0
    claim_count: int = 0
    checksum: str | None = None


class MessageView(NamedTuple):
    """A read-only snapshot of a message taken under the storage lock."""

    id: str
    marker: int
    body: Any
    ttl: int
    age: int
    created: float
    claim_id: str | None
    claim_count: int
    checksum: str | None


class NewMessage(NamedTuple):
    body: Any
    ttl: int
    delay: int


@dataclasses.dataclass(slots=True)
class Claim:
    id: str
    scope: str
    queue: str
    ttl: int
    grace: int
    expires: float
    message_ids: set[str]


class ClaimView(NamedTuple):
    id: str
    ttl: int
    age: int
    messages: list[MessageView]


@dataclasses.dataclass(slots=True)
class Subscription:
    id: str
    scope: str
    queue: str
    subscriber: str
    ttl: int
    options: dict[str, Any]
    created: float
    expires: float
    confirmed: bool = False


@dataclasses.dataclass(slots=True)
class QueueRecord:
    scope: str
    name: str
    metadata: dict[str, Any]


@dataclasses.dataclass(slots=True)
class Pool:
    name: str
    uri: str
    weight: int
    flavor: str | None
    options: dict[str, Any]


@dataclasses.dataclass(slots=True)
class Flavor:
    scope: str
    name: str
    pool_list: list[str]
    capabilities: dict[str, Any]


class Stats(NamedTuple):
    claimed: int
    total: int
    oldest: MessageView | None
    newest: MessageView | None


class StorageError(Exception):
    """Base class of the errors a storage raises for handlers to map."""


class StorageUnavailable(Exception):
    """The store could not make a change durable; nothing of the operation was applied.

    Not a `StorageError`: handlers map those to answers of their own, while
    this one always becomes a 503 that says the change was not made.
    """


class NotClaimed(StorageError):
    """A claim id was given but the message is not currently claimed."""


class ClaimMissing(StorageError):
    """The claim id is malformed, unknown or expired."""


class MessageClaimed(StorageError):
    """The message is claimed by another, live claim."""


class Conflict(StorageError):
    """A uniqueness rule was violated."""


class Missing(StorageError):
    """The target does not exist."""


class Storage(Protocol):
    """What the API layers need from a store. Implementations must be thread-safe."""

    # queues
    def queue_create(self, scope: str, name: str, metadata: dict[str, Any]) -> bool: ...
    def queue_get(self, scope: str, name: str) -> dict[str, Any] | None: ...
    def queue_set_metadata(self, scope: str, name: str, metadata: dict[str, Any]) -> None: ...
    def queue_delete(self, scope: str, name: str) -> None: ...
    def queue_list(
        self, scope: str, marker: str | None, limit: int,
        name_filter: Callable[[str], bool] | None, filters: dict[str, Any],
    ) -> list[QueueRecord]: ...
    def queue_count(self, scope: str) -> int: ...
    def queue_keys(self) -> list[tuple[str, str]]: ...
    def queue_stats(self, scope: str, name: str) -> Stats: ...

    # messages
    def message_post(
        self, scope: str, name: str, messages: list[NewMessage], client_id: str,
        checksum: bool,
    ) -> list[str]: ...
    def message_list(
        self, scope: str, name: str, marker: int | None, limit: int, client_id: str | None,
        include_claimed: bool, include_delayed: bool,
    ) -> list[MessageView]: ...
    def message_get(self, scope: str, name: str, message_id: str) -> MessageView | None: ...
    def message_get_many(self, scope: str, name: str, ids: list[str]) -> list[MessageView]: ...
    def message_delete(
        self, scope: str, name: str, message_id: str, claim_id: str | None
    ) -> None: ...
    def message_delete_many(
        self, scope: str, name: str, ids: list[str], claim_ids: list[str] | None
    ) -> None: ...
    def message_pop(self, scope: str, name: str, limit: int) -> list[MessageView]: ...

    # claims
    def claim_create(
        self, scope: str, name: str, ttl: int, grace: int, limit: int,
    ) -> tuple[str | None, list[MessageView]]: ...
    def claim_get(self, scope: str, name: str, claim_id: str) -> ClaimView | None: ...
    def claim_renew(self, scope: str, name: str, claim_id: str, ttl: int, grace: int) -> bool: ...
    def claim_release(self, scope: str, name: str, claim_id: str) -> None: ...

    # subscriptions
    def subscription_create(
        self, scope: str, name: str, subscriber: str, ttl: int, options: dict[str, Any],
    ) -> tuple[Subscription, bool]: ...
    def subscription_get(self, scope: str, name: str | None, sid: str) -> Subscription | None: ...
    def subscription_list(
        self, scope: str, name: str, marker: str | None, limit: int
    ) -> list[Subscription]: ...
    def subscription_update(
        self, scope: str, name: str, sid: str, fields: dict[str, Any]
    ) -> None: ...
    def subscription_delete(self, scope: str, name: str, sid: str) -> None: ...
    def subscription_confirm(self, scope: str, sid: str, confirmed: bool) -> Subscription: ...
    def subscriptions_for(self, scope: str, name: str) -> list[Subscription]: ...

    # pools and flavors (admin catalogue)
    def pool_put(self, pool: Pool) -> None: ...
    def pool_get(self, name: str) -> Pool | None: ...
    def pool_list(self, marker: str | None, limit: int) -> list[Pool]: ...
    def pool_delete(self, name: str) -> None: ...
    def flavor_put(self, flavor: Flavor) -> None: ...
    def flavor_get(self, scope: str, name: str) -> Flavor | None: ...
    def flavor_list(self, scope: str, marker: str | None, limit: int) -> list[Flavor]: ...
    def flavor_delete(self, scope: str, name: str) -> None: ...

    # lifecycle
    def message_volume(self) -> tuple[int, int]: ...
    def ping(self) -> bool: ...
    def reset(self) -> None: ...
    def close(self) -> None: ...
