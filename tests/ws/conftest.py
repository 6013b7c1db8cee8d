"""Websocket transport tests: every test takes ``ws_server_url``.

``ws_server_url`` is a real Zaqar 23.0.1 websocket server by default, or the
server named by ``ZAQAR_WS_URL``; the reference server's websocket side can
be added later as another parametrisation of that fixture.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.fixtures import real_zaqar_ws  # noqa: F401
from tests.ws.helpers import make_client
from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue


@pytest.fixture(scope="session")
def ws_server_url(request: pytest.FixtureRequest) -> str:
    """The websocket server under test."""
    url = os.environ.get("ZAQAR_WS_URL")
    if url:
        return url
    server = request.getfixturevalue("real_zaqar_ws")
    return str(server.url)


@pytest.fixture
def project() -> str:
    """A fresh project per test: tests never see each other's queues."""
    return "ws-" + uuid.uuid4().hex[:12]


@pytest.fixture
def client_factory(ws_server_url: str, project: str) -> Iterator[Callable[..., Client]]:
    """Build websocket clients on the server under test (closed after the test)."""
    made: list[Client] = []

    def factory(**conf: Any) -> Client:
        conf.setdefault("auth_opts", {"backend": "noauth", "options": {"os_project_id": project}})
        conf.setdefault("timeout", 10)
        client = make_client(ws_server_url, conf)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


@pytest.fixture
def client(client_factory: Callable[..., Client]) -> Client:
    """A no-auth websocket client in this test's project."""
    return client_factory()


@pytest.fixture
def queue(client: Client) -> Queue:
    """A created, empty queue."""
    return client.queue("q-" + uuid.uuid4().hex[:10], force_create=True)
