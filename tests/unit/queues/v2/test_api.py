"""The v2 (and v1.1) route tables: which operations may be resent."""

from __future__ import annotations

import pytest

from zaqarclient.queues.v1_1 import api as v1_1
from zaqarclient.queues.v2 import api as v2

#: Resending these could duplicate messages, claim a second batch or lose popped messages.
NOT_IDEMPOTENT = ("message_post", "message_pop", "claim_create", "topic_message_post",
                  "topic_message_pop")


@pytest.mark.parametrize("operation", NOT_IDEMPOTENT)
def test_operations_that_must_not_be_resent(operation: str) -> None:
    assert v2.ROUTES[operation].idempotent is False
    if not operation.startswith("topic"):
        assert v1_1.ROUTES[operation].idempotent is False


def test_everything_else_is_idempotent() -> None:
    resent = {name for name, route in v2.ROUTES.items() if route.idempotent}
    assert resent == set(v2.ROUTES) - set(NOT_IDEMPOTENT)
