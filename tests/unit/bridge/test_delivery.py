"""Delivery: one post per queue and batch, refusals isolated, retries, dead letters, requeue."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.loopback import LoopbackServer, Recorded, Reply
from tests.support.nova import unversioned_instance_update
from zaqarclient.bridge.deadletter import DeadLetterFile, DeadLetterQueue, open_sink
from zaqarclient.bridge.delivery import Backoff, Bridge, Requeue, chunks, is_permanent
from zaqarclient.bridge.notification import Notification
from zaqarclient.bridge.rules import Delivery, Rules, compile_rules
from zaqarclient.bridge.targets import ProjectClients, ZaqarTarget
from zaqarclient.errors import ConfigurationError
from zaqarclient.testing import ReferenceServer
from zaqarclient.transport import errors as terrors

FAST = Backoff(initial=0.01, maximum=0.02)


def rules() -> Rules:
    return compile_rules({"routes": [{
        "name": "instances", "match": {"event_type": "compute.instance.*"},
        "project": "payload.tenant_id", "queue": "notifications",
        "fields": ["event_type", "payload.instance_id", "payload.state", "payload.seq",
                   "payload.blob"],
    }, {"name": "noise", "match": {"event_type": "compute.metrics.*"}, "discard": True}]})


def update(project: str, seq: int, **extra: Any) -> Notification:
    payload = unversioned_instance_update(project, f"inst-{seq}", "active", "building", seq=seq,
                                          **extra)
    return Notification("compute.instance.update", "info", payload, "compute.compute-1",
                        f"m-{seq}", "2026-12-01 10:00:00.000000")


@pytest.fixture(scope="module")
def zaqar() -> Iterator[ReferenceServer]:
    with ReferenceServer() as server:
        yield server


def bodies(server: ReferenceServer, project: str, queue: str = "notifications") -> list[Any]:
    with server.client(project) as client:
        return [m.body for m in client.queue(queue, auto_create=False).messages(echo=True)]


def make_bridge(url: str, tmp_path: Path, backoff: Backoff = FAST) -> Bridge:
    clients = ProjectClients(ZaqarTarget(url))
    return Bridge(rules(), clients, DeadLetterFile(tmp_path / "dead.jsonl"), backoff=backoff)


def dead_letters(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "dead.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_one_post_per_queue_and_batch_in_order(zaqar: ReferenceServer, tmp_path: Path) -> None:
    bridge = make_bridge(zaqar.url, tmp_path)
    batch = [update("proj-a1", n) for n in range(5)] + [update("proj-b1", n) for n in range(5, 8)]
    batch.append(Notification("compute.metrics.update", "info", {}))
    bridge.handle(batch)
    assert [b["seq"] for b in bodies(zaqar, "proj-a1")] == [0, 1, 2, 3, 4]
    assert [b["seq"] for b in bodies(zaqar, "proj-b1")] == [5, 6, 7]
    assert set(bodies(zaqar, "proj-a1")[0]) == {"event_type", "instance_id", "state", "seq"}
    totals = bridge.metrics.snapshot()["totals"]
    assert (totals["posted"], totals["post_requests"], totals["discarded"]) == (8, 2, 1)
    assert dead_letters(tmp_path) == []


def test_a_refused_message_is_isolated_and_dead_lettered(
    zaqar: ReferenceServer, tmp_path: Path
) -> None:
    bridge = make_bridge(zaqar.url, tmp_path)
    batch = [update("proj-a2", n) for n in range(6)]
    batch[3] = update("proj-a2", 3, blob="x" * 270_000)  # over Zaqar's 262144-byte post limit
    batch.append(update("p" * 257, 9))  # Zaqar refuses project ids over 256 characters
    bridge.handle(batch)
    assert [b["seq"] for b in bodies(zaqar, "proj-a2")] == [0, 1, 2, 4, 5]
    dead = dead_letters(tmp_path)
    assert [d["notification"]["message_id"] for d in dead] == ["m-3", "m-9"]
    assert dead[0]["reason"].startswith("Zaqar refused the message: 400")
    assert "too large" in dead[0]["reason"] and dead[0]["route"] == "instances"
    assert "Invalid queue identification" in dead[1]["reason"]
    assert bridge.metrics.snapshot()["totals"]["dead_lettered"] == 2


def test_no_project_goes_to_the_dead_letter_file(zaqar: ReferenceServer, tmp_path: Path) -> None:
    bridge = make_bridge(zaqar.url, tmp_path)
    orphan = update("", 1)
    orphan.context = {"auth_token": "***", "project_id": None}
    bridge.handle([orphan, Notification("image.update", "info", {"owner": "x"})])
    dead = dead_letters(tmp_path)
    assert [d["reason"] for d in dead] == ["no project at payload.tenant_id", "no route matches"]
    assert dead[0]["notification"]["payload"]["host"] == "compute-1"  # whole, for the operator
    assert dead[1]["route"] is None


def flaky(failures: int, status: int = 503) -> LoopbackServer:
    """A Zaqar that fails the first ``failures`` posts, then accepts."""
    seen: list[int] = []

    def answer(request: Recorded) -> Reply:
        seen.append(1)
        if len(seen) <= failures:
            return Reply(status, {"title": "Service temporarily unavailable",
                                  "description": "try again"})
        count = len(request.json()["messages"])
        return Reply(201, {"resources": [f"/v2/queues/q/messages/{n}" for n in range(count)]})

    return LoopbackServer(answer)


@pytest.mark.parametrize("status", [503, 500, 429, 401])
def test_transient_failures_are_retried_until_zaqar_answers(
    tmp_path: Path, status: int
) -> None:
    with flaky(2, status) as server:
        bridge = make_bridge(server.url, tmp_path)
        bridge.handle([update("proj-f", 1), update("proj-f", 2)])
        posts = [r for r in server.requests if r.method == "POST"]
    assert len(posts) == 3 and posts[0].body == posts[2].body
    assert posts[0].headers["X-Project-ID"] == "proj-f"
    snap = bridge.metrics.snapshot()
    assert snap["totals"]["retries"] == 2 and snap["totals"]["posted"] == 2
    assert snap["post_errors"] == {str(status): 2}


def test_stopping_while_retrying_requeues(tmp_path: Path) -> None:
    with flaky(10**6) as server:
        bridge = make_bridge(server.url, tmp_path, Backoff(initial=30))
        failed: list[BaseException] = []

        def run() -> None:
            try:
                bridge.handle([update("proj-s", 1)])
            except BaseException as error:
                failed.append(error)

        worker = threading.Thread(target=run)
        worker.start()
        while not server.requests:
            worker.join(0.01)
        bridge.stop()
        worker.join(5)
    assert not worker.is_alive() and isinstance(failed[0], Requeue)
    assert dead_letters(tmp_path) == []


def test_unreachable_zaqar_is_retried_and_give_up_dead_letters(tmp_path: Path) -> None:
    with LoopbackServer([Reply(503)]) as server:
        closed_url = server.url
    bridge = make_bridge(closed_url, tmp_path, Backoff(initial=0.01, give_up_after=0.1))
    bridge.handle([update("proj-u", 1)])
    dead = dead_letters(tmp_path)
    assert len(dead) == 1 and dead[0]["reason"].startswith("Zaqar unavailable for")
    snap = bridge.metrics.snapshot()
    assert snap["totals"]["retries"] >= 2 and "connection" in snap["post_errors"]


class BrokenSink:
    description = "broken"

    def __init__(self, failures: int) -> None:
        self.failures, self.stored = failures, []  # type: ignore[var-annotated]

    def write(self, records: list[dict[str, Any]]) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError(28, "No space left on device")
        self.stored.extend(records)

    def close(self) -> None:
        pass


def test_dead_letters_are_stored_before_the_batch_counts_as_done(tmp_path: Path) -> None:
    sink = BrokenSink(2)
    bridge = Bridge(rules(), None, sink, backoff=FAST)
    bridge.handle([Notification("image.update", "info", {})])
    assert [r["reason"] for r in sink.stored] == ["no route matches"]
    stuck = Bridge(rules(), None, BrokenSink(10**6), backoff=Backoff(initial=0.01))
    threading.Timer(0.1, stuck.stop).start()
    with pytest.raises(Requeue):
        stuck.handle([Notification("image.update", "info", {})])
    assert stuck.metrics.snapshot()["totals"]["dead_lettered"] == 0


def test_dead_letter_queue_in_zaqar(zaqar: ReferenceServer, tmp_path: Path) -> None:
    clients = ProjectClients(ZaqarTarget(zaqar.url))
    sink = open_sink("zaqar:ops-proj/dead-letters", clients)
    assert isinstance(sink, DeadLetterQueue) and sink.description == "zaqar:ops-proj/dead-letters"
    bridge = Bridge(rules(), clients, sink, backoff=FAST)
    big = Notification("image.update", "info", {"blob": "y" * 300_000}, message_id="m-big")
    bridge.handle([Notification("image.update", "info", {}, message_id="m-small"), big])
    stored = bodies(zaqar, "ops-proj", "dead-letters")
    assert [s["notification"]["message_id"] for s in stored] == ["m-small", "m-big"]
    assert "payload too large" in stored[1]["notification"]["payload"]["omitted"]
    for bad in ("zaqar:nothing", "zaqar:/q", "zaqar:p/"):
        with pytest.raises(ConfigurationError, match="zaqar:PROJECT/QUEUE"):
            open_sink(bad, clients)
    with pytest.raises(ConfigurationError, match="cannot open dead-letter file"):
        open_sink(str(tmp_path / "no" / "such" / "dir.jsonl"), clients)


def test_chunks_respect_count_and_size() -> None:
    def item(size: int) -> tuple[Notification, Delivery]:
        return (update("p", 0), Delivery("r", "p", "q", {"b": "x" * size}, None))

    runs = list(chunks([item(10)] * 250))
    assert [len(run) for run in runs] == [100, 100, 50]
    runs = list(chunks([item(100_000)] * 5))
    assert [len(run) for run in runs] == [2, 2, 1]
    assert list(chunks([])) == []


def test_permanent_and_transient_statuses() -> None:
    assert is_permanent(terrors.MalformedRequest())
    assert is_permanent(terrors.ForbiddenError())
    for transient in (terrors.UnauthorizedError(), terrors.ResourceNotFound(),
                      terrors.ServiceUnavailableError(), terrors.InternalServerError(),
                      terrors.TooManyRequests()):
        assert not is_permanent(transient)
