"""The write-behind interface a durable store plugs into the memory store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Protocol

from zaqarclient.server.storage.base import (
    Claim,
    Flavor,
    Message,
    Pool,
    QueueRecord,
    Subscription,
)


class JournalError(Exception):
    """The journal could not record a change (the transaction is rolled back)."""


class Snapshot(NamedTuple):
    """Everything a journal holds, for loading a store at start-up."""

    queues: list[QueueRecord]
    counters: dict[tuple[str, str], int]
    messages: list[Message]
    claims: list[Claim]
    subscriptions: list[Subscription]
    pools: list[Pool]
    flavors: list[Flavor]


class Journal(Protocol):
    """Records every change of the memory store; `commit` ends one store operation."""

    def queue_saved(self, queue: QueueRecord) -> None: ...
    def queue_deleted(self, scope: str, name: str) -> None: ...
    def counter_saved(self, scope: str, name: str, counter: int) -> None: ...
    def messages_saved(self, messages: Iterable[Message]) -> None: ...
    def messages_deleted(self, ids: Iterable[str]) -> None: ...
    def claim_saved(self, claim: Claim) -> None: ...
    def claim_deleted(self, claim_id: str) -> None: ...
    def subscription_saved(self, sub: Subscription) -> None: ...
    def subscription_deleted(self, sid: str) -> None: ...
    def pool_saved(self, pool: Pool) -> None: ...
    def pool_deleted(self, name: str) -> None: ...
    def flavor_saved(self, flavor: Flavor) -> None: ...
    def flavor_deleted(self, scope: str, name: str) -> None: ...
    def clear(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def load(self) -> Snapshot: ...
    def close(self) -> None: ...


class NullJournal:
    """The journal of the purely in-memory store: remembers nothing."""

    def queue_saved(self, queue: QueueRecord) -> None:
        pass

    def queue_deleted(self, scope: str, name: str) -> None:
        pass

    def counter_saved(self, scope: str, name: str, counter: int) -> None:
        pass

    def messages_saved(self, messages: Iterable[Message]) -> None:
        pass

    def messages_deleted(self, ids: Iterable[str]) -> None:
        pass

    def claim_saved(self, claim: Claim) -> None:
        pass

    def claim_deleted(self, claim_id: str) -> None:
        pass

    def subscription_saved(self, sub: Subscription) -> None:
        pass

    def subscription_deleted(self, sid: str) -> None:
        pass

    def pool_saved(self, pool: Pool) -> None:
        pass

    def pool_deleted(self, name: str) -> None:
        pass

    def flavor_saved(self, flavor: Flavor) -> None:
        pass

    def flavor_deleted(self, scope: str, name: str) -> None:
        pass

    def clear(self) -> None:
        pass

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def load(self) -> Snapshot:
        return Snapshot([], {}, [], [], [], [], [])

    def close(self) -> None:
        pass
