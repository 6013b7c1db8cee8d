"""Claims through the Claim resource over websocket."""

from __future__ import annotations

import pytest

from zaqarclient.queues.v2.queues import Queue
from zaqarclient.transport.errors import ForbiddenError


def test_claim_create_get_update_delete(queue: Queue) -> None:
    queue.post([{"body": i} for i in range(3)])
    claim = queue.claim(ttl=60, grace=60, limit=2)
    assert claim.id
    messages = list(claim)
    assert [m.body for m in messages] == [0, 1]
    assert all(m.claim_id == claim.id for m in messages)
    assert messages[0].href.endswith(f"?claim_id={claim.id}")
    assert claim.ttl == 60
    assert claim.age is not None and claim.age >= 0
    claim.update(ttl=120)
    assert queue.claim(id=claim.id).ttl == 120
    assert queue.stats["messages"]["claimed"] == 2
    claim.delete()
    assert queue.stats["messages"]["claimed"] == 0


def test_claim_on_empty_queue_is_empty(queue: Queue) -> None:
    claim = queue.claim(ttl=60)
    assert claim.id is None
    assert list(claim) == []


def test_claimed_message_needs_its_claim_to_delete(queue: Queue) -> None:
    queue.post({"body": "job"})
    claim = queue.claim(ttl=60)
    (message,) = list(claim)
    with pytest.raises(ForbiddenError):
        queue.delete_message(message.id)
    message.delete()
    assert queue.stats["messages"]["total"] == 0
