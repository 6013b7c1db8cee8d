"""Websocket transport tests: every test takes ``ws_server_url``.

``ws_server_url`` is parametrised: ``reference`` is the reference server's
websocket API (same port as its HTTP API), ``real`` is a real Zaqar 23.0.1
websocket server (or the server named by ``ZAQAR_WS_URL``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.fixtures import real_zaqar_ws  # noqa: F401
from tests.support.real_zaqar import V2_VERSION, RealZaqar, missing_install_reason
from tests.ws.helpers import make_client
from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue
from zaqarclient.server.clock import SystemClock


class _NotifyingRealZaqar(RealZaqar):
    """RealZaqar whose notification listener really binds 127.0.0.1.

    oslo.config reads ``notification_bind`` from the file, not the dashed
    ``notification-bind``; without it Zaqar binds every interface on
    separate random ports and may advertise the IPv6 one under the host
    name, so pushed notifications never arrive. Used only while the shared
    harness still writes the dashed name.
    """

    def config_text(self) -> str:
        return super().config_text().replace("notification-bind", "notification_bind")


def _harness_binds_notifications() -> bool:
    text = RealZaqar(version=V2_VERSION, transport="websocket").config_text
    try:
        return "notification-bind" not in text()
    except Exception:
        return True


@pytest.fixture(scope="session", params=["reference", "real"])
def ws_server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The websocket server under test."""
    if request.param == "reference":
        from zaqarclient.testing import ReferenceServer

        with ReferenceServer(clock=SystemClock()) as reference:  # type: ignore[arg-type]
            yield "ws" + reference.url[len("http"):]
        return
    url = os.environ.get("ZAQAR_WS_URL")
    if url:
        yield url
        return
    if _harness_binds_notifications():
        yield str(request.getfixturevalue("real_zaqar_ws").url)
        return
    reason = missing_install_reason(V2_VERSION)
    if reason is not None:
        pytest.skip(reason)
    with _NotifyingRealZaqar(version=V2_VERSION, transport="websocket", notifier=True) as server:
        yield server.url


@pytest.fixture
def project() -> str:
    """A fresh project per test: tests never see each other's queues."""
    return "ws-" + uuid.uuid4().hex[:12]


#: Modules whose tests run through the asyncio API too (resource behaviour over ws; the
#: others test the sync transport itself: frames, submit, reconnects, its subscriptions).
BOTH_APIS = frozenset({"test_queues", "test_messages", "test_claims", "test_subscriptions"})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "api" in metafunc.fixturenames:
        module = metafunc.module.__name__.rsplit(".", 1)[-1]
        metafunc.parametrize("api", ["sync", "asyncio"] if module in BOTH_APIS else ["sync"])


@pytest.fixture
def client_factory(
    ws_server_url: str, project: str, api: str
) -> Iterator[Callable[..., Client]]:
    """Build websocket clients on the server under test (closed after the test).

    With ``api == "asyncio"`` they are ``zaqarclient.aio`` clients behind
    tests/support/aio_bridge's blocking face.
    """
    made: list[Client] = []

    def factory(**conf: Any) -> Client:
        conf.setdefault("auth_opts", {"backend": "noauth", "options": {"os_project_id": project}})
        conf.setdefault("timeout", 10)
        if api == "asyncio":
            from tests.support.aio_bridge import bridged_client

            return bridged_client(ws_server_url, 2, conf)  # type: ignore[no-any-return]
        client = make_client(ws_server_url, conf)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()
    if api == "asyncio":
        from tests.support.aio_bridge import close_all

        close_all()


@pytest.fixture
def client(client_factory: Callable[..., Client]) -> Client:
    """A no-auth websocket client in this test's project."""
    return client_factory()


@pytest.fixture
def queue(client: Client) -> Queue:
    """A created, empty queue."""
    return client.queue("q-" + uuid.uuid4().hex[:10], force_create=True)
