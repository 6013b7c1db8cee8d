"""Runs a benchmark: worker processes per role, a common start, a live progress line.

Each role's workers are threads spread over ``Settings.processes`` processes
(``spawn``-started, so nothing of the parent leaks into them). Every process
builds its clients (subscribers also subscribe) and reports ready; the run
starts for all at once, each process reports its counters twice a second, and
when the run is over it sends its recorders back to be merged.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import queue as queue_mod
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from zaqarclient.bench import workers
from zaqarclient.bench.histogram import Histogram
from zaqarclient.bench.settings import ROLES, Settings
from zaqarclient.errors import ZaqarError
from zaqarclient.transport.errors import ResourceNotFound

_READY_TIMEOUT = 60.0
_FINAL_TIMEOUT = 60.0  # a claim or post in flight must come back (SDK timeouts are 30 s)
_REPORT_EVERY = 0.5


class BenchError(Exception):
    """The run could not start or finish (a worker failed to set up, or vanished)."""


@dataclass
class RoleFigures:
    """What one role did over the run."""

    workers: int
    processes: int
    requests: int = 0
    messages: int = 0
    elapsed: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)


@dataclass
class Outcome:
    """A finished run: per-role figures, merged histograms, errors by class."""

    settings: Settings
    duration: float
    roles: dict[str, RoleFigures]
    operations: dict[str, Histogram]
    end_to_end: dict[str, Histogram]
    interrupted: bool = False

    @property
    def errors(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for figures in self.roles.values():
            total.update(figures.errors)
        return total


def split(total: int, parts: int) -> list[int]:
    """``total`` spread over ``parts`` as evenly as possible (larger shares first)."""
    if parts <= 0:
        return []
    share, rest = divmod(total, parts)
    return [share + (1 if index < rest else 0) for index in range(parts)]


# --------------------------------------------------------------------- worker side


def process_main(
    role: str, index: int, settings: Settings, quotas: list[int | None],
    channel: Any, go: Any, stop: Any,
) -> None:
    """One worker process: ``len(quotas)`` threads of ``role``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    recorders = [workers.Recorder() for _ in quotas]
    subscribers: list[workers.Subscriber] = []
    try:
        if role == "subscriber":
            subscribers = [workers.Subscriber(settings, rec) for rec in recorders]
        targets = _targets(role, settings, recorders, quotas, subscribers, stop)
    except (ZaqarError, OSError) as error:
        channel.put(("failed", role, index, f"{workers.error_name(error)}: {error}"))
        return
    channel.put(("ready", role, index, None))
    go.wait()
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    while alive := [thread for thread in threads if thread.is_alive()]:
        alive[0].join(_REPORT_EVERY)
        counters = (sum(r.requests for r in recorders), sum(r.messages for r in recorders),
                    sum(sum(r.errors.values()) for r in recorders))
        channel.put(("progress", role, index, counters))
    for subscriber in subscribers:
        subscriber.close()
    channel.put(("final", role, index, [rec.to_wire() for rec in recorders]))


def _targets(
    role: str, settings: Settings, recorders: list[workers.Recorder],
    quotas: list[int | None], subscribers: list[workers.Subscriber], stop: Any,
) -> list[Callable[[], None]]:
    if role == "producer":
        return [functools.partial(workers.produce, settings, r, stop, q)
                for r, q in zip(recorders, quotas, strict=True)]
    if role == "consumer":
        return [functools.partial(workers.consume, settings, r, stop) for r in recorders]
    if role == "observer":
        return [functools.partial(workers.observe, settings, r, stop) for r in recorders]
    return [functools.partial(s.run, stop) for s in subscribers]


# --------------------------------------------------------------------- parent side


def prepare_queues(settings: Settings, delete: bool) -> None:
    """Delete the benchmark queues (before a run unless ``--no-reset``, after it too)."""
    if not delete:
        return
    with workers.new_client(settings) as client:
        for name in settings.queue_names:
            with contextlib.suppress(ResourceNotFound):
                client.queue(name, auto_create=False).delete()


class Progress:
    """The live line on stderr: elapsed time, requests and rate per role, errors."""

    def __init__(self, settings: Settings, stream: TextIO, enabled: bool | None) -> None:
        self.settings = settings
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self._drawn = False

    def draw(self, elapsed: float, counters: dict[str, list[int]]) -> None:
        if not self.enabled:
            return
        goal = (f"{self.settings.messages} messages" if self.settings.messages
                else f"{self.settings.duration:g} s")
        parts = [f"{elapsed:5.1f} s / {goal}"]
        errors = 0
        for role in ROLES:
            if role in counters:
                requests, messages, failed = counters[role]
                noun = "pushes" if role == "subscriber" else "req"
                count = messages if role == "subscriber" else requests
                rate = count / elapsed if elapsed > 0 else 0.0
                parts.append(f"{role} {count} {noun} ({rate:.0f}/s)")
                errors += failed
        parts.append(f"errors {errors}")
        self.stream.write("\r" + "  ".join(parts) + "\033[K")
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()


