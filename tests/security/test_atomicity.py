"""Every store operation whose journal commit fails leaves memory exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from zaqarclient.server.clock import TestClock
from zaqarclient.server.storage.base import Flavor, NewMessage, Pool, StorageUnavailable
from zaqarclient.server.storage.journal import JournalError, NullJournal
from zaqarclient.server.storage.memory import MemoryStorage

P, Q, DLQ = "proj", "q", "dead"


class FlakyJournal(NullJournal):
    """A journal whose commit fails while `failing` is set (a locked file, a full disk)."""

    failing = False

    def commit(self) -> None:
        if self.failing:
            raise JournalError("the durable store could not record the change (disk full)")


CLOCKS: dict[int, TestClock] = {}


def seeded() -> tuple[MemoryStorage, FlakyJournal, dict[str, str]]:
    journal = FlakyJournal()
    clock = TestClock()
    store = MemoryStorage(clock, journal)
    CLOCKS[id(store)] = clock
    store.queue_create(P, Q, {"_max_claim_count": 1, "_dead_letter_queue": DLQ, "k": [1]})
    store.queue_create(P, DLQ, {})
    ids = store.message_post(P, Q, [NewMessage(i, 3600, 0) for i in range(6)], "c", False)
    cid, _ = store.claim_create(P, Q, 60, 60, 2)
    assert cid is not None
    sub, _ = store.subscription_create(P, Q, "http://127.0.0.1:9/h", 3600, {"a": 1})
    store.pool_put(Pool("pool", "redis://x", 1, None, {}))
    store.flavor_put(Flavor(P, "fl", ["pool"], {}))
    return store, journal, {"m0": ids[0], "m3": ids[3], "m4": ids[4], "claim": cid,
                            "sub": sub.id}


def observable(store: MemoryStorage) -> Any:
    """Everything a client can read, as plain data."""
    queues = store.queue_list(P, None, 20, None, {})
    return (
        [(r.name, r.metadata) for r in queues],
        {q: [tuple(v) for v in store.message_list(P, q, None, 20, None, True, True)]
         for q in (Q, DLQ)},
        store.queue_stats(P, Q),
        [(s.id, s.subscriber, s.ttl, s.options, s.confirmed)
         for s in store.subscription_list(P, Q, None, 20)],
        [(p.name, p.uri) for p in store.pool_list(None, 20)],
        [(f.name, f.pool_list) for f in store.flavor_list(P, None, 20)],
        store.message_volume(),
    )


OPERATIONS: dict[str, Callable[[MemoryStorage, dict[str, str]], Any]] = {
    "queue_create": lambda s, i: s.queue_create(P, "new", {"x": 1}),
    "queue_set_metadata": lambda s, i: s.queue_set_metadata(P, Q, {"y": 2}),
    "queue_delete": lambda s, i: s.queue_delete(P, Q),
    "message_post": lambda s, i: s.message_post(P, Q, [NewMessage("n", 60, 0)] * 3, "c", False),
    "message_delete": lambda s, i: s.message_delete(P, Q, i["m3"], None),
    "message_delete_claimed": lambda s, i: s.message_delete(P, Q, i["m0"], i["claim"]),
    "message_delete_many": lambda s, i: s.message_delete_many(P, Q, [i["m3"], i["m4"]], None),
    "message_pop": lambda s, i: s.message_pop(P, Q, 3),
    "claim_create": lambda s, i: s.claim_create(P, Q, 120, 60, 3),
    "claim_renew": lambda s, i: s.claim_renew(P, Q, i["claim"], 300, 90),
    "claim_release": lambda s, i: s.claim_release(P, Q, i["claim"]),
    "subscription_create": lambda s, i: s.subscription_create(P, Q, "mailto:a@b.c", 60, {}),
    "subscription_update": lambda s, i: s.subscription_update(
        P, Q, i["sub"], {"ttl": 120, "options": {"b": 2}, "subscriber": "http://x/"}),
    "subscription_delete": lambda s, i: s.subscription_delete(P, Q, i["sub"]),
    "subscription_confirm": lambda s, i: s.subscription_confirm(P, i["sub"], True),
    "pool_put": lambda s, i: s.pool_put(Pool("pool2", "redis://y", 1, None, {})),
    "pool_delete": lambda s, i: s.pool_delete("pool"),
    "flavor_put": lambda s, i: s.flavor_put(Flavor(P, "fl", [], {"c": 1})),
    "flavor_delete": lambda s, i: s.flavor_delete(P, "fl"),
    "reset": lambda s, i: s.reset(),
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_a_failed_commit_changes_nothing(name: str) -> None:
    store, journal, ids = seeded()
    before = observable(store)
    journal.failing = True
    with pytest.raises(StorageUnavailable, match="could not record the change"):
        OPERATIONS[name](store, ids)
    journal.failing = False
    assert observable(store) == before
    OPERATIONS[name](store, ids)  # and the same operation works once the journal does
    assert observable(store) != before or name in ("message_delete_claimed",)


def test_a_failed_claim_that_moves_messages_to_the_dead_letter_queue_is_undone() -> None:
    store, journal, _ = seeded()
    CLOCKS[id(store)].advance(61)  # the first claim expired; its two messages were claimed once
    before = observable(store)
    journal.failing = True
    with pytest.raises(StorageUnavailable):
        store.claim_create(P, Q, 60, 60, 6)  # moves the two to the DLQ, claims four
    journal.failing = False
    assert observable(store) == before
    store.claim_create(P, Q, 60, 60, 6)
    assert [v.body for v in store.message_list(P, DLQ, None, 20, None, True, True)] == [0, 1]


def test_expired_messages_purged_by_a_failed_operation_are_purged_again() -> None:
    store, journal, _ = seeded()
    store.queue_create(P, "short", {})
    store.message_post(P, "short", [NewMessage("s", 60, 0)], "c", False)
    CLOCKS[id(store)].advance(3601)
    journal.failing = True
    with pytest.raises(StorageUnavailable):
        store.message_post(P, "short", [NewMessage("t", 60, 0)], "c", False)
    journal.failing = False
    assert store.message_list(P, "short", None, 20, None, True, True) == []
