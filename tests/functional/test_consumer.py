"""The consumer helper: claim, handle, delete; failures retried after expiry and dead-lettered."""

from __future__ import annotations

import pytest

from tests.conftest import Backend
from zaqarclient import errors
from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.consumer import Consumer
from zaqarclient.queues.v2.message import Message


def test_consumer_processes_and_deletes_everything(client: Client) -> None:
    queue = client.queue("work")
    queue.post([{"body": i} for i in range(25)])
    seen: list[int] = []
    stats = queue.consumer(lambda m: seen.append(m.body), batch=7).run(until_empty=True)
    assert sorted(seen) == list(range(25))
    assert (stats.processed, stats.failed, stats.claims) == (25, 0, 4)
    assert queue.stats["messages"]["total"] == 0


def test_failed_messages_come_back_after_the_claim_expires(reference_backend: Backend) -> None:
    queue = reference_backend.client().queue("flaky")
    queue.post([{"body": "ok"}, {"body": "boom"}])
    attempts: list[str] = []

    def handle(message: Message) -> None:
        attempts.append(message.body)
        if message.body == "boom" and attempts.count("boom") == 1:
            raise RuntimeError("transient failure")

    consumer = queue.consumer(handle, ttl=60, grace=60)
    assert consumer.run(until_empty=True).failed == 1
    assert queue.consumer(handle).run(until_empty=True).processed == 0  # still claimed
    reference_backend.advance(61)
    stats = consumer.run(until_empty=True)
    assert attempts == ["ok", "boom", "boom"]
    assert stats.processed == 2 and queue.stats["messages"]["total"] == 0


def test_a_failure_does_not_stop_the_rest_of_the_queue(client: Client) -> None:
    queue = client.queue("mixed")
    queue.post([{"body": "bad"}, {"body": "good-1"}, {"body": "good-2"}])
    handled: list[str] = []

    def handle(message: Message) -> None:
        if message.body == "bad":
            raise RuntimeError("bad message")
        handled.append(message.body)

    stats = queue.consumer(handle, batch=1).run(until_empty=True)
    assert handled == ["good-1", "good-2"] and stats.failed == 1


def test_release_failed_makes_messages_claimable_at_once(client: Client) -> None:
    queue = client.queue("released")
    queue.post({"body": "boom"})

    def fail(_: Message) -> None:
        raise RuntimeError("no")

    queue.consumer(fail, release_failed=True).run(until_empty=True)
    assert [m.body for m in queue.claim(limit=1)] == ["boom"]


def test_poison_messages_reach_the_dead_letter_queue(reference_backend: Backend) -> None:
    client = reference_backend.client()
    client.queue("poison-dlq", force_create=True)
    queue = client.queue("poisoned")
    queue.create({"_max_claim_count": 2, "_dead_letter_queue": "poison-dlq"})
    queue.post({"body": "poison"})

    def fail(_: Message) -> None:
        raise ValueError("cannot handle")

    consumer = queue.consumer(fail, ttl=60, grace=60)
    for _ in range(3):
        consumer.run(until_empty=True)
        reference_backend.advance(61)
    assert consumer.stats.failed == 2
    assert list(queue.messages(echo=True, include_claimed=True)) == []
    assert [m.body for m in client.queue("poison-dlq").messages(echo=True,
                                                                 include_claimed=True)] == [
        "poison"]


def test_long_handlers_renew_the_claim(reference_backend: Backend) -> None:
    queue = reference_backend.client().queue("slow")
    queue.post([{"body": i} for i in range(3)])
    now = [0.0]

    def slow(_: Message) -> None:
        now[0] += 40  # each message takes 40 s of (fake) time
        reference_backend.advance(40)

    consumer = queue.consumer(slow, ttl=60, grace=60, clock=lambda: now[0])
    stats = consumer.run(until_empty=True)
    assert stats.processed == 3 and stats.renewals >= 1 and stats.lost == 0
    assert queue.stats["messages"]["total"] == 0


def test_idle_waits_back_off_and_stop_ends_the_loop(client: Client) -> None:
    waits: list[float] = []
    consumer: Consumer

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 4:
            consumer.stop()

    consumer = client.queue("idle").consumer(print, idle_wait=(0.5, 1.5), sleep=sleep)
    consumer.run()
    assert waits == [0.5, 1.0, 1.5, 1.5]


def test_bad_options_are_rejected(client: Client) -> None:
    queue = client.queue("opts")
    with pytest.raises(errors.ConfigurationError, match="batch"):
        queue.consumer(print, batch=21)
    with pytest.raises(errors.ConfigurationError, match="renew_at"):
        queue.consumer(print, renew_at=1.5)
