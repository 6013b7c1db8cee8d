"""Message and claim operations of the memory store (MongoDB driver semantics)."""

from __future__ import annotations

import hashlib
import heapq
import json
from typing import Any

from zaqarclient.server.ids import normalize_oid
from zaqarclient.server.storage.base import (
    Claim,
    ClaimMissing,
    ClaimView,
    Message,
    MessageClaimed,
    MessageView,
    Missing,
    NewMessage,
    NotClaimed,
    StorageError,
)
from zaqarclient.server.storage.state import CLAIM_FIELDS, MESSAGE_FIELDS, Bucket, State


def checksum_of(body: Any) -> str | None:
    """Zaqar's checksum: MD5 of Python's default `json.dumps` of the body."""
    if body is None:
        return None
    return "MD5:" + hashlib.md5(json.dumps(body).encode("utf-8")).hexdigest()


class MessageOps(State):
    """Posting, listing, deleting, popping and claiming messages."""

    def message_post(
        self, scope: str, name: str, messages: list[NewMessage], client_id: str, checksum: bool
    ) -> list[str]:
        with self._tx() as now:
            key = (scope, name)
            if key not in self._queues:
                raise Missing(f"Queue {name} does not exist for project {scope}")
            bucket = self._bucket(key, now, create=True)
            assert bucket is not None
            stored: list[Message] = []
            self._undo.bucket(bucket)  # restores the counter
            for new in messages:
                bucket.counter += 1
                msg = Message(
                    self._ids.new(now), bucket.counter, scope, name, new.body, new.ttl, now,
                    now + new.ttl, now + new.delay, client_id,
                    checksum=checksum_of(new.body) if checksum else None,
                )
                self._add(bucket, msg)
                stored.append(msg)
            self._journal.messages_saved(stored)
            self._journal.counter_saved(scope, name, bucket.counter)
            return [m.id for m in stored]

    def message_list(
        self, scope: str, name: str, marker: int | None, limit: int, client_id: str | None,
        include_claimed: bool, include_delayed: bool,
    ) -> list[MessageView]:
        with self._tx() as now:
            key = (scope, name)
            if key not in self._queues:
                return []
            bucket = self._bucket(key, now)
            if bucket is None:
                return []
            out: list[MessageView] = []
            for msg in bucket.messages.values():
                if marker is not None and msg.marker <= marker:
                    continue
                if client_id is not None and msg.client_id == client_id:
                    continue
                if not include_claimed and msg.claim_expires > now:
                    continue
                if not include_delayed and msg.visible_at > now:
                    continue
                out.append(self._view(msg, now))
                if len(out) >= limit:
                    break
            return out

    def message_get(self, scope: str, name: str, message_id: str) -> MessageView | None:
        with self._tx() as now:
            bucket = self._bucket((scope, name), now)
            mid = normalize_oid(message_id)
            msg = bucket.messages.get(mid) if bucket is not None and mid else None
            return None if msg is None else self._view(msg, now)

    def message_get_many(self, scope: str, name: str, ids: list[str]) -> list[MessageView]:
        with self._tx() as now:
            bucket = self._bucket((scope, name), now)
            if bucket is None:
                return []
            out: list[MessageView] = []
            seen: set[str] = set()
            for raw in ids:
                mid = normalize_oid(raw)
                msg = bucket.messages.get(mid) if mid else None
                if msg is not None and mid not in seen:
                    seen.add(msg.id)
                    out.append(self._view(msg, now))
            return out

    def message_delete(
        self, scope: str, name: str, message_id: str, claim_id: str | None
    ) -> None:
        with self._tx() as now:
            mid = normalize_oid(message_id)
            if mid is None:
                return
            cid = None
            if claim_id is not None:
                cid = normalize_oid(claim_id)
                if cid is None:
                    raise ClaimMissing(claim_id)
            bucket = self._bucket((scope, name), now)
            msg = bucket.messages.get(mid) if bucket is not None else None
            if bucket is None or msg is None:
                return
            claimed = msg.claim_expires > now
            if cid is None:
                if claimed:
                    raise MessageClaimed(mid)
            elif msg.claim_id != cid:
                # Mongo: a stale (expired) claim id of this same message still deletes.
                if claimed:
                    raise MessageClaimed(mid)
                raise NotClaimed(mid)
            self._remove(bucket, [msg])

    def message_delete_many(
        self, scope: str, name: str, ids: list[str], claim_ids: list[str] | None
    ) -> None:
        with self._tx() as now:
            bucket = self._bucket((scope, name), now)
            mids = [m for m in (normalize_oid(i) for i in ids) if m]
            found = [] if bucket is None else [bucket.messages[m] for m in mids
                                               if m in bucket.messages]
            if claim_ids:
                held = {m.claim_id for m in found}
                for raw in claim_ids:
                    cid = normalize_oid(raw)
                    if cid is not None and cid not in held:
                        raise StorageError(f"Claim {cid} does not exist")
            if bucket is not None and found:
                self._remove(bucket, list({m.id: m for m in found}.values()))

    def message_pop(self, scope: str, name: str, limit: int) -> list[MessageView]:
        with self._tx() as now:
            bucket = self._bucket((scope, name), now)
            if bucket is None:
                return []
            popped: list[Message] = []
            for msg in bucket.messages.values():
                if msg.claim_expires <= now:
                    popped.append(msg)
                    if len(popped) >= limit:
                        break
            self._remove(bucket, popped)
            # Mongo's pop projection leaves out the claim counter: it always reads 0.
            return [self._view(m, now)._replace(claim_count=0) for m in popped]

    # ------------------------------------------------------------------ claims

    def claim_create(
        self, scope: str, name: str, ttl: int, grace: int, limit: int
    ) -> tuple[str | None, list[MessageView]]:
        with self._tx() as now:
            key = (scope, name)
            queue = self._queues.get(key)
            bucket = self._bucket(key, now)
            if queue is None or bucket is None:
                return None, []
            self._gc_claims(bucket, now)
            meta = queue.metadata
            skip_delayed = bool(meta.get("_default_message_delay"))
            picked: list[Message] = []
            for msg in bucket.messages.values():
                if msg.claim_expires > now or (skip_delayed and msg.visible_at > now):
                    continue
                picked.append(msg)
                if len(picked) >= limit:
                    break
            if not picked:
                return None, []
            cid = self._ids.new(now)
            expires = now + ttl
            claim = Claim(cid, scope, name, ttl, grace, expires, set())
            dlq_active = (
                meta.get("_max_claim_count") is not None and "_dead_letter_queue" in meta
            )
            kept: list[Message] = []
            moved: list[Message] = []
            for msg in picked:
                self._undo.fields(msg, MESSAGE_FIELDS)
                count = msg.claim_count
                msg.claim_id = cid
                msg.claim_expires = expires
                msg.claim_count = 0
                self._extend(bucket, msg, expires, ttl, grace)
                if not dlq_active:
                    kept.append(msg)
                elif count < meta["_max_claim_count"]:
                    msg.claim_count = count + 1
                    kept.append(msg)
                else:
                    msg.claim_count = count
                    self._move_to_dlq(bucket, msg, meta, now)
                    moved.append(msg)
            claim.message_ids.update(m.id for m in picked)
            self._undo.put(self._claims, cid)
            self._claims[cid] = claim
            self._undo.added(bucket.claims, cid)
            bucket.claims.add(cid)
            self._journal.claim_saved(claim)
            self._journal.messages_saved(picked)
            if not kept:
                return None, []
            return cid, [self._view(m, now) for m in kept]

    def _extend(self, bucket: Bucket, msg: Message, expires: float, ttl: int, grace: int) -> None:
        if msg.expires < expires:
            msg.expires = expires + grace
            msg.ttl = ttl + grace
            heapq.heappush(bucket.heap, (msg.expires, msg.id))

    def _move_to_dlq(self, src: Bucket, msg: Message, meta: dict[str, Any], now: float) -> None:
        dlq = str(meta["_dead_letter_queue"])
        self._undo.bucket(src)
        self._undo.put(src.messages, msg.id)
        del src.messages[msg.id]
        target = self._bucket((msg.scope, dlq), now, create=True)
        assert target is not None
        self._undo.bucket(target)
        target.counter += 1
        if msg.claim_id is not None:
            self._undo.added(target.claims, msg.claim_id)
            target.claims.add(msg.claim_id)
        msg.queue = dlq
        msg.marker = target.counter
        dlq_ttl = meta.get("_dead_letter_queue_messages_ttl")
        if dlq_ttl:
            msg.ttl = dlq_ttl  # mongo changes the reported ttl only, not the expiry
        self._add(target, msg)
        self._journal.counter_saved(msg.scope, dlq, target.counter)

    def _held(self, claim: Claim, now: float) -> list[Message]:
        bucket = self._bucket((claim.scope, claim.queue), now)
        if bucket is None:
            return []
        out = []
        for mid in claim.message_ids:
            msg = bucket.messages.get(mid)
            if msg is not None and msg.claim_id == claim.id:
                out.append(msg)
        out.sort(key=lambda m: m.marker)
        return out

    def claim_get(self, scope: str, name: str, claim_id: str) -> ClaimView | None:
        with self._tx() as now:
            claim = self._live_claim((scope, name), claim_id, now)
            held = self._held(claim, now) if claim else []
            if claim is None or not held:
                return None
            age = int(now - (claim.expires - claim.ttl))
            return ClaimView(claim.id, claim.ttl, age, [self._view(m, now) for m in held])

    def claim_renew(self, scope: str, name: str, claim_id: str, ttl: int, grace: int) -> bool:
        with self._tx() as now:
            claim = self._live_claim((scope, name), claim_id, now)
            held = self._held(claim, now) if claim else []
            if claim is None or not held:
                return False
            bucket = self._buckets[(scope, name)]
            self._undo.fields(claim, CLAIM_FIELDS)
            claim.ttl, claim.grace, claim.expires = ttl, grace, now + ttl
            for msg in held:
                self._undo.fields(msg, MESSAGE_FIELDS)
                msg.claim_expires = claim.expires
                msg.claim_count = 0  # mongo's renewal rewrites the claim field, dropping the count
                self._extend(bucket, msg, claim.expires, ttl, grace)
            self._journal.claim_saved(claim)
            self._journal.messages_saved(held)
            return True

    def claim_release(self, scope: str, name: str, claim_id: str) -> None:
        with self._tx() as now:
            cid = normalize_oid(claim_id)
            claim = self._claims.get(cid) if cid else None
            if claim is None or (claim.scope, claim.queue) != (scope, name):
                return
            held = self._held(claim, now)
            for msg in held:
                self._undo.fields(msg, MESSAGE_FIELDS)
                msg.claim_id = None
                msg.claim_expires = 0.0
                msg.claim_count = 0
            self._drop_claim(claim)
            self._journal.messages_saved(held)
