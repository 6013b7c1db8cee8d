"""Storage: the `Storage` interface, the memory store and the SQLite store."""

from __future__ import annotations

from zaqarclient.server.clock import Clock
from zaqarclient.server.storage.base import Storage
from zaqarclient.server.storage.memory import MemoryStorage

__all__ = ["MemoryStorage", "Storage", "open_storage"]


def open_storage(spec: str, clock: Clock) -> MemoryStorage:
    """Open a store from a `--store` value: `memory` or `sqlite:PATH`."""
    if spec == "memory":
        return MemoryStorage(clock)
    if spec.startswith("sqlite:"):
        # sqlite3 loads only for a durable store (start-up time of the memory one).
        from zaqarclient.server.storage.sqlite import SqliteJournal

        return MemoryStorage(clock, SqliteJournal(spec[len("sqlite:"):]))
    raise ValueError(f"unknown store {spec!r}: use 'memory' or 'sqlite:PATH'")
