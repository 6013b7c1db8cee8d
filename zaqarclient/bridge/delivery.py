"""Route a batch of notifications and deliver it: posts per queue, retries, dead letters.

:meth:`Bridge.handle` returns only when every notification of the batch is
either in Zaqar (answered 201) or stored as a dead letter, so the caller
may then acknowledge the whole batch on the bus. It raises :class:`Requeue`
when the bridge is stopping before that point: the bus delivers the batch
again (to this bridge after a restart, or to another one of the pool).

Failures are sorted in two kinds. Zaqar refusing a message (400, 403 and
the other 4xx but 401, 404, 408 and 429) will not change by retrying: a
refused batch is split in halves until the culprit is alone, and that one
becomes a dead letter with Zaqar's reason. Everything else (no connection,
timeouts, 5xx, 401 while a token is renewed) is retried with jittered
exponential backoff, for ever unless ``give_up_after`` is set.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from zaqarclient.bridge import deadletter
from zaqarclient.bridge.deadletter import DeadLetterSink
from zaqarclient.bridge.metrics import Metrics
from zaqarclient.bridge.notification import Notification
from zaqarclient.bridge.rules import DeadLetter, Delivery, Rules
from zaqarclient.bridge.targets import ProjectClients
from zaqarclient.errors import TransportError

LOG = logging.getLogger("zaqarclient.bridge")

#: Messages per post, and bytes per post body (Zaqar's default limit is 262144).
MAX_POST_MESSAGES = 100
MAX_POST_BYTES = 250_000
_TRANSIENT_STATUSES = frozenset({401, 404, 408, 425, 429})

Item = tuple[Notification, Delivery]
Buried = tuple[Notification, str, "str | None"]


class Requeue(Exception):
    """The batch was not fully handled (the bridge is stopping); redeliver it."""


@dataclass(frozen=True)
class Backoff:
    """Retry delays: ``initial`` doubling up to ``maximum``, each +-20 % at random."""

    initial: float = 0.5
    maximum: float = 30.0
    #: Seconds of failing posts after which they become dead letters (None: never).
    give_up_after: float | None = None

    def delays(self) -> Iterator[float]:
        """An endless series of delays."""
        delay = self.initial
        while True:
            yield delay * random.uniform(0.8, 1.2)
            delay = min(delay * 2, self.maximum)


def is_permanent(error: TransportError) -> bool:
    """Whether Zaqar refused the request for good (retrying cannot help)."""
    return 400 <= error.status < 500 and error.status not in _TRANSIENT_STATUSES


def _post_size(item: Item) -> int:
    return len(json.dumps(item[1].message, separators=(",", ":"), default=str)) + 1


def chunks(items: list[Item]) -> Iterator[list[Item]]:
    """Consecutive runs of ``items`` that each fit one post."""
    run: list[Item] = []
    size = len('{"messages":[]}')
    for item in items:
        item_size = _post_size(item)
        if run and (len(run) >= MAX_POST_MESSAGES or size + item_size > MAX_POST_BYTES):
            yield run
            run, size = [], len('{"messages":[]}')
        run.append(item)
        size += item_size
    if run:
        yield run


class Bridge:
    """Routes notifications with ``rules`` and delivers them to Zaqar."""

    def __init__(
        self,
        rules: Rules,
        clients: ProjectClients | None,
        dead_letters: DeadLetterSink,
        metrics: Metrics | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.rules = rules
        self.clients = clients
        self.dead_letters = dead_letters
        self.metrics = metrics or Metrics()
        self.backoff = backoff or Backoff()
        self.stopping = threading.Event()

    def stop(self) -> None:
        """Make retry waits end at once; unfinished batches raise :class:`Requeue`."""
        self.stopping.set()

    def handle(self, notifications: list[Notification]) -> None:
        """Deliver or dead-letter every notification; :class:`Requeue` if stopped first."""
        self.metrics.add("received", len(notifications))
        self.metrics.add("batches")
        buried: list[Buried] = []
        groups: dict[tuple[str, str], list[Item]] = {}
        for note in notifications:
            outcome = self.rules.route(note)
            if isinstance(outcome, Delivery):
                groups.setdefault((outcome.project, outcome.queue), []).append((note, outcome))
            elif isinstance(outcome, DeadLetter):
                buried.append((note, outcome.reason, outcome.route))
            else:
                self.metrics.add("discarded", route=outcome.route)
        for (project, queue), items in groups.items():
            for run in chunks(items):
                buried.extend(self._post(project, queue, run))
        if buried:
            self._bury(buried)

    # -- posting ---------------------------------------------------------------------------

    def _post(self, project: str, queue_name: str, items: list[Item]) -> list[Buried]:
        if self.clients is None:
            raise RuntimeError("this bridge has no Zaqar to post to (dry run)")
        delays = self.backoff.delays()
        failing_since: float | None = None
        while True:
            try:
                queue = self.clients.queue(project, queue_name)
                queue.post([delivery.message for _, delivery in items], retry=False)
            except TransportError as error:
                self.metrics.post_failed(str(error.status), str(error))
                if is_permanent(error):
                    return self._refused(project, queue_name, items, error)
                failure = str(error)
            except Exception as error:  # no answer at all: connection, timeout, keystone
                self.metrics.post_failed("connection", f"{type(error).__name__}: {error}")
                failure = f"{type(error).__name__}: {error}"
            else:
                self._count_posted(items)
                return []
            now = time.monotonic()
            failing_since = now if failing_since is None else failing_since
            limit = self.backoff.give_up_after
            if limit is not None and now - failing_since >= limit:
                reason = f"Zaqar unavailable for {now - failing_since:.0f}s: {failure}"
                return [(note, reason, delivery.route) for note, delivery in items]
            delay = next(delays)
            self.metrics.add("retries")
            LOG.warning("posting %d message(s) to %s in project %s failed (%s); retry in %.1fs",
                        len(items), queue_name, project, failure, delay)
            if self.stopping.wait(delay):
                raise Requeue(f"stopped while retrying a post to {queue_name}")

    def _refused(
        self, project: str, queue_name: str, items: list[Item], error: TransportError
    ) -> list[Buried]:
        if len(items) > 1:  # find the message Zaqar objects to; post the others
            half = len(items) // 2
            return (self._post(project, queue_name, items[:half])
                    + self._post(project, queue_name, items[half:]))
        note, delivery = items[0]
        said = ": ".join(part for part in (error.title, error.description) if part)
        return [(note, f"Zaqar refused the message: {error.status} {said}", delivery.route)]

    def _count_posted(self, items: list[Item]) -> None:
        now = datetime.now(UTC)
        by_route: dict[str, list[float]] = {}
        for note, delivery in items:
            lag = note.lag(now)
            by_route.setdefault(delivery.route, []).append(max(lag, 0.0) if lag is not None
                                                           else 0.0)
        for route, lags in by_route.items():
            self.metrics.posted(route, lags)

    # -- dead letters ----------------------------------------------------------------------

    def _bury(self, buried: list[Buried]) -> None:
        records = [deadletter.record(note, reason, route) for note, reason, route in buried]
        delays = self.backoff.delays()
        while True:
            try:
                self.dead_letters.write(records)
                break
            except Exception as error:
                delay = next(delays)
                LOG.error("could not store %d dead letter(s) in %s (%s: %s); retry in %.1fs",
                          len(records), self.dead_letters.description, type(error).__name__,
                          error, delay)
                if self.stopping.wait(delay):
                    raise Requeue("stopped while storing dead letters") from error
        for note, reason, route in buried:
            self.metrics.dead_lettered(reason, route)
            LOG.warning("dead-lettered %s: %s", note.summary(), reason)
