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
    "real_zaqar_v2_pooling",
    "real_zaqar_ws",
]

# name -> keyword arguments of RealZaqar
KINDS: dict[str, dict[str, Any]] = {
    "v2": {"version": V2_VERSION, "notifier": True},
    "v2_pooling": {"version": V2_VERSION, "pooling": True},
    "v1_1": {"version": V1_1_VERSION, "enable_v1_1": True},
    "v1_1_pooling": {"version": V1_1_VERSION, "enable_v1_1": True, "pooling": True},
    "ws": {"version": V2_VERSION, "transport": "websocket", "notifier": True},
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
    """Zaqar 23.0.1, WSGI, notifier pipeline on, the test signed-URL key."""
    yield from shared_server("v2")


@pytest.fixture(scope="session")
def real_zaqar_v2_pooling() -> Iterator[RealZaqar]:
    """Zaqar 23.0.1 with ``pooling = True`` (no pool registered yet)."""
    yield from shared_server("v2_pooling")


@pytest.fixture(scope="session")
def real_zaqar_v1_1() -> Iterator[RealZaqar]:
    """Zaqar 21.0.0 with ``enable_deprecated_api_versions = 1.1``."""
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
