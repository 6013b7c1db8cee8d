"""The SQLite journal: every change of the memory store is written in one transaction.

`open_storage("sqlite:PATH")` pairs this journal with the memory store: the
memory structures serve reads, and each store operation commits its rows
here before the HTTP answer is sent, so every acknowledged write survives a
restart. Real tables; one transaction per store operation.

The server holds the only writer connection, so the write lock is contended
only when another process opens the file. SQLite's busy handler then waits
on the event loop, so the wait is kept short (:data:`BUSY_TIMEOUT`); past it
the operation fails with :class:`JournalError`, the memory store undoes its
change and the client gets a 503 saying nothing was written.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from zaqarclient.server.storage.base import (
    Claim,
    Flavor,
    Message,
    Pool,
    QueueRecord,
    Subscription,
)
from zaqarclient.server.storage.journal import JournalError, Snapshot

LOG = logging.getLogger("zaqarclient.server.storage")

#: Seconds to wait for another process's lock on the database file before failing.
BUSY_TIMEOUT = 0.02

SCHEMA = """
CREATE TABLE IF NOT EXISTS queues (
    scope TEXT NOT NULL, name TEXT NOT NULL, metadata TEXT NOT NULL,
    PRIMARY KEY (scope, name));
CREATE TABLE IF NOT EXISTS counters (
    scope TEXT NOT NULL, name TEXT NOT NULL, counter INTEGER NOT NULL,
    PRIMARY KEY (scope, name));
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY, marker INTEGER NOT NULL, scope TEXT NOT NULL, queue TEXT NOT NULL,
    body TEXT NOT NULL, ttl INTEGER NOT NULL, created REAL NOT NULL, expires REAL NOT NULL,
    visible_at REAL NOT NULL, client_id TEXT NOT NULL, claim_id TEXT,
    claim_expires REAL NOT NULL, claim_count INTEGER NOT NULL, checksum TEXT);
