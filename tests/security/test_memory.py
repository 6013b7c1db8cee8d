"""Memory is returned: identical rounds leave RSS within 10% of the level after the first."""

from __future__ import annotations

from tests.security.memory_rounds import rss_per_round


def test_identical_rounds_of_post_claim_delete_leave_rss_flat() -> None:
    # 10,000 messages a round, claimed and deleted 500 at a time. Before the fix the
    # expiry heap kept an entry per deleted message and every emptied claim stayed
    # (about 3 MiB a round here); now both go with their last message.
    start, first, *later = rss_per_round(messages=10000, rounds=4, cycle=500)
    assert first > start
    for level in later:
        assert level <= first * 1.10, (start, first, later)