def run(settings: Settings, stream: TextIO = sys.stderr) -> Outcome:
    """Run the benchmark ``settings`` describes and return what it measured."""
    # Bad auth options or URLs fail here, in one line, not in every worker thread.
    workers.new_client(settings).close()
    if settings.workers.get("subscriber"):
        workers.new_client(settings, settings.subscriber_url).close()
    prepare_queues(settings, settings.reset)
    context = multiprocessing.get_context("spawn")
    channel = context.Queue()
    go, stop = context.Event(), context.Event()
    processes: dict[tuple[str, int], Any] = {}
    for role in ROLES:
        threads = split(settings.workers.get(role, 0), settings.processes_for(role))
        quotas: list[int | None]
        if role == "producer" and settings.messages:
            quotas = list(split(settings.messages, sum(threads)))
        else:
            quotas = [None] * sum(threads)
        offset = 0
        for index, count in enumerate(threads):
            share = quotas[offset:offset + count]
            offset += count
            processes[(role, index)] = context.Process(
                target=process_main, args=(role, index, settings, share, channel, go, stop),
                name=f"zaqarclient-bench-{role}-{index}", daemon=True,
            )
    for process in processes.values():
        process.start()
    try:
        _wait_ready(processes, channel)
        outcome = _measure(settings, processes, channel, go, stop, Progress(
            settings, stream, settings.progress))
    finally:
        stop.set()
        go.set()
        for process in processes.values():
            process.join(5)
            if process.is_alive():
                process.terminate()
    if not settings.keep_queues:
        prepare_queues(settings, True)
    return outcome


def _wait_ready(processes: dict[tuple[str, int], Any], channel: Any) -> None:
    pending = set(processes)
    deadline = time.monotonic() + _READY_TIMEOUT
    while pending:
        try:
            kind, role, index, detail = channel.get(timeout=0.2)
        except queue_mod.Empty:
            dead = [key for key in pending if processes[key].exitcode is not None]
            if dead:
                role, index = dead[0]
                raise BenchError(f"the {role} process {index} exited with code "
                                 f"{processes[dead[0]].exitcode} before it was ready") from None
            if time.monotonic() > deadline:
                raise BenchError(f"workers did not get ready in {_READY_TIMEOUT:.0f} s: "
                                 f"{sorted(pending)}") from None
            continue
        if kind == "failed":
            raise BenchError(f"a {role} could not start: {detail}")
        pending.discard((role, index))


def _measure(
    settings: Settings, processes: dict[tuple[str, int], Any], channel: Any,
    go: Any, stop: Any, progress: Progress,
) -> Outcome:
    counters: dict[tuple[str, int], list[int]] = {key: [0, 0, 0] for key in processes}
    finals: dict[tuple[str, int], list[dict[str, Any]]] = {}
    interrupted = False
    go.set()
    started = time.monotonic()
    stopped_at: float | None = None
    last_draw = 0.0
    try:
        while len(finals) < len(processes):
            now = time.monotonic()
            if stopped_at is None and _done(settings, now - started, counters, finals):
                stop.set()
                stopped_at = now
            if stopped_at is not None and now - stopped_at > _FINAL_TIMEOUT:
                missing = sorted(set(processes) - set(finals))
                raise BenchError(f"workers did not report back after the run: {missing}")
            try:
                kind, role, index, detail = channel.get(timeout=0.1)
            except queue_mod.Empty:
                kind = ""
            if kind == "progress":
                counters[(role, index)] = list(detail)
            elif kind == "final":
                finals[(role, index)] = detail
            if now - last_draw >= _REPORT_EVERY:
                progress.draw(now - started, _by_role(counters))
                last_draw = now
    except KeyboardInterrupt:
        interrupted = True
        stop.set()
        stopped_at = stopped_at or time.monotonic()
        finals.update(_drain(channel, len(processes) - len(finals)))
    progress.finish()
    duration = (stopped_at or time.monotonic()) - started
    return _outcome(settings, duration, finals, interrupted)


def _drain(channel: Any, expected: int) -> dict[tuple[str, int], list[dict[str, Any]]]:
    finals: dict[tuple[str, int], list[dict[str, Any]]] = {}
    deadline = time.monotonic() + _FINAL_TIMEOUT
    while len(finals) < expected and time.monotonic() < deadline:
        with contextlib.suppress(queue_mod.Empty):
            kind, role, index, detail = channel.get(timeout=0.5)
            if kind == "final":
                finals[(role, index)] = detail
    return finals


def _by_role(counters: dict[tuple[str, int], list[int]]) -> dict[str, list[int]]:
    totals: dict[str, list[int]] = {}
    for (role, _), values in counters.items():
        row = totals.setdefault(role, [0, 0, 0])
        for position, value in enumerate(values):
            row[position] += value
    return totals


def _done(
    settings: Settings, elapsed: float, counters: dict[tuple[str, int], list[int]],
    finals: dict[tuple[str, int], list[dict[str, Any]]],
) -> bool:
    if elapsed >= settings.duration:
        return True
    if not settings.messages:
        return False
    producers = [key for key in counters if key[0] == "producer"]
    if not all(key in finals for key in producers):
        return False
    totals = _by_role(counters)
    if "consumer" in totals and totals["consumer"][1] < settings.messages:
        return False
    expected_pushes = settings.messages * settings.workers.get("subscriber", 0)
    return not ("subscriber" in totals and totals["subscriber"][1] < expected_pushes)


def _outcome(
    settings: Settings, duration: float,
    finals: dict[tuple[str, int], list[dict[str, Any]]], interrupted: bool,
) -> Outcome:
    roles = {
        role: RoleFigures(settings.workers[role], settings.processes_for(role))
        for role in ROLES if settings.workers.get(role)
    }
    operations: dict[str, Histogram] = {}
    end_to_end: dict[str, Histogram] = {}
    for (role, _), recorders in finals.items():
        figures = roles[role]
        for wire in recorders:
            figures.requests += wire["requests"]
            figures.messages += wire["messages"]
            figures.elapsed = max(figures.elapsed, wire["elapsed"])
            figures.errors.update(wire["errors"])
            for target, source in ((operations, wire["operations"]),
                                   (end_to_end, wire["end_to_end"])):
                for name, data in source.items():
                    target.setdefault(name, Histogram()).merge(Histogram.from_wire(data))
    return Outcome(settings, duration, roles, operations, end_to_end, interrupted)
