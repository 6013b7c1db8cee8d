"""Both consumers (sync threads, asyncio tasks): claims renewed in the background, flow control.

Each test runs the same handler (a plain function; the asyncio consumer runs
it in a worker thread) on the sync and on the asyncio consumer, against the
reference server, whose clock the handler moves to be slower than the
claim ttl without sleeping.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import zaqarclient.aio
from tests.conftest import BACKENDS, Backend, new_project
from zaqarclient.queues.v2.flow import ConsumerStats

Handler = Callable[[Any], object]


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Whether ``condition`` became true within ``timeout`` seconds of real time."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


class Run:
    """Runs a consumer of one kind (``sync`` or ``asyncio``) on a queue of a project."""

    def __init__(self, kind: str, backend: Backend, project: str, queue: str) -> None:
        self.kind = kind
        self.backend = backend
        self.project = project
        self.queue = queue
        self.consumer: Any = None

    @property
    def stats(self) -> ConsumerStats:
        stats: ConsumerStats = self.consumer.stats
        return stats

    def __call__(self, handler: Handler, **options: Any) -> ConsumerStats:
        options.setdefault("until_empty", True)
        until_empty = options.pop("until_empty")
        if self.kind == "sync":
            self.consumer = self.backend.client(self.project).queue(self.queue).consumer(
                handler, **options)
            return self.consumer.run(until_empty=until_empty)  # type: ignore[no-any-return]
        return asyncio.run(self._run_async(handler, until_empty, options))

    async def _run_async(
        self, handler: Handler, until_empty: bool, options: dict[str, Any]
    ) -> ConsumerStats:
        conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": self.project}}}
        async with zaqarclient.aio.Client(self.backend.url, conf=conf) as client:
            self.consumer = client.queue(self.queue).consumer(handler, **options)
            return await self.consumer.run(until_empty=until_empty)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def lease_server() -> Iterator[Any]:
    """A reference server of this module's own: its clock moves far (minutes per test)."""
    from zaqarclient.testing import ReferenceServer

    with ReferenceServer() as server:
        yield server


@pytest.fixture
def reference_backend(lease_server: Any) -> Backend:
    """This module's reference server, with its clock."""
    return Backend("reference", lease_server.url, clock=lease_server.clock)


@pytest.fixture(params=["sync", "asyncio"])
def kind(request: pytest.FixtureRequest) -> str:
    """Which consumer a test runs."""
    return str(request.param)


