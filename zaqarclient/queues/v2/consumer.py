"""A worker loop: claim messages, hand each to a function, delete what succeeded.

    consumer = Consumer(client.queue("jobs"), handle, batch=10, ttl=120)
    consumer.run()                     # until consumer.stop() (e.g. from a signal handler)

A message whose handler raises is not deleted: it stays claimed until the
claim expires and is then claimed again. Zaqar counts only claims that
expire towards a queue's ``_max_claim_count``, so this is also what moves a
message that keeps failing to the queue's dead-letter queue. With
``release_failed=True`` the claim is released at once instead (faster
retries, but a release resets Zaqar's claim counter, so no dead-lettering).
Long handlers are covered by renewing the claim before it runs out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zaqarclient.errors import ConfigurationError
from zaqarclient.transport.errors import ForbiddenError, ResourceNotFound

if TYPE_CHECKING:
    from zaqarclient.queues.v2.claim import Claim
    from zaqarclient.queues.v2.message import Message
    from zaqarclient.queues.v2.queues import Queue

LOG = logging.getLogger("zaqarclient.consumer")

Handler = Callable[["Message"], object]


@dataclass
class ConsumerStats:
    """What a consumer has done so far."""

    claims: int = 0
    processed: int = 0
    failed: int = 0
    renewals: int = 0
    lost: int = 0


class Consumer:
    """Claims batches from ``queue`` and runs ``handler`` on each message.

    ``ttl`` and ``grace`` are the claim's; the claim is renewed when less
    than ``renew_at`` of its ttl is left before the next message starts.
    When the queue is empty the loop waits ``idle_wait[0]`` seconds, doubling
    up to ``idle_wait[1]``. ``sleep`` and ``clock`` are injectable for tests.
    """

    def __init__(
        self,
        queue: Queue,
        handler: Handler,
        *,
        batch: int = 10,
        ttl: int = 60,
        grace: int = 60,
        renew_at: float = 0.5,
        release_failed: bool = False,
        idle_wait: tuple[float, float] = (0.1, 5.0),
        sleep: Callable[[float], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 1 <= batch <= 20:
            raise ConfigurationError("batch must be between 1 and 20 (Zaqar's claim limit)")
        if not 0 < renew_at < 1:
            raise ConfigurationError("renew_at is a fraction of the claim ttl, between 0 and 1")
        if idle_wait[0] <= 0 or idle_wait[1] < idle_wait[0]:
            raise ConfigurationError("idle_wait must be (minimum > 0, maximum >= minimum)")
        self.queue = queue
        self.handler = handler
        self.batch = batch
        self.ttl = ttl
        self.grace = grace
        self.renew_at = renew_at
        self.release_failed = release_failed
        self.idle_wait = idle_wait
        self.stats = ConsumerStats()
        self._stopping = threading.Event()
        self._sleep = sleep if sleep is not None else self._stopping.wait
        self._clock = clock

    def stop(self) -> None:
        """Finish the message in hand, then leave :meth:`run` (thread-safe)."""
        self._stopping.set()

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stopping.is_set()

    def run_once(self) -> int:
        """Claim one batch and process it; the number of messages claimed (0 if none)."""
        return self._cycle()[0]

    def _cycle(self) -> tuple[int, int]:
        """One claim and its processing: (messages claimed, messages handled successfully)."""
        claim = self.queue.claim(ttl=self.ttl, grace=self.grace, limit=self.batch)
        if not claim:
            return 0, 0
        self.stats.claims += 1
        renewed_at = self._clock()
        succeeded = 0
        messages = list(claim)
        for message in messages:
            if self.stopped:
                break
            if self._clock() - renewed_at > self.ttl * (1 - self.renew_at):
                if not self._renew(claim):
                    break
                renewed_at = self._clock()
            succeeded += self._process(message)
        if succeeded < len(messages) and self.release_failed:
            claim.delete()
        return len(messages), succeeded

    def run(self, *, max_messages: int | None = None, until_empty: bool = False) -> ConsumerStats:
        """Process batches until stopped, ``max_messages`` were claimed, or the queue is empty.

        ``until_empty`` returns at the first empty claim instead of waiting.
        """
        wait = self.idle_wait[0]
        claimed = 0
        while not self.stopped:
            count, succeeded = self._cycle()
            claimed += count
            if max_messages is not None and claimed >= max_messages:
                break
            if succeeded or (count and not self.release_failed):
                # Failed messages stay claimed, so the next claim returns others.
                wait = self.idle_wait[0]
                continue
            # Nothing claimable, or (with release_failed) only messages that failed
            # again: back off rather than spin on them.
            if until_empty:
                break
            self._sleep(wait)
            wait = min(wait * 2, self.idle_wait[1])
        return self.stats

    def _process(self, message: Message) -> int:
        try:
            self.handler(message)
        except Exception:
            self.stats.failed += 1
            LOG.exception("handler failed for message %s; it will be claimed again", message.id)
            return 0
        try:
            message.delete()
        except ForbiddenError:
            # Our claim ran out and another consumer claimed the message meanwhile:
            # it will be processed again there (at-least-once delivery).
            self.stats.lost += 1
            LOG.warning("message %s was re-claimed by another consumer before deletion", message.id)
        self.stats.processed += 1
        return 1

    def _renew(self, claim: Claim) -> bool:
        try:
            claim.update(ttl=self.ttl, grace=self.grace)
        except ResourceNotFound:
            # The claim expired: its remaining messages may already be someone else's.
            self.stats.lost += 1
            LOG.warning("claim %s expired before it could be renewed", claim.id)
            return False
        self.stats.renewals += 1
        return True
