"""The memory store's shared state: one lock, atomic operations, and bookkeeping that frees memory.

Every store operation runs in :meth:`State.tx`: under the lock, with an undo
log, committing the journal at the end. When anything fails (the journal
above all), memory is put back as it was and a journal failure becomes
:class:`~zaqarclient.server.storage.base.StorageUnavailable`, so a client
told 503 knows nothing was changed.

Removing a message also removes it from its claim (a claim left with no
messages is dropped, in memory and journal), and the expiry heap is rebuilt
once stale entries outnumber live messages, so a queue that has seen a
million messages uses the memory of those it still holds.
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import threading
from collections.abc import Iterable, Iterator

from zaqarclient.server.clock import Clock
from zaqarclient.server.ids import IdGenerator, normalize_oid
from zaqarclient.server.storage.base import (
    Claim,
    Message,
    MessageView,
    QueueRecord,
    StorageUnavailable,
)
from zaqarclient.server.storage.journal import Journal, JournalError
from zaqarclient.server.storage.undo import UndoLog

LOG = logging.getLogger("zaqarclient.server.storage")

Key = tuple[str, str]

MESSAGE_FIELDS = (
    "queue", "marker", "ttl", "expires", "claim_id", "claim_expires", "claim_count",
)
CLAIM_FIELDS = ("ttl", "grace", "expires")
# Dead heap entries and dict holes tolerated beyond the live messages before a rebuild.
_SLACK = 64


class Bucket:
    """The messages of one (scope, queue), in marker order, with an expiry heap."""

    __slots__ = ("claims", "counter", "heap", "holes", "messages")

    def __init__(self, counter: int = 0) -> None:
        self.messages: dict[str, Message] = {}
        self.heap: list[tuple[float, str]] = []
        self.counter = counter
        self.claims: set[str] = set()
        # Deletions since `messages` was last rebuilt: a dict never shrinks, and walking
        # one costs its past size, so a queue drained from the front is rebuilt.
        self.holes = 0


class State:
    """Queues, buckets and claims, the journal, the clock and the undo log."""

    def __init__(self, clock: Clock, journal: Journal) -> None:
        self._clock = clock
        self._journal = journal
        self._lock = threading.RLock()
        self._ids = IdGenerator()
        self._queues: dict[Key, QueueRecord] = {}
        self._buckets: dict[Key, Bucket] = {}
        self._claims: dict[str, Claim] = {}
        self._undo = UndoLog()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[float]:
        """One atomic store operation (re-entrant: only the outermost one commits)."""
        with self._lock:
            if self._undo.active:
                yield self._clock.now()
                return
            self._undo.active = True
            try:
                yield self._clock.now()
                self._journal.commit()
            except BaseException as exc:
                self._undo.active = False
                self._undo.revert()
                self._rollback()
                if isinstance(exc, JournalError):
                    raise StorageUnavailable(str(exc)) from exc
                raise
            finally:
                self._undo.active = False
                self._undo.forget()

    def _rollback(self) -> None:
        try:
            self._journal.rollback()
        except JournalError:
            LOG.exception("journal rollback failed")

    # ------------------------------------------------------------------ buckets

    def _bucket(self, key: Key, now: float, create: bool = False) -> Bucket | None:
        """The bucket of a queue with its expired messages removed."""
        bucket = self._buckets.get(key)
        if bucket is None:
            if not create:
                return None
            self._undo.put(self._buckets, key)
            bucket = self._buckets[key] = Bucket()
        heap = bucket.heap
        if heap and heap[0][0] <= now:
            dead: list[Message] = []
            while heap and heap[0][0] <= now:
                _, mid = heapq.heappop(heap)
                msg = bucket.messages.get(mid)
                if msg is not None and msg.expires <= now:
                    dead.append(msg)
            if dead:
                self._remove(bucket, dead)
        return bucket

    def _add(self, bucket: Bucket, msg: Message) -> None:
        self._undo.bucket(bucket)
        self._undo.put(bucket.messages, msg.id)
        bucket.messages[msg.id] = msg
        heapq.heappush(bucket.heap, (msg.expires, msg.id))

    def _remove(self, bucket: Bucket, messages: Iterable[Message]) -> None:
        """Delete messages from a bucket, from their claims and from the journal."""
        gone: list[str] = []
        self._undo.bucket(bucket)
        for msg in messages:
            self._undo.put(bucket.messages, msg.id)
            del bucket.messages[msg.id]
            gone.append(msg.id)
            if msg.claim_id is not None:
                self._unclaim(msg)
        if gone:
            bucket.holes += len(gone)
            self._journal.messages_deleted(gone)
            self._compact(bucket)

    def _unclaim(self, msg: Message) -> None:
        """Take a message out of its claim's set; drop the claim once it holds none."""
        claim = self._claims.get(msg.claim_id or "")
        if claim is None:
            return
        self._undo.discarded(claim.message_ids, msg.id)
        claim.message_ids.discard(msg.id)
        if not claim.message_ids:
            self._drop_claim(claim)

    def _compact(self, bucket: Bucket) -> None:
        """Rebuild the heap and the message dict once dead entries outnumber live ones.

        Each rebuild costs the live messages and happens after at least as many
        deletions, so the cost per deletion stays constant.
        """
        live = len(bucket.messages)
        if len(bucket.heap) > 2 * live + _SLACK:
            bucket.heap = [(m.expires, mid) for mid, m in bucket.messages.items()]
            heapq.heapify(bucket.heap)
        if bucket.holes > live + _SLACK:
            bucket.messages = dict(bucket.messages)
            bucket.holes = 0

    # ------------------------------------------------------------------- claims

    @staticmethod
    def _view(msg: Message, now: float) -> MessageView:
        return MessageView(
            msg.id, msg.marker, msg.body, msg.ttl, int(now - msg.created), msg.created,
            msg.claim_id, msg.claim_count, msg.checksum,
        )

    def _live_claim(self, key: Key, claim_id: str, now: float) -> Claim | None:
        cid = normalize_oid(claim_id)
        claim = self._claims.get(cid) if cid else None
        if claim is None or (claim.scope, claim.queue) != key:
            return None
        if claim.expires <= now:
            return None
        return claim

    def _drop_claim(self, claim: Claim) -> None:
        self._undo.put(self._claims, claim.id)
        self._claims.pop(claim.id, None)
        bucket = self._buckets.get((claim.scope, claim.queue))
        if bucket is not None:
            self._undo.discarded(bucket.claims, claim.id)
            bucket.claims.discard(claim.id)
        self._journal.claim_deleted(claim.id)

    def _gc_claims(self, bucket: Bucket, now: float) -> None:
        dead = [
            c for c in bucket.claims if (cl := self._claims.get(c)) is None or cl.expires <= now
        ]
        for cid in dead:
            self._undo.discarded(bucket.claims, cid)
            bucket.claims.discard(cid)
            claim = self._claims.get(cid)
            if claim is not None:
                self._undo.put(self._claims, cid)
                del self._claims[cid]
                self._journal.claim_deleted(cid)

    def _claimed_count(self, bucket: Bucket, now: float) -> int:
        self._gc_claims(bucket, now)
        count = 0
        for cid in bucket.claims:
            for mid in self._claims[cid].message_ids:
                msg = bucket.messages.get(mid)
                if msg is not None and msg.claim_id == cid and msg.claim_expires > now:
                    count += 1
        return count