def test_a_handler_slower_than_three_ttls_keeps_its_message(
    reference_backend: Backend, kind: str
) -> None:
    backend = reference_backend
    project = new_project()
    producer = backend.client(project)
    producer.queue("slow").post({"body": "long job"})
    other_worker = backend.client(project).queue("slow")
    run = Run(kind, backend, project, "slow")
    deliveries: list[str] = []
    second_deliveries: list[Any] = []

    def slow(message: Any) -> None:
        deliveries.append(message.body)
        for step in range(1, 20):  # 19 x 10 s of server time: 190 s > 3 claim ttls
            backend.advance(10)
            # The renewer (real time) catches up with the server clock: due every 30 s.
            wait_until(lambda: run.stats.renewals >= (step * 10) // 30)  # noqa: B023
            second_deliveries.extend(other_worker.claim(ttl=60, grace=60, limit=5))

    stats = run(slow, ttl=60, grace=60, clock=backend.clock.now)
    assert second_deliveries == []
    assert deliveries == ["long job"]
    assert (stats.processed, stats.failed, stats.lost) == (1, 0, 0)
    assert stats.renewed >= 6 and stats.renewal_failures == 0
    assert producer.queue("slow").stats["messages"]["total"] == 0


def test_a_failed_message_is_no_longer_renewed_and_comes_back(
    reference_backend: Backend, kind: str
) -> None:
    backend = reference_backend
    project = new_project()
    backend.client(project).queue("fails").post([{"body": "bad"}, {"body": "slow"}])
    run = Run(kind, backend, project, "fails")
    failed = threading.Event()

    def handle(message: Any) -> None:
        if message.body == "bad":
            failed.set()
            raise RuntimeError("cannot handle")
        failed.wait(5)
        for step in range(1, 10):  # 90 s: the claim lives on for "slow" alone
            backend.advance(10)
            wait_until(lambda: run.stats.renewed >= (step * 10) // 30)  # noqa: B023

    stats = run(handle, ttl=60, grace=60, concurrency=2, clock=backend.clock.now)
    assert (stats.processed, stats.failed, stats.lost) == (1, 1, 0)
    # "bad" was left claimed and expired with the claim (no renewal once it failed)...
    backend.advance(61)
    again = backend.client(project).queue("fails").claim(ttl=60, limit=5)
    assert [m.body for m in again] == ["bad"]


def test_at_most_concurrency_handlers_run_at_once(reference_backend: Backend, kind: str) -> None:
    project = new_project()
    reference_backend.client(project).queue("wide").post([{"body": i} for i in range(12)])
    run = Run(kind, reference_backend, project, "wide")
    lock = threading.Lock()
    running = [0]
    peak = [0]
    all_four = threading.Barrier(4, timeout=5)

    def handle(message: Any) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        if message.body < 4:
            all_four.wait()  # the first four overlap, or this times out
        time.sleep(0.005)
        with lock:
            running[0] -= 1

    stats = run(handle, concurrency=4, batch=5)
    assert stats.processed == 12 and peak[0] == 4


def test_max_outstanding_bounds_the_messages_held(reference_backend: Backend, kind: str) -> None:
    project = new_project()
    reference_backend.client(project).queue("held").post([{"body": i} for i in range(9)])
    run = Run(kind, reference_backend, project, "held")
    claimed_now: list[int] = []
    probe = reference_backend.client(project).queue("held")

    def handle(_: Any) -> None:
        claimed_now.append(probe.stats["messages"]["claimed"])

    stats = run(handle, concurrency=2, batch=10, max_outstanding=3)
    assert stats.processed == 9 and stats.claims >= 3
    assert max(claimed_now) <= 3


def test_max_bytes_bounds_the_bodies_held(reference_backend: Backend, kind: str) -> None:
    project = new_project()
    body = "x" * 1000
    reference_backend.client(project).queue("big").post([{"body": body} for _ in range(6)])
    run = Run(kind, reference_backend, project, "big")
    claimed_now: list[int] = []
    probe = reference_backend.client(project).queue("big")

    def handle(_: Any) -> None:
        claimed_now.append(probe.stats["messages"]["claimed"])

    # 1,002 bytes each: a 2-message claim holds 2,004 (one claim may pass the bound),
    # and the next claim waits until less than 1,000 is held, that is, none.
    stats = run(handle, batch=2, max_bytes=1000)
    assert stats.processed == 6 and max(claimed_now) <= 2


def test_a_lost_claim_is_reported_and_counted(reference_backend: Backend, kind: str) -> None:
    backend = reference_backend
    project = new_project()
    queue = backend.client(project).queue("stolen")
    queue.post([{"body": 1}, {"body": 2}])
    run = Run(kind, backend, project, "stolen")
    reported: list[tuple[str, str]] = []
    handled: list[str] = []

    def handle(message: Any) -> None:
        if handled:
            return
        handled.append(message.id)
        # Only the first claim is released under us: releasing later ones too would let
        # the consumer claim a message again between the release and its delete (a
        # second, timing-dependent loss).
        backend.client(project).queue("stolen").claim(id=message.claim_id).delete()
        backend.advance(40)
        wait_until(lambda: bool(reported))

    # max_outstanding=2: no claim while both are held (the release frees them).
    stats = run(handle, ttl=60, grace=60, clock=backend.clock.now, max_outstanding=2,
                on_renewal_failure=lambda claim, error: reported.append(
                    (claim.id, type(error).__name__)))
    assert reported and reported[0][1] == "ResourceNotFound"
    assert stats.renewal_failures >= 1
    # The one running finished and was deleted (free, not re-claimed, so without the
    # claim); the one waiting behind it was dropped as lost, then claimed again and done.
    assert (stats.processed, stats.lost, stats.failed, stats.claims) == (2, 1, 0, 2), stats
    assert queue.stats["messages"]["total"] == 0


def test_stop_drains_running_handlers_and_releases_the_rest(
    reference_backend: Backend, kind: str
) -> None:
    project = new_project()
    reference_backend.client(project).queue("drain").post([{"body": i} for i in range(5)])
    run = Run(kind, reference_backend, project, "drain")
    started = threading.Event()
    finished: list[int] = []

    def handle(message: Any) -> None:
        started.set()
        if kind == "sync":
            run.consumer.stop()
        else:
            loop = run.loop
            asyncio.run_coroutine_threadsafe(run.consumer.stop(), loop)
        time.sleep(0.05)
        finished.append(message.body)

    if kind == "asyncio":
        original = run._run_async

        async def capture(*args: Any) -> ConsumerStats:
            run.loop = asyncio.get_running_loop()  # type: ignore[attr-defined]
            return await original(*args)

        run._run_async = capture  # type: ignore[method-assign]
    stats = run(handle, batch=5, until_empty=False)
    assert finished == [0] and stats.processed == 1
    # The four never started were released: claimable at once.
    again = reference_backend.client(project).queue("drain").claim(limit=10)
    assert sorted(m.body for m in again) == [1, 2, 3, 4]


@pytest.mark.skipif("real" not in BACKENDS, reason="ZAQARCLIENT_BACKENDS leaves real Zaqar out")
def test_on_real_zaqar_handlers_slower_than_the_ttl_keep_their_messages(
    real_zaqar_v2: Any,
) -> None:
    """Real time, so one claim ttl (Zaqar's shortest, 60 s) rather than three; both consumers
    run side by side in the same minute."""
    backend = Backend("real", real_zaqar_v2.url)
    project = new_project()
    outcomes: dict[str, tuple[ConsumerStats, list[Any]]] = {}

    def consume(kind: str) -> None:
        name = "slow-" + kind
        backend.client(project).queue(name).post({"body": kind})
        probe = backend.client(project).queue(name)
        second_deliveries: list[Any] = []

        def slow(_: Any) -> None:
            deadline = time.monotonic() + 65  # past the claim's 60 s
            while time.monotonic() < deadline:
                second_deliveries.extend(probe.claim(ttl=60, grace=60, limit=5))
                time.sleep(5)

        stats = Run(kind, backend, project, name)(slow, ttl=60, grace=60, renew_check=1.0)
        outcomes[kind] = (stats, second_deliveries)

    workers = [threading.Thread(target=consume, args=(kind,)) for kind in ("sync", "asyncio")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    for kind in ("sync", "asyncio"):
        stats, second_deliveries = outcomes[kind]
        assert second_deliveries == [], kind
        assert (stats.processed, stats.lost, stats.renewal_failures) == (1, 0, 0), kind
        assert stats.renewed >= 2, kind  # at 30 s and 60 s
