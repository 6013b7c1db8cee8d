"""pytest plugin: reference-server fixtures (registered through the `pytest11` entry point).

Override ``zaqar_profile`` (session scope) in a conftest to run the fixtures'
servers in another profile, e.g. ``"zaqar-21"`` for API v1.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from zaqarclient.server.clock import TestClock
from zaqarclient.server.profiles import DEFAULT_PROFILE
from zaqarclient.testing import ReferenceServer

if TYPE_CHECKING:
    from zaqarclient.queues.v2.client import Client


@pytest.fixture(scope="session")
def zaqar_profile() -> str:
    """The profile of the reference-server fixtures (default ``devstack``)."""
    return DEFAULT_PROFILE


@pytest.fixture
def zaqar_clock() -> TestClock:
    """A fresh test clock (pass it to a ReferenceServer, or use the server's `.clock`)."""
    return TestClock()


@pytest.fixture
def zaqar_reference_server(
    zaqar_clock: TestClock, zaqar_profile: str
) -> Iterator[ReferenceServer]:
    """A reference server on a free loopback port with fresh state, stopped afterwards."""
    with ReferenceServer(profile=zaqar_profile, clock=zaqar_clock) as server:
        yield server


@pytest.fixture(scope="session")
def zaqar_reference_server_session(zaqar_profile: str) -> Iterator[ReferenceServer]:
    """One reference server for the whole session; call `.reset()` to clear state."""
    with ReferenceServer(profile=zaqar_profile) as server:
        yield server


@pytest.fixture
def zaqar_client(zaqar_reference_server: ReferenceServer) -> Iterator[Client]:
    """A no-auth v2 client of `zaqar_reference_server` (project ``test-project``)."""
    with zaqar_reference_server.client() as client:
        yield client


@pytest.fixture
def zaqar_admin_client(zaqar_reference_server: ReferenceServer) -> Iterator[Client]:
    """Like `zaqar_client`, with ``X-Roles: admin`` for health, pools and flavor changes."""
    with zaqar_reference_server.client(admin=True) as client:
        yield client
