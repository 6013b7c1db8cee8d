"""The behaviour suites run twice: through the sync API and through the asyncio one.

Every backend fixture gets an ``api`` (``sync`` or ``asyncio``); with
``asyncio``, ``backend.client()`` is a ``zaqarclient.aio.Client`` behind
tests/support/aio_bridge's blocking face, so each test proves the same
behaviour of both APIs. Modules in ``SYNC_ONLY`` test sync-only surface.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from tests.conftest import Backend

#: Modules about the sync API alone (their asyncio side is tested where it differs).
SYNC_ONLY = frozenset({
    # sleep= injection and the sync run loop; test_consumer_leases runs both consumers.
    "test_consumer", "test_consumer_leases",
})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "api" in metafunc.fixturenames:
        module = metafunc.module.__name__.rsplit(".", 1)[-1]
        metafunc.parametrize("api", ["sync"] if module in SYNC_ONLY else ["sync", "asyncio"])


@pytest.fixture(autouse=True)
def _close_bridged_clients(api: str) -> Iterator[None]:
    yield
    if api == "asyncio":
        from tests.support.aio_bridge import close_all

        close_all()


def _with_api(backend: Backend, api: str) -> Backend:
    return dataclasses.replace(backend, api=api, extra=dict(backend.extra))


@pytest.fixture
def backend(backend: Backend, api: str) -> Backend:
    """The parent's backend, driven through ``api``."""
    return _with_api(backend, api)


@pytest.fixture
def reference_backend(reference_backend: Backend, api: str) -> Backend:
    """The reference server alone, driven through ``api``."""
    return _with_api(reference_backend, api)


@pytest.fixture
def backend_v1_1(backend_v1_1: Backend, api: str) -> Backend:
    """A v1.1 backend, driven through ``api``."""
    return _with_api(backend_v1_1, api)


@pytest.fixture
def pooling_backend(pooling_backend: Backend, api: str) -> Backend:
    """A pooling backend, driven through ``api``."""
    return _with_api(pooling_backend, api)
