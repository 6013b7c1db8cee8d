"""Session-scoped pytest fixtures that start real Zaqar servers on first use.

Import them into a conftest (``from tests.support.fixtures import *``). Several
conftests may import them: instances are shared per process and reference counted,
so each kind of server starts at most once per pytest process (or xdist worker).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.real_zaqar import V1_1_VERSION, V2_VERSION, RealZaqar, missing_install_reason
from tests.support.redis_store import RedisStore

__all__ = [
    "pool_store",
    "real_zaqar_v1_1",
    "real_zaqar_v1_1_pooling",
    "real_zaqar_v2",
    "real_zaqar_v2_no_virtual_pool",
    "real_zaqar_v2_not_pooled",
    "real_zaqar_v2_pooling",
    "real_zaqar_ws",
]

# What Zaqar 23.0.1's devstack plugin sets (the reference server's default profile):
# admin_mode, unreliable, pooling with a virtual pool, the notifier, a signed-URL key.
DEVSTACK: dict[str, Any] = {
    "version": V2_VERSION, "admin_mode": True, "unreliable": True, "pooling": True,
    "virtual_pool": True, "notifier": True,
}
# Zaqar 21.0.0's own defaults plus v1.1 (the zaqar-21 profile), with admin mode on so
# that the v1.1 health and admin routes exist.
ZAQAR_21: dict[str, Any] = {
    "version": V1_1_VERSION, "enable_v1_1": True, "admin_mode": True, "unreliable": False,
}

# name -> keyword arguments of RealZaqar
KINDS: dict[str, dict[str, Any]] = {
    "v2": DEVSTACK,
    # A second devstack-like server: pool tests register pools here, away from "v2".
    "v2_pooling": DEVSTACK,
    # No pooling: queue listing and topics on the Redis driver itself.
    "v2_not_pooled": {"version": V2_VERSION, "admin_mode": True, "notifier": True},
    # Pooling without a virtual pool (Zaqar's own default for enable_virtual_pool).
    "v2_no_virtual_pool": {"version": V2_VERSION, "admin_mode": True, "pooling": True},
    "v1_1": ZAQAR_21,
    "v1_1_pooling": {**ZAQAR_21, "pooling": True},
    "ws": {**DEVSTACK, "transport": "websocket"},
}

_running: dict[str, tuple[RealZaqar, int]] = {}


def shared_server(kind: str) -> Iterator[RealZaqar]:
    """Yield the process-wide server of one kind, starting it on first use."""
    options = KINDS[kind]
    reason = missing_install_reason(options["version"])
    if reason is not None:
        pytest.skip(reason)
    if kind in _running:
        server, users = _running[kind]
    else:
        server, users = RealZaqar(**options).start(), 0
    _running[kind] = (server, users + 1)
    try:
        yield server
    finally:
        server, users = _running[kind]
        if users == 1:
            del _running[kind]
            server.stop()
        else:
            _running[kind] = (server, users - 1)


@pytest.fixture(scope="session")
def real_zaqar_v2() -> Iterator[RealZaqar]:
    """Zaqar 23.0.1 configured as devstack does (WSGI), with the test signed-URL key."""
    yield from shared_server("v2")


@pytest.fixture(scope="session")
def real_zaqar_v2_pooling() -> Iterator[RealZaqar]:
    """Another devstack-like Zaqar 23.0.1, for tests that register pools."""
    yield from shared_server("v2_pooling")


@pytest.fixture(scope="session")
def real_zaqar_v2_not_pooled() -> Iterator[RealZaqar]:
    """Zaqar 23.0.1 without pooling (admin mode, notifier): the Redis driver alone."""
    yield from shared_server("v2_not_pooled")


@pytest.fixture(scope="session")
def real_zaqar_v2_no_virtual_pool() -> Iterator[RealZaqar]:
    """Zaqar 23.0.1 with ``pooling = True`` and no virtual pool (no pool registered yet)."""
    yield from shared_server("v2_no_virtual_pool")


@pytest.fixture(scope="session")
def real_zaqar_v1_1() -> Iterator[RealZaqar]:
    """Zaqar 21.0.0's defaults with ``enable_deprecated_api_versions = 1.1`` and admin mode."""
    yield from shared_server("v1_1")


@pytest.fixture(scope="session")
def real_zaqar_v1_1_pooling() -> Iterator[RealZaqar]:
    """Zaqar 21.0.0 with v1.1 enabled and ``pooling = True`` (no pool registered yet)."""
    yield from shared_server("v1_1_pooling")


@pytest.fixture(scope="session")
def real_zaqar_ws() -> Iterator[RealZaqar]:
    """Zaqar 23.0.1 on the websocket transport, notifier pipeline on."""
    yield from shared_server("ws")


@pytest.fixture(scope="session")
def pool_store() -> Iterator[RedisStore]:
    """A redis-server for the reference server's pools: ``pool_store.uri(n)`` is database n."""
    with RedisStore() as store:
        yield store
