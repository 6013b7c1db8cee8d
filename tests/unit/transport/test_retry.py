"""Retry policy: what is resent, how long to wait, and how it is configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from zaqarclient.errors import ConfigurationError, ConnectionError
from zaqarclient.transport.retry import RetryPolicy, parse_retry_after


def _error(sent: bool) -> ConnectionError:
    error = ConnectionError("down")
    error.request_sent = sent
    return error


@pytest.mark.parametrize(
    ("idempotent", "sent", "non_idempotent_ok", "attempt", "expected"),
    [
        (True, True, False, 0, True),
        (False, False, False, 0, True),   # never left: safe to resend anything
        (False, True, False, 0, False),   # may have taken effect
        (False, True, True, 0, True),
        (True, True, False, 3, False),    # out of retries
    ],
)
def test_retry_error(idempotent: bool, sent: bool, non_idempotent_ok: bool, attempt: int,
                     expected: bool) -> None:
    policy = RetryPolicy(retry_non_idempotent=non_idempotent_ok)
    assert policy.retry_error(_error(sent), idempotent, attempt) is expected


@pytest.mark.parametrize(
    ("status", "idempotent", "attempt", "expected"),
    [(503, True, 0, True), (429, True, 2, True), (500, True, 0, False), (503, False, 0, False),
     (503, True, 3, False)],
)
def test_retry_status(status: int, idempotent: bool, attempt: int, expected: bool) -> None:
    assert RetryPolicy().retry_status(status, idempotent, attempt) is expected


def test_delay_doubles_up_to_the_cap_without_jitter() -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=3.0, jitter=False)
    assert [policy.delay(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_scales_into_half_to_full() -> None:
    policy = RetryPolicy(backoff=1.0, max_backoff=10.0)
    waits = [policy.delay(2) for _ in range(50)]
    assert all(2.0 <= wait <= 4.0 for wait in waits)


def test_retry_after_wins_and_is_capped() -> None:
    policy = RetryPolicy(jitter=False, max_retry_after=10.0)
    assert policy.delay(0, "4") == 4.0
    assert policy.delay(0, "120") == 10.0
    assert policy.delay(0, "soon") == 0.5


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("3", 3.0), (" 2.5 ", 2.5), ("-4", 0.0), ("nonsense", None)],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_reads_http_dates() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    seconds = parse_retry_after(later)
    assert seconds is not None and 25 <= seconds <= 31
    earlier = format_datetime(datetime.now(UTC) - timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(earlier) == 0.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 3), (True, 3), (False, 0), (5, 5), ({"max_retries": 2}, 2)],
)
def test_from_conf(value: object, expected: int) -> None:
    assert RetryPolicy.from_conf(value).max_retries == expected


def test_from_conf_keeps_a_policy_and_reads_statuses() -> None:
    policy = RetryPolicy(max_retries=9)
    assert RetryPolicy.from_conf(policy) is policy
    assert RetryPolicy.from_conf({"retry_statuses": [500]}).retry_statuses == frozenset({500})


@pytest.mark.parametrize(
    ("value", "message"),
    [({"bogus": 1}, "unknown option"), ("3", "not str"), ({"max_retries": -1}, "0 or more"),
     ({"backoff": -1}, "0 or more")],
)
def test_from_conf_refuses_bad_values(value: object, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        RetryPolicy.from_conf(value)
