"""Shared fixtures: every behaviour test runs against the reference server and a real Zaqar.

``ZAQARCLIENT_BACKENDS`` (comma list of ``reference``, ``real``) narrows the
set for local runs; CI runs both.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support.fixtures import (  # noqa: F401 - fixtures re-exported for all tests
    pool_store,
    real_zaqar_v1_1,
    real_zaqar_v2,
    real_zaqar_v2_not_pooled,
    real_zaqar_v2_pooling,
    real_zaqar_ws,
)
from tests.support.real_zaqar import TEST_SIGNED_URL_KEY
from zaqarclient.queues.client import Client

BACKENDS = [b for b in os.environ.get("ZAQARCLIENT_BACKENDS", "reference,real").split(",") if b]


@dataclass
class Backend:
    """A Zaqar under test: its URL, kind, and (reference only) its clock."""

    kind: str
    url: str
    signed_url_key: str = TEST_SIGNED_URL_KEY
    clock: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: The API the test drives: ``sync``, or ``asyncio`` (through tests/support/aio_bridge).
    api: str = "sync"

    def client(self, project: str | None = None, *, admin: bool = False, **conf: Any) -> Client:
        """A no-auth client for ``project`` (fresh per test by default)."""
        options: dict[str, Any] = {"os_project_id": project or new_project()}
        if admin:
            options["roles"] = "admin"
        conf.setdefault("auth_opts", {"backend": "noauth", "options": options})
        return self.make_client(self.url, 2, conf)

    def make_client(self, url: str, version: Any, conf: dict[str, Any]) -> Client:
        """A client of this backend's API kind on ``url``."""
        if self.api == "asyncio":
            from tests.support.aio_bridge import bridged_client

            return bridged_client(url, version, conf)  # type: ignore[no-any-return]
        return Client(url, version=version, conf=conf)

    def advance(self, seconds: float) -> None:
        """Move time forward (reference server only)."""
        if self.clock is None:
            pytest.skip("time travel needs the reference server's clock")
        self.clock.advance(seconds)


def new_project() -> str:
    return "proj-" + uuid.uuid4().hex[:12]


@pytest.fixture(scope="session")
def reference_server() -> Iterator[Any]:
    """One reference server over loopback HTTP in the default (devstack) profile."""
    from zaqarclient.server.config import Config
    from zaqarclient.testing import ReferenceServer

    with ReferenceServer(config=Config(secret_key=TEST_SIGNED_URL_KEY)) as server:
        yield server


@pytest.fixture(scope="session")
def reference_server_v1_1() -> Iterator[Any]:
    """A reference server in the zaqar-21 profile (v1.1 on), admin mode on as real_zaqar_v1_1."""
    from zaqarclient.server.config import Config
    from zaqarclient.testing import ReferenceServer

    config = Config(profile="zaqar-21", admin_mode=True, secret_key=TEST_SIGNED_URL_KEY)
    with ReferenceServer(config=config) as server:
        yield server


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    """The Zaqar a behaviour test talks to: ``reference`` or ``real`` (23.0.1)."""
    if request.param == "reference":
        server = request.getfixturevalue("reference_server")
        return Backend("reference", server.url, clock=server.clock)
    real = request.getfixturevalue("real_zaqar_v2")
    return Backend("real", real.url)


@pytest.fixture
def project() -> str:
    """A project id no other test uses (tests share servers)."""
    return new_project()


@pytest.fixture
def client(backend: Backend, project: str) -> Iterator[Client]:
    """A no-auth v2 client in a fresh project."""
    with backend.client(project) as zaqar:
        yield zaqar


@pytest.fixture
def admin_client(backend: Backend, project: str) -> Iterator[Client]:
    """A no-auth v2 client with ``X-Roles: admin``."""
    with backend.client(project, admin=True) as zaqar:
        yield zaqar


@pytest.fixture(params=BACKENDS)
def backend_v1_1(request: pytest.FixtureRequest) -> Backend:
    """A Zaqar serving API v1.1: the reference server, or real Zaqar 21.0.0 with v1.1 on."""
    if request.param == "reference":
        server = request.getfixturevalue("reference_server_v1_1")
        return Backend("reference", server.url, clock=server.clock)
    real = request.getfixturevalue("real_zaqar_v1_1")
    return Backend("real", real.url)


@pytest.fixture
def client_v1_1(backend_v1_1: Backend, project: str) -> Iterator[Client]:
    """A no-auth v1.1 client in a fresh project."""
    conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}}}
    with backend_v1_1.make_client(backend_v1_1.url, 1.1, conf) as zaqar:
        yield zaqar


@pytest.fixture(params=BACKENDS)
def pooling_backend(request: pytest.FixtureRequest) -> Backend:
    """A Zaqar with pooling on (pools and flavors API) and pool URIs it can reach."""
    if request.param == "reference":
        server = request.getfixturevalue("reference_server")
        store = request.getfixturevalue("pool_store")
        backend = Backend("reference", server.url, clock=server.clock)
        backend.extra["pool_uri"] = f"redis://127.0.0.1:{store.port}?dbid={{n}}"
        return backend
    real = request.getfixturevalue("real_zaqar_v2_pooling")
    backend = Backend("real", real.url)
    backend.extra["pool_uri"] = real.redis_uri + "?dbid={n}"
    return backend


@pytest.fixture
def reference_backend(reference_server: Any) -> Backend:
    """The reference server alone: for tests that move its clock (a real Zaqar cannot)."""
    return Backend("reference", reference_server.url, clock=reference_server.clock)
