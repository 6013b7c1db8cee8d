"""An undo log: every store operation changes memory and journal together or not at all.

The memory store changes its structures as an operation computes its result,
and the journal (SQLite) writes the same change in one transaction that
commits when the operation ends. If the journal fails (the database file is
locked by another process, the disk is full), the transaction is rolled back
and this log puts memory back as it was, so what clients read is always what
a restart would load. Each change records its inverse just before it is made;
:meth:`UndoLog.revert` replays them newest first.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, MutableMapping, MutableSet
from typing import Any, Protocol

Step = Callable[[], None]


class Ordered(Protocol):
    """A bucket: messages in marker order, an expiry heap and a marker counter."""

    counter: int
    messages: dict[str, Any]
    heap: list[tuple[float, str]]


def _reorder(bucket: Ordered, counter: int) -> None:
    bucket.counter = counter
    items = sorted(bucket.messages.items(), key=lambda item: item[1].marker)
    bucket.messages = dict(items)
    bucket.heap = [(msg.expires, mid) for mid, msg in items]
    heapq.heapify(bucket.heap)


class UndoLog:
    """The inverse steps of the current operation; `active` only inside one."""

    __slots__ = ("_buckets", "_steps", "active")

    def __init__(self) -> None:
        self._steps: list[Step] = []
        self._buckets: set[int] = set()
        self.active = False

    def put(self, mapping: MutableMapping[Any, Any], key: Hashable) -> None:
        """``mapping[key]`` is about to be set or deleted."""
        if not self.active:
            return
        if key in mapping:
            old = mapping[key]
            self._steps.append(lambda: mapping.__setitem__(key, old))
        else:
            self._steps.append(lambda: mapping.pop(key, None))

    def fields(self, obj: object, names: tuple[str, ...]) -> None:
        """Attributes ``names`` of ``obj`` are about to change."""
        if not self.active:
            return
        old = [getattr(obj, name) for name in names]

        def restore() -> None:
            for name, value in zip(names, old, strict=True):
                setattr(obj, name, value)

        self._steps.append(restore)

    def added(self, items: MutableSet[Any], item: Hashable) -> None:
        """``item`` is about to be added to ``items``."""
        if self.active and item not in items:
            self._steps.append(lambda: items.discard(item))

    def discarded(self, items: MutableSet[Any], item: Hashable) -> None:
        """``item`` is about to be removed from ``items``."""
        if self.active and item in items:
            self._steps.append(lambda: items.add(item))

    def bucket(self, bucket: Ordered) -> None:
        """The bucket's messages or counter are about to change.

        On revert this restores the counter, the marker order and the heap;
        recorded before the bucket's first such change, it runs after every
        other step for it. (Changed message fields need no reordering: a heap
        entry left by a reverted claim only wakes the purge early, which then
        checks the message's own expiry.)
        """
        if not self.active or id(bucket) in self._buckets:
            return
        self._buckets.add(id(bucket))
        counter = bucket.counter
        self._steps.append(lambda: _reorder(bucket, counter))

    def step(self, undo: Step) -> None:
        """Any other inverse step."""
        if self.active:
            self._steps.append(undo)

    def revert(self) -> None:
        """Undo every recorded change, newest first."""
        steps, self._steps = self._steps, []
        for undo in reversed(steps):
            undo()
        self._buckets.clear()

    def forget(self) -> None:
        """The operation succeeded: drop its steps."""
        self._steps.clear()
        self._buckets.clear()
