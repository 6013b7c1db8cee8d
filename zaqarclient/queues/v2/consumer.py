"""A worker loop: claim messages, run a handler on each, delete what succeeded.

    consumer = Consumer(client.queue("jobs"), handle, batch=10, ttl=120, concurrency=8)
    consumer.run()                     # until consumer.stop() (e.g. from a signal handler)

Claims are renewed in the background (a renewer thread), independently of
the handlers, for as long as one of their messages waits or runs, so a
handler slower than the claim ttl keeps its message. At most
``concurrency`` handlers run at once (worker threads) and at most
``max_outstanding`` messages / ``max_bytes`` of bodies are held. A failed
renewal is reported to ``on_renewal_failure(claim, error)`` and counted in
the stats.

A message whose handler raises is not deleted and its claim is no longer
renewed for it: it is claimed again once the claim expires. Zaqar counts
only claims that expire towards a queue's ``_max_claim_count``, so this is
also what moves a message that keeps failing to the queue's dead-letter
queue. With ``release_failed=True`` the claim is released once all its
messages are settled (faster retries, but a release resets Zaqar's claim
counter, so no dead-lettering). The bookkeeping is
:mod:`~zaqarclient.queues.v2.flow`'s, shared with the asyncio consumer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from zaqarclient.errors import ZaqarError
from zaqarclient.queues.v2.flow import (
    ConsumerOptions,
    ConsumerStats,
    Lease,
    Ledger,
    Outcome,
    delete_steps,
)
from zaqarclient.queues.v2.steps import drive

if TYPE_CHECKING:
    from zaqarclient.queues.v2.message import Message
    from zaqarclient.queues.v2.queues import Queue

LOG = logging.getLogger("zaqarclient.consumer")

Handler = Callable[["Message"], object]
#: Told about each failed renewal: the claim and the error.
RenewalFailure = Callable[[Any, ZaqarError], object]

__all__ = ["Consumer", "ConsumerStats", "Handler"]


class Consumer:
    """Claims batches from ``queue`` and runs ``handler`` on each message (threads).

    Options: see :class:`~zaqarclient.queues.v2.flow.ConsumerOptions`
    (``batch``, ``ttl``, ``grace``, ``renew_at``, ``release_failed``,
    ``idle_wait``, ``concurrency``, ``max_outstanding``, ``max_bytes``,
    ``renew_check``). ``on_renewal_failure`` is called on the renewer
    thread. ``sleep`` (idle waits) and ``clock`` (renewal timing) are
    injectable for tests.
    """

    def __init__(
        self,
        queue: Queue,
        handler: Handler,
        *,
        on_renewal_failure: RenewalFailure | None = None,
        sleep: Callable[[float], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
        **options: Any,
    ) -> None:
        self.options = ConsumerOptions(**options)
        self.queue = queue
        self.handler = handler
        self.on_renewal_failure = on_renewal_failure
        self._ledger = Ledger(self.options, clock)
        self._clock = clock
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._sleep = sleep if sleep is not None else self._stopping.wait

    def __getattr__(self, name: str) -> Any:
        # The options read as attributes, as before they were grouped (consumer.ttl...).
        if name in ConsumerOptions.__dataclass_fields__:
            return getattr(self.options, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def stats(self) -> ConsumerStats:
        """What this consumer has done so far."""
        return self._ledger.stats

    def stop(self) -> None:
        """Finish the handlers running, release what was not started, leave :meth:`run`."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stopping.is_set()

    def run_once(self) -> int:
        """Claim one batch and process it; the number of messages claimed (0 if none)."""
        return self._run(max_claims=1, until_empty=True)

    def run(self, *, max_messages: int | None = None, until_empty: bool = False) -> ConsumerStats:
        """Process messages until stopped, ``max_messages`` were claimed, or the queue is empty.

        ``until_empty`` returns at the first empty claim (once the messages
        in hand are done) instead of waiting for more.
        """
        self._run(max_messages=max_messages, until_empty=until_empty)
        return self.stats

    # -- internals ---------------------------------------------------------------

    def _run(
        self, *, max_messages: int | None = None, until_empty: bool = False,
        max_claims: int | None = None,
    ) -> int:
        options = self.options
        done = threading.Event()
        renewer = threading.Thread(
            target=self._renew_loop, args=(done,), name="zaqarclient-renewer", daemon=True
        )
        renewer.start()
        claimed = claims = 0
        wait = options.idle_wait[0]
        running: list[Future[None]] = []
        try:
            with ThreadPoolExecutor(options.concurrency, "zaqarclient-handler") as pool:
                while not self.stopped:
                    limit = self._room()
                    if not limit:
                        break
                    claim = self.queue.claim(ttl=options.ttl, grace=options.grace, limit=limit)
                    messages = list(claim) if claim else []
                    if not messages:
                        if until_empty:
                            break
                        self._sleep(wait)
                        wait = min(wait * 2, options.idle_wait[1])
                        continue
                    wait = options.idle_wait[0]
                    with self._changed:
                        self._ledger.hold(claim, messages)
                    running += [pool.submit(self._work, message) for message in messages]
                    claimed += len(messages)
                    claims += 1
                    if max_messages is not None and claimed >= max_messages:
                        break
                    if max_claims is not None and claims >= max_claims:
                        break
        finally:
            done.set()
            renewer.join()
            self._release_unstarted()
        for future in running:
            future.result()  # a bug in the worker itself surfaces here
        return claimed

    def _room(self) -> int:
        """Wait until flow control lets a claim through; how many it may ask for (0: stopped)."""
        with self._changed:
            while not self.stopped:
                room = self._ledger.room()
                if room:
                    return room
                self._changed.wait(0.5)
        return 0

    def _work(self, message: Message) -> None:
        ledger = self._ledger
        with self._changed:
            if self.stopped or not ledger.start(message):
                return
            lease = ledger.lease_of(message)
        # Due already (a fake clock, or a slow start): renew before the handler runs.
        self._renew(lease)
        outcome: Outcome
        try:
            self.handler(message)
        except Exception:
            outcome = "failed"
            LOG.exception("handler failed for message %s; it will be claimed again", message.id)
        else:
            outcome = self._delete(message)
        with self._changed:
            release = ledger.settle(message, outcome)
            self._changed.notify_all()
        if release is not None:
            self._release(release)

    def _delete(self, message: Message) -> Outcome:
        return drive(self.queue.client, delete_steps(message))

    def _renew_loop(self, done: threading.Event) -> None:
        while not done.wait(self.options.renew_check):
            with self._changed:
                due = self._ledger.due()
            for lease in due:
                self._renew(lease)

    def _renew(self, lease: Lease) -> None:
        ledger = self._ledger
        with lease.lock:
            started = self._clock()
            with self._changed:
                if not ledger.is_due(lease, started):
                    return
            try:
                lease.claim.update(ttl=self.options.ttl, grace=self.options.grace)
            except ZaqarError as exc:
                with self._changed:
                    lost = ledger.renewal_failed(lease, exc)
                LOG.warning("renewing claim %s failed (%s)%s", lease.claim.id, exc,
                            "; its messages are lost" if lost else "")
                if self.on_renewal_failure is not None:
                    self.on_renewal_failure(lease.claim, exc)
                return
            with self._changed:
                ledger.renewed(lease, started)

    def _release(self, lease: Lease) -> None:
        try:
            lease.claim.delete()
        except ZaqarError as exc:
            LOG.warning("releasing claim %s failed: %s", lease.claim.id, exc)

    def _release_unstarted(self) -> None:
        with self._changed:
            leases = self._ledger.unstarted()
            for lease in leases:
                self._ledger.drop_unstarted(lease)
        for lease in leases:
            self._release(lease)
