"""Retry policy: exponential backoff with jitter, honouring ``Retry-After``."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from zaqarclient.errors import ConfigurationError, ConnectionError

#: Statuses that mean "try again later" without the request having taken effect.
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before resending a request.

    Idempotent requests are retried on connection errors and on
    ``retry_statuses``; others only when the connection could not be opened
    (the request surely never left), unless ``retry_non_idempotent`` is set.
    The n-th wait is ``min(max_backoff, backoff * 2**n)``, scaled by a random
    factor in [0.5, 1] when ``jitter`` is on; a server's ``Retry-After`` wins
    (capped at ``max_retry_after``).
    """

    max_retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 5.0
    jitter: bool = True
    retry_statuses: frozenset[int] = RETRY_STATUSES
    retry_non_idempotent: bool = False
    max_retry_after: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ConfigurationError("retries: max_retries must be 0 or more")
        if self.backoff < 0 or self.max_backoff < 0:
            raise ConfigurationError("retries: backoff values must be 0 or more")

    @classmethod
    def from_conf(cls, value: Any) -> RetryPolicy:
        """Build a policy from a conf value: a policy, an int, a dict or None."""
        if value is None:
            return cls()
        if isinstance(value, RetryPolicy):
            return value
        if isinstance(value, bool):
            return cls(max_retries=3 if value else 0)
        if isinstance(value, int):
            return cls(max_retries=value)
        if isinstance(value, Mapping):
            known = {f for f in cls.__dataclass_fields__}
            unknown = set(value) - known
            if unknown:
                raise ConfigurationError(
                    f"retries: unknown option(s) {sorted(unknown)}; known: {sorted(known)}"
                )
            kwargs = dict(value)
            if "retry_statuses" in kwargs:
                kwargs["retry_statuses"] = frozenset(kwargs["retry_statuses"])
            return cls(**kwargs)
        raise ConfigurationError(
            f"retries must be an int, a dict or a RetryPolicy, not {type(value).__name__}"
        )

    def retry_error(self, error: ConnectionError, idempotent: bool, attempt: int) -> bool:
        """Whether to resend after ``error`` (no answer came) when ``attempt`` sends were made.

        ``attempt`` counts the resends so far (0 after the first send).
        """
        if attempt >= self.max_retries:
            return False
        return idempotent or not error.request_sent or self.retry_non_idempotent

    def retry_status(self, status: int, idempotent: bool, attempt: int) -> bool:
        """Whether to resend after an answer with ``status`` ("try again later" ones only)."""
        return (
            attempt < self.max_retries
            and status in self.retry_statuses
            and (idempotent or self.retry_non_idempotent)
        )

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        hinted = parse_retry_after(retry_after)
        if hinted is not None:
            return min(hinted, self.max_retry_after)
        wait = float(min(self.max_backoff, self.backoff * (2.0**attempt)))
        if self.jitter:
            wait *= random.uniform(0.5, 1.0)
        return wait


#: The websocket default: one immediate resend, since reopening the connection is the wait.
WEBSOCKET_DEFAULT = RetryPolicy(max_retries=1, backoff=0.0, jitter=False)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
