"""The consumers' bookkeeping (flow control, renewal timing, lost claims, release policy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from zaqarclient import errors
from zaqarclient.queues.v2.flow import ConsumerOptions, Ledger
from zaqarclient.transport import errors as terrors


@dataclass
class FakeMessage:
    id: str
    claim_id: str
    body: Any = None


@dataclass
class FakeClaim:
    id: str
    messages: list[FakeMessage] = field(default_factory=list)


def claim(claim_id: str, *ids: str, body: Any = "x") -> FakeClaim:
    return FakeClaim(claim_id, [FakeMessage(i, claim_id, body) for i in ids])


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ledger(**options: Any) -> tuple[Ledger, Clock]:
    clock = Clock()
    return Ledger(ConsumerOptions(**options), clock), clock


def test_room_is_bounded_by_batch_outstanding_and_bytes() -> None:
    book, _ = ledger(batch=5, max_outstanding=7, max_bytes=100)
    assert book.room() == 5
    first = claim("c1", "a", "b", "c", "d", "e", body="y" * 10)  # 12 bytes of JSON each
    book.hold(first, first.messages)
    assert book.room() == 2 and book.held_bytes == 60
    more = claim("c2", "f", "g", body="y" * 30)
    book.hold(more, more.messages)
    assert book.room() == 0  # 7 held
    for message in first.messages:
        book.start(message)
        book.settle(message, "processed")
    assert book.held == 2 and book.held_bytes == 64
    assert book.room() == 5  # 64 bytes < 100
    big = claim("c3", "h", body="z" * 40)
    book.hold(big, big.messages)
    assert book.held_bytes == 106 and book.room() == 0  # one claim passed the bound: wait


def test_renewal_is_due_at_renew_at_and_only_while_work_remains() -> None:
    book, clock = ledger(ttl=60, renew_at=0.5)
    held = claim("c1", "a", "b")
    lease = book.hold(held, held.messages)
    clock.now += 29
    assert book.due() == []
    clock.now += 1
    assert book.due() == [lease]
    book.renewed(lease, clock.now)
    assert book.due() == [] and book.stats.renewed == 1
    first, second = held.messages
    book.start(first)
    book.settle(first, "failed")  # a failed message no longer keeps the claim alive...
    clock.now += 30
    assert book.due() == [lease]  # ... but the waiting one does
    book.start(second)
    book.settle(second, "processed")
    assert book.due() == []


def test_a_renewal_that_finds_no_claim_loses_the_waiting_messages() -> None:
    book, _ = ledger()
    held = claim("c1", "a", "b")
    lease = book.hold(held, held.messages)
    book.start(held.messages[0])
    assert book.renewal_failed(lease, errors.ConnectionError("blip")) is False  # try again
    assert book.renewal_failed(lease, terrors.ResourceNotFound("gone")) is True
    assert book.start(held.messages[1]) is False  # never run
    assert (book.stats.lost, book.stats.renewal_failures) == (1, 2)
    book.settle(held.messages[0], "processed")  # the running one still finishes
    assert book.held == 0 and book.stats.processed == 1


def test_a_renewal_failing_past_the_ttl_is_a_lost_claim() -> None:
    book, clock = ledger(ttl=60)
    held = claim("c1", "a")
    lease = book.hold(held, held.messages)
    clock.now += 60
    assert book.renewal_failed(lease, errors.TimeoutError("slow")) is True


def test_release_failed_releases_a_claim_once_all_its_messages_settled() -> None:
    book, _ = ledger(release_failed=True)
    held = claim("c1", "a", "b")
    lease = book.hold(held, held.messages)
    first, second = held.messages
    book.start(first)
    book.start(second)
    assert book.settle(first, "failed") is None  # "b" still runs
    assert book.settle(second, "processed") is lease
    quiet, _ = ledger()
    quiet_claim = claim("c2", "c")
    quiet.hold(quiet_claim, quiet_claim.messages)
    quiet.start(quiet_claim.messages[0])
    assert quiet.settle(quiet_claim.messages[0], "failed") is None  # left to expire


def test_the_same_message_claimed_again_is_held_twice() -> None:
    book, _ = ledger()
    old = claim("c1", "a")
    new = claim("c2", "a")
    lost = book.hold(old, old.messages)
    book.renewal_failed(lost, terrors.ResourceNotFound("released"))
    book.hold(new, new.messages)
    assert book.held == 2
    assert book.start(old.messages[0]) is False
    assert book.start(new.messages[0]) is True
    book.settle(new.messages[0], "processed")
    assert (book.held, book.stats.lost, book.stats.processed) == (0, 1, 1)


def test_unstarted_messages_are_dropped_for_release_on_stop() -> None:
    book, _ = ledger()
    held = claim("c1", "a", "b")
    lease = book.hold(held, held.messages)
    book.start(held.messages[0])
    assert book.unstarted() == [lease]
    book.drop_unstarted(lease)
    assert book.held == 1 and book.stats.lost == 0


@pytest.mark.parametrize("options, message", [
    ({"batch": 21}, "batch"), ({"renew_at": 1.0}, "renew_at"), ({"concurrency": 0}, "concurrency"),
    ({"max_outstanding": 0}, "max_outstanding"), ({"max_bytes": 0}, "max_bytes"),
    ({"idle_wait": (0, 1)}, "idle_wait"), ({"renew_check": 0}, "renew_check"),
])
def test_bad_options_say_what_is_wrong(options: dict[str, Any], message: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=message):
        ConsumerOptions(**options)
