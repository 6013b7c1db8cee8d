"""The asyncio consumer: claim, run handlers concurrently, renew claims in the background.

    consumer = zaqarclient.aio.Consumer(queue, handle, concurrency=16, max_outstanding=200)
    task = asyncio.create_task(consumer.run())
    ...
    await consumer.stop()              # drains the handlers in flight

The same semantics as the sync :class:`~zaqarclient.queues.v2.consumer.Consumer`
(the bookkeeping is :mod:`~zaqarclient.queues.v2.flow`'s, shared): a
renewer task keeps every claim alive while one of its messages waits or
runs, whatever the handlers do; at most ``concurrency`` handlers run and
``max_outstanding`` messages / ``max_bytes`` of bodies are held; a failed
message is left to expire (dead-lettering) unless ``release_failed``. The
handler is a coroutine function, or a plain function (run in a worker
thread, so it cannot stall the event loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
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

if TYPE_CHECKING:
    from zaqarclient.aio.resources import Message, Queue

LOG = logging.getLogger("zaqarclient.consumer")

#: A handler: ``async def handle(message)``, or a plain function.
AsyncHandler = Callable[["Message"], Awaitable[object] | object]
#: Told about each failed renewal: the claim and the error (may be a coroutine function).
RenewalFailure = Callable[[Any, ZaqarError], object]


class Consumer:
    """Claims from an asyncio ``queue`` and runs ``handler`` on each message.

    Options as the sync consumer (:class:`~zaqarclient.queues.v2.flow.ConsumerOptions`);
    ``clock`` (renewal timing) is injectable for tests.
    """

    def __init__(
        self,
        queue: Queue,
        handler: AsyncHandler,
        *,
        on_renewal_failure: RenewalFailure | None = None,
        clock: Callable[[], float] = time.monotonic,
        **options: Any,
    ) -> None:
        self.options = ConsumerOptions(**options)
        self.queue = queue
        self.handler = handler
        self.on_renewal_failure = on_renewal_failure
        self._clock = clock
        self._ledger = Ledger(self.options, clock)
        self._stopping = asyncio.Event()
        self._changed = asyncio.Event()
        self._finished: asyncio.Event | None = None

    @property
    def stats(self) -> ConsumerStats:
        """What this consumer has done so far."""
        return self._ledger.stats

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stopping.is_set()

    async def stop(self) -> None:
        """Stop claiming, wait for the handlers running, release what was not started."""
        self._stopping.set()
        self._changed.set()
        if self._finished is not None:
            await self._finished.wait()

    async def run(
        self, *, max_messages: int | None = None, until_empty: bool = False
    ) -> ConsumerStats:
        """Process messages until stopped, ``max_messages`` were claimed, or the queue is empty."""
        options = self.options
        finished = self._finished = asyncio.Event()
        inbox: asyncio.Queue[Message | None] = asyncio.Queue()
        workers = [asyncio.create_task(self._worker(inbox)) for _ in range(options.concurrency)]
        renewer = asyncio.create_task(self._renew_loop())
        claimed = 0
        wait = options.idle_wait[0]
        try:
            while not self.stopped:
                limit = await self._room()
                if not limit:
                    break
                claim = await self.queue.claim(ttl=options.ttl, grace=options.grace, limit=limit)
                messages = list(claim) if claim else []
                if not messages:
                    if until_empty:
                        break
                    await self._pause(wait)
                    wait = min(wait * 2, options.idle_wait[1])
                    continue
                wait = options.idle_wait[0]
                self._ledger.hold(claim, messages)
                for message in messages:
                    inbox.put_nowait(message)
                claimed += len(messages)
                if max_messages is not None and claimed >= max_messages:
                    break
        finally:
            for _ in workers:
                inbox.put_nowait(None)
            await asyncio.gather(*workers, return_exceptions=True)
            renewer.cancel()
            await asyncio.gather(renewer, return_exceptions=True)
            await self._release_unstarted()
            finished.set()
        return self.stats

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _room(self) -> int:
        while not self.stopped:
            room = self._ledger.room()
            if room:
                return room
            self._changed.clear()
            await self._changed.wait()
        return 0

    async def _worker(self, inbox: asyncio.Queue[Message | None]) -> None:
        while (message := await inbox.get()) is not None:
            await self._work(message)

    async def _work(self, message: Message) -> None:
        ledger = self._ledger
        if self.stopped or not ledger.start(message):
            return
        await self._renew(ledger.lease_of(message))
        outcome: Outcome
        try:
            await self._call_handler(message)
        except Exception:
            outcome = "failed"
            LOG.exception("handler failed for message %s; it will be claimed again", message.id)
        else:
            outcome = await self._delete(message)
        release = ledger.settle(message, outcome)
        self._changed.set()
        if release is not None:
            await self._release(release)

    def _call_handler(self, message: Message) -> Awaitable[object]:
        handler = self.handler
        if inspect.iscoroutinefunction(handler):
            result: Awaitable[object] = handler(message)
            return result
        return asyncio.to_thread(handler, message)

    async def _delete(self, message: Message) -> Outcome:
        return await self.queue.client.run(delete_steps(message))

    async def _renew_loop(self) -> None:
        while True:
            await asyncio.sleep(self.options.renew_check)
            for lease in self._ledger.due():
                await self._renew(lease)

    async def _renew(self, lease: Lease) -> None:
        ledger = self._ledger
        started = self._clock()
        if not ledger.is_due(lease, started):
            return
        try:
            await lease.claim.update(ttl=self.options.ttl, grace=self.options.grace)
        except ZaqarError as exc:
            lost = ledger.renewal_failed(lease, exc)
            LOG.warning("renewing claim %s failed (%s)%s", lease.claim.id, exc,
                        "; its messages are lost" if lost else "")
            if self.on_renewal_failure is not None:
                answer = self.on_renewal_failure(lease.claim, exc)
                if inspect.isawaitable(answer):
                    await answer
            return
        ledger.renewed(lease, started)

    async def _release(self, lease: Lease) -> None:
        try:
            await lease.claim.delete()
        except ZaqarError as exc:
            LOG.warning("releasing claim %s failed: %s", lease.claim.id, exc)

    async def _release_unstarted(self) -> None:
        leases = self._ledger.unstarted()
        for lease in leases:
            self._ledger.drop_unstarted(lease)
            await self._release(lease)
