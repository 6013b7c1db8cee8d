"""The in-memory store (default); `SqliteStorage` adds a durable journal to it."""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
from typing import Any

from zaqarclient.server.clock import Clock
from zaqarclient.server.documents import copy_document
from zaqarclient.server.ids import normalize_oid
from zaqarclient.server.name_filter import NameFilter
from zaqarclient.server.storage.base import (
    Conflict,
    Flavor,
    Missing,
    Pool,
    QueueRecord,
    Stats,
    Subscription,
)
from zaqarclient.server.storage.journal import Journal, NullJournal
from zaqarclient.server.storage.memory_messages import MessageOps
from zaqarclient.server.storage.state import Bucket

_SUB_FIELDS = ("subscriber", "ttl", "expires", "options")


def _copy_sub(sub: Subscription) -> Subscription:
    return dataclasses.replace(sub, options=copy_document(sub.options))


def _copy_pool(pool: Pool) -> Pool:
    return dataclasses.replace(pool, options=copy_document(pool.options))


def _copy_flavor(flavor: Flavor) -> Flavor:
    return dataclasses.replace(
        flavor, pool_list=list(flavor.pool_list), capabilities=copy_document(flavor.capabilities)
    )


class MemoryStorage(MessageOps):
    """A thread-safe store of queues, messages, claims, subscriptions, pools and flavors."""

    def __init__(self, clock: Clock, journal: Journal | None = None) -> None:
        super().__init__(clock, journal or NullJournal())
        self._subs: dict[str, Subscription] = {}
        self._pools: dict[str, Pool] = {}
        self._flavors: dict[tuple[str, str], Flavor] = {}
        # Each project's queue names, UTF-8 encoded and sorted, built on the first listing:
        # a listing then costs one bisect and its page, not a sort of every project's
        # queues under the store lock. A cache: dropped on rollback and reset.
        self._names: dict[str, list[bytes]] = {}
        self._load()

    def _load(self) -> None:
        snap = self._journal.load()
        for queue in snap.queues:
            self._queues[(queue.scope, queue.name)] = queue
        for key, counter in snap.counters.items():
            self._buckets[key] = Bucket(counter)
        for msg in sorted(snap.messages, key=lambda m: m.marker):
            bucket = self._buckets.setdefault((msg.scope, msg.queue), Bucket())
            bucket.counter = max(bucket.counter, msg.marker)
            self._add(bucket, msg)
        held = {m.claim_id for b in self._buckets.values() for m in b.messages.values()}
        for claim in snap.claims:
            if claim.id not in held:
                # Its messages are gone (journals written before claims were dropped with
                # their last message kept such rows).
                self._journal.claim_deleted(claim.id)
                continue
            self._claims[claim.id] = claim
            for key in {(claim.scope, claim.queue)} | {
                (m.scope, m.queue) for b in self._buckets.values()
                for m in b.messages.values() if m.claim_id == claim.id
            }:
                self._buckets.setdefault(key, Bucket()).claims.add(claim.id)
        for sub in sorted(snap.subscriptions, key=lambda s: s.id):
            self._subs[sub.id] = sub
        self._pools = {p.name: p for p in snap.pools}
        self._flavors = {(f.scope, f.name): f for f in snap.flavors}
        self._journal.commit()

    # ------------------------------------------------------------------ queues

    def queue_create(self, scope: str, name: str, metadata: dict[str, Any]) -> bool:
        with self._tx():
            key = (scope, name)
            if key in self._queues:
                return False
            self._undo.put(self._queues, key)
            record = self._queues[key] = QueueRecord(scope, name, copy_document(metadata))
            if (names := self._names.get(scope)) is not None:
                bisect.insort(names, name.encode())
            self._journal.queue_saved(record)
            return True

    def queue_get(self, scope: str, name: str) -> dict[str, Any] | None:
        with self._lock:
            record = self._queues.get((scope, name))
            return None if record is None else copy_document(record.metadata)

    def queue_set_metadata(self, scope: str, name: str, metadata: dict[str, Any]) -> None:
        with self._tx():
            record = self._queues.get((scope, name))
            if record is None:
                raise Missing(f"Queue {name} does not exist for project {scope}")
            self._undo.fields(record, ("metadata",))
            record.metadata = copy_document(metadata)
            self._journal.queue_saved(record)

    def queue_delete(self, scope: str, name: str) -> None:
        with self._tx():
            key = (scope, name)
            if key not in self._queues:
                return
            self._undo.put(self._queues, key)
            del self._queues[key]
            if (names := self._names.get(scope)) is not None:
                names.pop(bisect.bisect_left(names, name.encode()))
            self._undo.put(self._buckets, key)
            bucket = self._buckets.pop(key, None)
            if bucket is not None:
                for cid in bucket.claims:
                    if (claim := self._claims.get(cid)) and (claim.scope, claim.queue) == key:
                        self._undo.put(self._claims, cid)
                        del self._claims[cid]
            self._journal.queue_deleted(scope, name)

    def queue_list(
        self, scope: str, marker: str | None, limit: int, name_filter: NameFilter | None,
        filters: dict[str, Any],
    ) -> list[QueueRecord]:
        with self._lock:
            names = self._sorted_names(scope)
            start = 0 if marker is None else bisect.bisect_right(names, marker.encode())
            out: list[QueueRecord] = []
            for encoded in itertools.islice(names, start, None):
                name = encoded.decode()
                if name_filter is not None and not name_filter(name):
                    continue
                record = self._queues[(scope, name)]
                meta = record.metadata
                if any(k not in meta or meta[k] != v for k, v in filters.items()):
                    continue
                out.append(QueueRecord(scope, name, copy_document(meta)))
                if len(out) >= limit:
                    break
            return out

    def queue_count(self, scope: str) -> int:
        with self._lock:
            return len(self._sorted_names(scope))

    def _sorted_names(self, scope: str) -> list[bytes]:
        names = self._names.get(scope)
        if names is None:
            names = self._names[scope] = sorted(k[1].encode() for k in self._queues
                                                if k[0] == scope)
        return names

    def queue_keys(self) -> list[tuple[str, str]]:
        """Every queue and topic of every scope, as sorted ``(scope, name)`` pairs."""
        with self._lock:
            return sorted(self._queues)

    def queue_stats(self, scope: str, name: str) -> Stats:
        with self._tx() as now:
            key = (scope, name)
            bucket = self._bucket(key, now)
            if key not in self._queues or bucket is None or not bucket.messages:
                return Stats(0, 0, None, None)
            claimed = self._claimed_count(bucket, now)
            oldest = newest = None
            for msg in bucket.messages.values():
                if msg.visible_at <= now:
                    oldest = self._view(msg, now)
                    break
            for mid in reversed(bucket.messages):
                msg = bucket.messages[mid]
                if msg.visible_at <= now:
                    newest = self._view(msg, now)
                    break
            return Stats(claimed, len(bucket.messages), oldest, newest)

    # ----------------------------------------------------------- subscriptions

    def _live_sub(self, sid: str, now: float) -> Subscription | None:
        key = normalize_oid(sid)
        sub = self._subs.get(key) if key else None
        if sub is not None and sub.expires <= now:
            self._undo.put(self._subs, sub.id)
            del self._subs[sub.id]
            self._journal.subscription_deleted(sub.id)
            return None
        return sub

    def subscription_create(
        self, scope: str, name: str, subscriber: str, ttl: int, options: dict[str, Any]
    ) -> tuple[Subscription, bool]:
        with self._tx() as now:
            for sub in list(self._subs.values()):
                if (sub.scope, sub.queue, sub.subscriber) == (
                    scope, name, subscriber
                ) and self._live_sub(sub.id, now) is not None:
                    return _copy_sub(sub), False
            sub = Subscription(
                self._ids.new(now), scope, name, subscriber, ttl, copy_document(options),
                now, now + ttl,
            )
            self._undo.put(self._subs, sub.id)
            self._subs[sub.id] = sub
            self._journal.subscription_saved(sub)
            return _copy_sub(sub), True

    def subscription_get(self, scope: str, name: str | None, sid: str) -> Subscription | None:
        with self._tx() as now:
            sub = self._live_sub(sid, now)
            if sub is None or sub.scope != scope or (name is not None and sub.queue != name):
                return None
            return _copy_sub(sub)

    def subscriptions_for(self, scope: str, name: str) -> list[Subscription]:
        """Every live subscription of a queue (for notifications)."""
        with self._tx() as now:
            return [
                _copy_sub(s) for s in list(self._subs.values())
                if s.scope == scope and s.queue == name and self._live_sub(s.id, now)
            ]

    def subscription_list(
        self, scope: str, name: str, marker: str | None, limit: int
    ) -> list[Subscription]:
        with self._tx() as now:
            out: list[Subscription] = []
            for sub in list(self._subs.values()):
                if sub.scope != scope or sub.queue != name:
                    continue
                if marker is not None and sub.id <= marker:
                    continue
                if self._live_sub(sub.id, now) is None:
                    continue
                out.append(_copy_sub(sub))
                if len(out) >= limit:
                    break
            return out

    def subscription_update(
        self, scope: str, name: str, sid: str, fields: dict[str, Any]
    ) -> None:
        with self._tx() as now:
            sub = self._live_sub(sid, now)
            if sub is None or sub.scope != scope or sub.queue != name:
                raise Missing(f"Subscription {sid} does not exist")
            self._undo.fields(sub, _SUB_FIELDS)
            subscriber = fields.get("subscriber")
            if subscriber is not None and subscriber != sub.subscriber:
                for other in self._subs.values():
                    if (other.scope, other.queue, other.subscriber) == (scope, name, subscriber):
                        raise Conflict(subscriber)
                sub.subscriber = subscriber
            if "ttl" in fields:
                sub.ttl = fields["ttl"]
                sub.expires = now + sub.ttl
            if "options" in fields:
                sub.options = copy_document(fields["options"])
            self._journal.subscription_saved(sub)

    def subscription_delete(self, scope: str, name: str, sid: str) -> None:
        with self._tx():
            key = normalize_oid(sid)
            sub = self._subs.get(key) if key else None
            if sub is not None and sub.scope == scope and sub.queue == name:
                self._undo.put(self._subs, sub.id)
                del self._subs[sub.id]
                self._journal.subscription_deleted(sub.id)

    def subscription_confirm(self, scope: str, sid: str, confirmed: bool) -> Subscription:
        with self._tx() as now:
            sub = self._live_sub(sid, now)
            if sub is None or sub.scope != scope:
                raise Missing(f"Subscription {sid} does not exist")
            self._undo.fields(sub, ("confirmed",))
            sub.confirmed = confirmed
            self._journal.subscription_saved(sub)
            return _copy_sub(sub)

    # ---------------------------------------------------------- pools, flavors

    def pool_put(self, pool: Pool) -> None:
        with self._tx():
            for other in self._pools.values():
                if other.uri == pool.uri and other.name != pool.name:
                    raise Conflict("The database URI is in use by another pool.")
            self._undo.put(self._pools, pool.name)
            self._pools[pool.name] = _copy_pool(pool)
            self._journal.pool_saved(pool)

    def pool_get(self, name: str) -> Pool | None:
        with self._lock:
            pool = self._pools.get(name)
            return None if pool is None else _copy_pool(pool)

    def pool_list(self, marker: str | None, limit: int) -> list[Pool]:
        with self._lock:
            names = sorted(n for n in self._pools if marker is None or n > marker)
            return [_copy_pool(self._pools[n]) for n in names[:limit]]

    def pool_delete(self, name: str) -> None:
        with self._tx():
            self._undo.put(self._pools, name)
            if self._pools.pop(name, None) is not None:
                self._journal.pool_deleted(name)

    def flavor_put(self, flavor: Flavor) -> None:
        with self._tx():
            self._undo.put(self._flavors, (flavor.scope, flavor.name))
            self._flavors[(flavor.scope, flavor.name)] = _copy_flavor(flavor)
            self._journal.flavor_saved(flavor)

    def flavor_get(self, scope: str, name: str) -> Flavor | None:
        with self._lock:
            flavor = self._flavors.get((scope, name))
            return None if flavor is None else _copy_flavor(flavor)

    def flavor_list(self, scope: str, marker: str | None, limit: int) -> list[Flavor]:
        with self._lock:
            names = sorted(
                n for s, n in self._flavors if s == scope and (marker is None or n > marker)
            )
            return [_copy_flavor(self._flavors[(scope, n)]) for n in names[:limit]]

    def flavor_delete(self, scope: str, name: str) -> None:
        with self._tx():
            self._undo.put(self._flavors, (scope, name))
            if self._flavors.pop((scope, name), None) is not None:
                self._journal.flavor_deleted(scope, name)

    # --------------------------------------------------------------- lifecycle

    def message_volume(self) -> tuple[int, int]:
        """(claimed, total) messages over every queue (for the health report)."""
        with self._tx() as now:
            claimed = total = 0
            for key in list(self._buckets):
                bucket = self._bucket(key, now)
                if bucket is not None:
                    claimed += self._claimed_count(bucket, now)
                    total += len(bucket.messages)
            return claimed, total

    def ping(self) -> bool:
        return True

    def reset(self) -> None:
        """Drop all state (the id generator and journal stay)."""
        with self._tx():
            for table in (self._queues, self._buckets, self._claims, self._subs, self._pools,
                          self._flavors):
                self._undo.step(functools.partial(table.update, dict(table)))
                table.clear()
            self._names.clear()
            self._journal.clear()

    def _rollback(self) -> None:
        self._names.clear()
        super()._rollback()

    def close(self) -> None:
        with self._lock:
            self._journal.close()
