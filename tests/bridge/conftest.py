"""Bridge tests: a real RabbitMQ, oslo.messaging Notifiers, bridges as processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.bridge_fixtures import (  # noqa: F401 - fixtures for the bridge tests
    broker,
    exchange,
    notifier,
    rules_file,
    start_bridge,
)
from tests.support.fixtures import real_zaqar_v2  # noqa: F401 - the contract test's target
from zaqarclient.testing import ReferenceServer


@pytest.fixture(scope="module")
def zaqar() -> Iterator[ReferenceServer]:
    """A reference server for the bridges to post to."""
    with ReferenceServer() as server:
        yield server
