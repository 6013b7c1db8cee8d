"""The consumers' bookkeeping, without I/O: flow control, leases, renewals, failure policy.

Both consumers (the sync one on threads, :mod:`~zaqarclient.queues.v2.consumer`,
and the asyncio one, :mod:`zaqarclient.aio.consumer`) drive one
:class:`Ledger`: it says how many messages may be claimed now
(``max_outstanding`` messages and ``max_bytes`` of bodies held at most), which
claims are due for renewal (renewed in the background, independent of
handler progress, while any of their messages is waiting or running),
what a failed renewal means (the claim is lost once Zaqar says it is gone
or its ttl ran out), and which claims to release (with ``release_failed``,
once all their messages are settled). It keeps the stats.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from zaqarclient.errors import ConfigurationError, ZaqarError
from zaqarclient.queues.v2.steps import Steps
from zaqarclient.transport.errors import ForbiddenError, MalformedRequest, ResourceNotFound

LOG = logging.getLogger("zaqarclient.consumer")

MessageKey = tuple[str | None, str]
#: How a message ended: handled and deleted, its handler failed, or its claim was lost.
Outcome = Literal["processed", "failed", "lost"]


@dataclass
class ConsumerStats:
    """What a consumer has done so far.

    ``claims`` counts non-empty claims; ``renewed`` successful renewals;
    ``renewal_failures`` renewals that failed (each reported to the
    callback); ``lost`` messages whose claim was lost before they were deleted.
    """

    claims: int = 0
    processed: int = 0
    failed: int = 0
    renewed: int = 0
    lost: int = 0
    renewal_failures: int = 0

    @property
    def renewals(self) -> int:
        """``renewed``, under the name it had before background renewal."""
        return self.renewed


@dataclass(frozen=True)
class ConsumerOptions:
    """A consumer's settings, checked once.

    ``batch`` is the most messages one claim asks for; ``ttl`` and ``grace``
    are the claim's; a claim is renewed once less than ``renew_at`` of its
    ttl is left. At most ``concurrency`` handlers run at once and at most
    ``max_outstanding`` messages and ``max_bytes`` of bodies are held
    (claimed and not settled; one claim may pass ``max_bytes`` by its own
    size, as bodies are known only once claimed). An empty claim waits
    ``idle_wait[0]`` seconds, doubling up to ``idle_wait[1]``. Renewals are
    checked every ``renew_check`` seconds.
    """

    batch: int = 10
    ttl: int = 60
    grace: int = 60
    renew_at: float = 0.5
    release_failed: bool = False
    idle_wait: tuple[float, float] = (0.1, 5.0)
    concurrency: int = 1
    max_outstanding: int = 1000
    max_bytes: int = 100 * 1024 * 1024
    renew_check: float = 0.1

    def __post_init__(self) -> None:
        if not 1 <= self.batch <= 20:
            raise ConfigurationError("batch must be between 1 and 20 (Zaqar's claim limit)")
        if not 0 < self.renew_at < 1:
            raise ConfigurationError("renew_at is a fraction of the claim ttl, between 0 and 1")
        if self.idle_wait[0] <= 0 or self.idle_wait[1] < self.idle_wait[0]:
            raise ConfigurationError("idle_wait must be (minimum > 0, maximum >= minimum)")
        if self.concurrency < 1:
            raise ConfigurationError("concurrency must be 1 or more")
        if self.max_outstanding < 1 or self.max_bytes < 1:
            raise ConfigurationError("max_outstanding and max_bytes must be 1 or more")
        if self.renew_check <= 0:
            raise ConfigurationError("renew_check must be more than 0 seconds")


def message_key(message: Any) -> tuple[str | None, str]:
    """A held message's key: a message claimed again (after its claim was lost) is another."""
    return (message.claim_id, message.id)


def body_size(message: Any) -> int:
    """The size of a message's body as JSON text (what flow control counts)."""
    return len(json.dumps(message.body, separators=(",", ":"), default=repr))


@dataclass(eq=False)
class Lease:
    """One claim a consumer holds, and where each of its messages is."""

    claim: Any
    renewed_at: float
    waiting: set[MessageKey] = field(default_factory=set)
    running: set[MessageKey] = field(default_factory=set)
    sizes: dict[MessageKey, int] = field(default_factory=dict)
    failed: int = 0
    lost: bool = False
    #: Held while a renewal is sent (the renewer and a worker may both find it due).
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def active(self) -> bool:
        """True while the claim must be kept: some message waits or runs, and it is not lost."""
        return not self.lost and bool(self.waiting or self.running)