CREATE INDEX IF NOT EXISTS messages_queue ON messages (scope, queue, marker);
CREATE TABLE IF NOT EXISTS claims (
    id TEXT PRIMARY KEY, scope TEXT NOT NULL, queue TEXT NOT NULL, ttl INTEGER NOT NULL,
    grace INTEGER NOT NULL, expires REAL NOT NULL, message_ids TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY, scope TEXT NOT NULL, queue TEXT NOT NULL, subscriber TEXT NOT NULL,
    ttl INTEGER NOT NULL, options TEXT NOT NULL, created REAL NOT NULL, expires REAL NOT NULL,
    confirmed INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pools (
    name TEXT PRIMARY KEY, uri TEXT NOT NULL, weight INTEGER NOT NULL, flavor TEXT,
    options TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flavors (
    scope TEXT NOT NULL, name TEXT NOT NULL, pool_list TEXT NOT NULL,
    capabilities TEXT NOT NULL, PRIMARY KEY (scope, name));
"""

_dumps = json.JSONEncoder(separators=(",", ":")).encode


class SqliteJournal:
    """Writes store changes to SQLite (WAL, synchronous=FULL); commits per operation."""

    def __init__(self, path: str, busy_timeout: float = BUSY_TIMEOUT) -> None:
        # Opening waits longer: start-up may race a process that is just closing the file.
        self._db = sqlite3.connect(path, timeout=5.0, check_same_thread=False,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        self.path = path

    def _failed(self, exc: sqlite3.Error) -> JournalError:
        LOG.warning("SQLite store %s: %s", self.path, exc)
        return JournalError(f"the durable store could not record the change ({exc})")

    def _exec(self, sql: str, params: Any = ()) -> None:
        self._write(self._db.execute, sql, params)

    def _many(self, sql: str, rows: Iterable[Any]) -> None:
        self._write(self._db.executemany, sql, rows)

    def _write(self, run: Callable[[str, Any], object], sql: str, params: Any) -> None:
        """Run one statement inside the operation's transaction (begun on first use)."""
        try:
            if not self._db.in_transaction:
                self._db.execute("BEGIN IMMEDIATE")
            run(sql, params)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def queue_saved(self, queue: QueueRecord) -> None:
        self._exec("INSERT OR REPLACE INTO queues VALUES (?, ?, ?)",
                   (queue.scope, queue.name, _dumps(queue.metadata)))

    def queue_deleted(self, scope: str, name: str) -> None:
        self._exec("DELETE FROM queues WHERE scope = ? AND name = ?", (scope, name))
        self._exec("DELETE FROM counters WHERE scope = ? AND name = ?", (scope, name))
        self._exec("DELETE FROM messages WHERE scope = ? AND queue = ?", (scope, name))
        self._exec("DELETE FROM claims WHERE scope = ? AND queue = ?", (scope, name))

    def counter_saved(self, scope: str, name: str, counter: int) -> None:
        self._exec("INSERT OR REPLACE INTO counters VALUES (?, ?, ?)", (scope, name, counter))

    def messages_saved(self, messages: Iterable[Message]) -> None:
        self._many(
            "INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(m.id, m.marker, m.scope, m.queue, _dumps(m.body), m.ttl, m.created, m.expires,
              m.visible_at, m.client_id, m.claim_id, m.claim_expires, m.claim_count,
              m.checksum) for m in messages],
        )

    def messages_deleted(self, ids: Iterable[str]) -> None:
        self._many("DELETE FROM messages WHERE id = ?", [(i,) for i in ids])

    def claim_saved(self, claim: Claim) -> None:
        self._exec("INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (claim.id, claim.scope, claim.queue, claim.ttl, claim.grace, claim.expires,
                    _dumps(sorted(claim.message_ids))))

    def claim_deleted(self, claim_id: str) -> None:
        self._exec("DELETE FROM claims WHERE id = ?", (claim_id,))

    def subscription_saved(self, sub: Subscription) -> None:
        self._exec("INSERT OR REPLACE INTO subscriptions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (sub.id, sub.scope, sub.queue, sub.subscriber, sub.ttl, _dumps(sub.options),
                    sub.created, sub.expires, int(sub.confirmed)))

    def subscription_deleted(self, sid: str) -> None:
        self._exec("DELETE FROM subscriptions WHERE id = ?", (sid,))

    def pool_saved(self, pool: Pool) -> None:
        self._exec("INSERT OR REPLACE INTO pools VALUES (?, ?, ?, ?, ?)",
                   (pool.name, pool.uri, pool.weight, pool.flavor, _dumps(pool.options)))

    def pool_deleted(self, name: str) -> None:
        self._exec("DELETE FROM pools WHERE name = ?", (name,))

    def flavor_saved(self, flavor: Flavor) -> None:
        self._exec("INSERT OR REPLACE INTO flavors VALUES (?, ?, ?, ?)",
                   (flavor.scope, flavor.name, _dumps(flavor.pool_list),
                    _dumps(flavor.capabilities)))

    def flavor_deleted(self, scope: str, name: str) -> None:
        self._exec("DELETE FROM flavors WHERE scope = ? AND name = ?", (scope, name))

    def clear(self) -> None:
        for table in ("queues", "counters", "messages", "claims", "subscriptions", "pools",
                      "flavors"):
            self._exec(f"DELETE FROM {table}")

    def commit(self) -> None:
        if self._db.in_transaction:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._failed(exc) from exc

    def rollback(self) -> None:
        if self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error as exc:
                raise self._failed(exc) from exc

    def load(self) -> Snapshot:
        db = self._db
        queues = [QueueRecord(s, n, json.loads(m)) for s, n, m in
                  db.execute("SELECT scope, name, metadata FROM queues")]
        counters = {(s, n): c for s, n, c in db.execute("SELECT * FROM counters")}
        messages = [
            Message(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7], r[8], r[9],
                    r[10], r[11], r[12], r[13])
            for r in db.execute("SELECT * FROM messages ORDER BY scope, queue, marker")
        ]
        claims = [Claim(r[0], r[1], r[2], r[3], r[4], r[5], set(json.loads(r[6])))
                  for r in db.execute("SELECT * FROM claims")]
        subs = [Subscription(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7],
                             bool(r[8])) for r in db.execute("SELECT * FROM subscriptions")]
        pools = [Pool(r[0], r[1], r[2], r[3], json.loads(r[4]))
                 for r in db.execute("SELECT * FROM pools")]
        flavors = [Flavor(r[0], r[1], json.loads(r[2]), json.loads(r[3]))
                   for r in db.execute("SELECT * FROM flavors")]
        return Snapshot(queues, counters, messages, claims, subs, pools, flavors)

    def close(self) -> None:
        try:
            self.rollback()
        finally:
            self._db.close()
