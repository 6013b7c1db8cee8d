"""The four worker loops and the recorder each of them fills.

Every worker thread has its own SDK client and its own :class:`Recorder`
(no locks on the hot path). Producers stamp each message body with the wall
clock time just before the post (``{"t": ..., "p": padding}``), so a consumer
holding the message, or a websocket subscriber pushed it, knows the end-to-end
latency; processes on one machine share that clock.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from zaqarclient.bench.histogram import Histogram
from zaqarclient.bench.settings import Settings
from zaqarclient.errors import TransportError, ZaqarError
from zaqarclient.queues.client import Client as make_client
from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue

#: End-to-end latency names: post sent -> message held by a consumer / pushed to a subscriber.
CLAIMED = "post -> claimed"
PUSHED = "post -> pushed"
_ERROR_PAUSE = 0.01  # seconds after a failed request, so a dead server is not hammered


class StopFlag(Protocol):
    """What workers poll to know the run is over (a multiprocessing or threading Event)."""

    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = None) -> bool: ...


def error_name(error: BaseException) -> str:
    """The class an error is counted under: ``ServiceUnavailableError (503)``."""
    name = type(error).__name__
    if isinstance(error, TransportError) and error.status:
        return f"{name} ({error.status})"
    return name


class Recorder:
    """One worker's figures: latencies per operation and end to end, errors, counters."""

    def __init__(self) -> None:
        self.operations: defaultdict[str, Histogram] = defaultdict(Histogram)
        self.end_to_end: defaultdict[str, Histogram] = defaultdict(Histogram)
        self.errors: Counter[str] = Counter()
        self.requests = 0
        self.messages = 0  # posted, consumed or pushed, by role
        self.started = 0.0
        self.finished = 0.0
        self.lock = threading.Lock()  # only subscribers' callbacks share a recorder

    def timed(self, operation: str, seconds: float) -> None:
        self.operations[operation].add(seconds)
        self.requests += 1

    def failed(self, error: BaseException) -> None:
        self.errors[error_name(error)] += 1
        self.requests += 1

    def to_wire(self) -> dict[str, Any]:
        """A picklable copy for the parent process."""
        return {
            "operations": {k: v.to_wire() for k, v in self.operations.items()},
            "end_to_end": {k: v.to_wire() for k, v in self.end_to_end.items()},
            "errors": dict(self.errors),
            "requests": self.requests,
            "messages": self.messages,
            "elapsed": max(self.finished - self.started, 0.0),
        }


def new_client(settings: Settings, url: str | None = None) -> Client:
    """An SDK client for one worker (no retries unless the settings ask for them)."""
    conf = {"retries": 0, **settings.conf}
    return make_client(url or settings.url, version=2, conf=conf)


def message_body(size: int) -> Callable[[], dict[str, Any]]:
    """A factory of ``size``-byte bodies carrying the send time."""
    overhead = len(json.dumps({"t": time.time(), "p": ""}, separators=(",", ":")))
    padding = "x" * max(size - overhead, 0)
    return lambda: {"t": time.time(), "p": padding}


def _stamp(body: Any) -> float | None:
    stamp = body.get("t") if isinstance(body, dict) else None
    return float(stamp) if isinstance(stamp, (int, float)) else None


def _queues(client: Client, settings: Settings) -> Iterator[Queue]:
    return itertools.cycle([client.queue(name, auto_create=False) for name in settings.queue_names])


def produce(settings: Settings, rec: Recorder, stop: StopFlag, quota: int | None) -> None:
    """Post messages until stopped (or ``quota`` messages are posted)."""
    client = new_client(settings)
    queues = _queues(client, settings)
    body = message_body(settings.message_size)
    per_post = settings.messages_per_post
    ttl = settings.message_ttl
    rec.started = time.perf_counter()
    try:
        while not stop.is_set() and (quota is None or rec.messages < quota):
            count = per_post if quota is None else min(per_post, quota - rec.messages)
            batch: list[Mapping[str, Any]] = [{"ttl": ttl, "body": body()} for _ in range(count)]
            queue = next(queues)
            started = time.perf_counter()
            try:
                queue.post(batch)
            except Exception as error:  # counted by class; a worker never dies of one
                rec.failed(error)
                time.sleep(_ERROR_PAUSE)
                continue
            rec.timed("post", time.perf_counter() - started)
            rec.messages += count
    finally:
        rec.finished = time.perf_counter()
        client.close()


