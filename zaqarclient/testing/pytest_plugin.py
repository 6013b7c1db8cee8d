"""pytest plugin: reference-server fixtures (registered through the `pytest11` entry point)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zaqarclient.server.clock import TestClock
from zaqarclient.testing import ReferenceServer


@pytest.fixture
def zaqar_clock() -> TestClock:
    """A fresh test clock (pass it to a ReferenceServer, or use the server's `.clock`)."""
    return TestClock()


@pytest.fixture
def zaqar_reference_server(zaqar_clock: TestClock) -> Iterator[ReferenceServer]:
    """A reference server on a free loopback port with fresh state, stopped afterwards."""
    with ReferenceServer(clock=zaqar_clock) as server:
        yield server


@pytest.fixture(scope="session")
def zaqar_reference_server_session() -> Iterator[ReferenceServer]:
    """One reference server for the whole session; call `.reset()` to clear state."""
    with ReferenceServer() as server:
        yield server