class Ledger:
    """The bookkeeping of one consumer (callers serialise access: a lock, or one event loop)."""

    def __init__(self, options: ConsumerOptions, clock: Callable[[], float]) -> None:
        self.options = options
        self.clock = clock
        self.stats = ConsumerStats()
        self._leases: dict[str, Lease] = {}
        self._by_message: dict[MessageKey, Lease] = {}
        self.held = 0
        self.held_bytes = 0

    def room(self) -> int:
        """How many messages the next claim may ask for (0: wait for some to settle)."""
        options = self.options
        if self.held_bytes >= options.max_bytes:
            return 0
        return max(0, min(options.batch, options.max_outstanding - self.held))

    def hold(self, claim: Any, messages: Iterable[Any]) -> Lease:
        """Record a new non-empty claim and its messages (all waiting)."""
        lease = Lease(claim, self.clock())
        self._leases[str(claim.id)] = lease
        for message in messages:
            size = body_size(message)
            key = message_key(message)
            lease.waiting.add(key)
            lease.sizes[key] = size
            self._by_message[key] = lease
            self.held += 1
            self.held_bytes += size
        self.stats.claims += 1
        return lease

    def lease_of(self, message: Any) -> Lease:
        """The lease holding ``message``."""
        return self._by_message[message_key(message)]

    def start(self, message: Any) -> bool:
        """Move ``message`` to running; False when its claim was lost (do not run it)."""
        key = message_key(message)
        lease = self._by_message[key]
        if lease.lost:
            self._forget(lease, key, "lost")
            return False
        lease.waiting.discard(key)
        lease.running.add(key)
        return True

    def is_due(self, lease: Lease, now: float) -> bool:
        """Whether ``lease`` should be renewed now."""
        options = self.options
        return lease.active and now - lease.renewed_at >= options.ttl * (1 - options.renew_at)

    def due(self) -> list[Lease]:
        """The leases to renew now."""
        now = self.clock()
        return [lease for lease in self._leases.values() if self.is_due(lease, now)]

    def renewed(self, lease: Lease, at: float) -> None:
        """A renewal sent at ``at`` succeeded."""
        lease.renewed_at = at
        self.stats.renewed += 1

    def renewal_failed(self, lease: Lease, error: ZaqarError) -> bool:
        """A renewal failed; True when the claim is now lost (gone, or its ttl ran out).

        Messages still waiting are then dropped as lost; running ones finish,
        and their delete tells whether they were.
        """
        self.stats.renewal_failures += 1
        expired = self.clock() - lease.renewed_at >= self.options.ttl
        if not (isinstance(error, ResourceNotFound) or expired):
            return False
        lease.lost = True
        return True

    def settle(self, message: Any, outcome: Outcome) -> Lease | None:
        """Record how ``message`` ended; the lease to release now, if any.

        With ``release_failed``, a claim whose messages are all settled and
        one of which failed is released, so they are claimable at once.
        """
        key = message_key(message)
        lease = self._by_message[key]
        lease.running.discard(key)
        if outcome == "failed":
            lease.failed += 1
        self._forget(lease, key, outcome)
        if self.options.release_failed and lease.failed and not lease.active and not lease.lost:
            return lease
        return None

    def unstarted(self) -> list[Lease]:
        """Leases with messages never started (to release when the consumer stops)."""
        return [lease for lease in self._leases.values() if lease.waiting and not lease.lost]

    def drop_unstarted(self, lease: Lease) -> None:
        """Forget ``lease``'s waiting messages (released, not handled)."""
        for key in list(lease.waiting):
            self._forget(lease, key, None)

    def _forget(self, lease: Lease, key: MessageKey, outcome: Outcome | None) -> None:
        lease.waiting.discard(key)
        if self._by_message.pop(key, None) is None:
            return
        self.held -= 1
        self.held_bytes -= lease.sizes.pop(key, 0)
        if outcome is not None:
            setattr(self.stats, outcome, getattr(self.stats, outcome) + 1)
        if not lease.waiting and not lease.running:
            self._leases.pop(str(lease.claim.id), None)


def delete_steps(message: Any) -> Steps[Outcome]:
    """Delete a handled message, as steps; how it ended (``processed`` or ``lost``).

    If its claim is gone (expired, or released by someone) but nobody
    claimed it since, Zaqar refuses the claim id (400): the work is done,
    so it is deleted without the claim. If another consumer claimed it
    (403), or it is gone (404), it was lost: it is processed again there
    (at-least-once delivery).
    """
    try:
        yield from message._delete()
    except MalformedRequest:
        try:
            yield from message.queue._delete_message(message.id)
        except ForbiddenError:
            return _lost(message)
    except (ForbiddenError, ResourceNotFound):
        return _lost(message)
    return "processed"


def _lost(message: Any) -> Outcome:
    LOG.warning("message %s was re-claimed by another consumer before deletion", message.id)
    return "lost"