def consume(settings: Settings, rec: Recorder, stop: StopFlag) -> None:
    """Claim messages and delete each one claimed, until stopped."""
    client = new_client(settings)
    queues = _queues(client, settings)
    held = rec.end_to_end[CLAIMED]
    rec.started = time.perf_counter()
    try:
        while not stop.is_set():
            queue = next(queues)
            started = time.perf_counter()
            try:
                claim = queue.claim(
                    ttl=settings.claim_ttl, grace=settings.claim_grace, limit=settings.claim_size
                )
                claimed = claim.messages
            except Exception as error:  # counted by class; a worker never dies of one
                rec.failed(error)
                time.sleep(_ERROR_PAUSE)
                continue
            rec.timed("claim" if claimed else "claim (empty)", time.perf_counter() - started)
            now = time.time()
            for message in claimed:
                stamp = _stamp(message.body)
                if stamp is not None:
                    held.add(now - stamp)
            for message in claimed:
                started = time.perf_counter()
                try:
                    message.delete()
                except Exception as error:  # counted by class, as above
                    rec.failed(error)
                    continue
                rec.timed("delete", time.perf_counter() - started)
                rec.messages += 1
    finally:
        rec.finished = time.perf_counter()
        client.close()


def _next_marker(links: list[dict[str, Any]]) -> str | None:
    for link in links:
        if link.get("rel") == "next" and link.get("href"):
            values = parse_qs(urlsplit(str(link["href"])).query).get("marker")
            return values[0] if values else None
    return None


def observe(settings: Settings, rec: Recorder, stop: StopFlag) -> None:
    """List one page of messages (claimed ones too) per request, paging through each queue."""
    client = new_client(settings)
    queues = _queues(client, settings)
    markers: dict[str, str | None] = {}
    rec.started = time.perf_counter()
    try:
        while not stop.is_set():
            queue = next(queues)
            params: dict[str, Any] = {"limit": settings.list_size}
            if settings.list_claimed:
                params["include_claimed"] = True
            marker = markers.get(queue.name)
            if marker is not None:
                params["marker"] = marker
            started = time.perf_counter()
            try:
                page = queue.messages(**params).stream(False)
                items = list(page)
            except Exception as error:  # counted by class; a worker never dies of one
                rec.failed(error)
                time.sleep(_ERROR_PAUSE)
                continue
            rec.timed("list", time.perf_counter() - started)
            rec.messages += len(items)
            # At the end of a queue start again from its head, as a dashboard would.
            markers[queue.name] = _next_marker(page.links) if items else None
    finally:
        rec.finished = time.perf_counter()
        client.close()


class Subscriber:
    """A websocket client subscribed to every benchmark queue, timing each push."""

    def __init__(self, settings: Settings, rec: Recorder) -> None:
        self.rec = rec
        self.client = new_client(settings, settings.subscriber_url)
        self._pushed = rec.end_to_end[PUSHED]
        self.subscriptions: list[Any] = []
        try:
            for name in settings.queue_names:
                started = time.perf_counter()
                subscription = self.client.subscribe(name, ttl=3600, callback=self._on_push)
                rec.timed("subscribe", time.perf_counter() - started)
                self.subscriptions.append(subscription)
        except BaseException:
            self.close()
            raise

    def _on_push(self, notification: Any) -> None:
        now = time.time()
        stamp = _stamp(getattr(notification, "body", None))
        with self.rec.lock:
            if stamp is not None:
                self._pushed.add(now - stamp)
            self.rec.messages += 1

    def run(self, stop: StopFlag) -> None:
        """Receive pushes until stopped."""
        self.rec.started = time.perf_counter()
        stop.wait()
        self.rec.finished = time.perf_counter()

    def close(self) -> None:
        for subscription in self.subscriptions:
            with contextlib.suppress(ZaqarError):
                subscription.close()
        self.client.close()
