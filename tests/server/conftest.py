"""Fixtures for the reference-server tests: every test runs over loopback HTTP and in process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from zaqarclient.server.config import Config
from zaqarclient.testing import ReferenceServer

CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c"
OTHER_CLIENT = "5f4c4e5e-8e2b-4d1e-9d59-6a6a6a6a6a6a"


class Api:
    """A tiny HTTP helper bound to one server, project and Client-ID."""

    def __init__(
        self, server: ReferenceServer, session: requests.Session, admin: bool = False
    ) -> None:
        self.server = server
        self.session = session
        self.headers = {"Client-ID": CLIENT_ID, "X-Project-ID": "p1"}
        if admin:
            self.headers["X-Roles"] = "admin"

    @property
    def clock(self) -> Any:
        return self.server.clock

    @property
    def config(self) -> Config:
        return self.server.config

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str | None] | None = None,
    ) -> requests.Response:
        merged: dict[str, str] = dict(self.headers)
        for key, value in (headers or {}).items():
            for existing in [k for k in merged if k.lower() == key.lower()]:
                del merged[existing]
            if value is not None:
                merged[key] = value
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        return self.session.request(method, self.server.url + path, data=data, headers=merged)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self.request("PUT", path, body, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self.request("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self.request("PATCH", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)

    def post_messages(self, queue: str, *bodies: Any, **extra: Any) -> list[str]:
        msgs = [{"body": b, **extra} for b in bodies]
        resp = self.post(f"/v2/queues/{queue}/messages", {"messages": msgs})
        assert resp.status_code == 201, resp.text
        return [r.rsplit("/", 1)[1] for r in resp.json()["resources"]]

    def claim(self, queue: str, ttl: int = 60, grace: int = 60, limit: int = 10) -> tuple[
        str | None, list[dict[str, Any]]
    ]:
        resp = self.post(f"/v2/queues/{queue}/claims?limit={limit}", {"ttl": ttl, "grace": grace})
        if resp.status_code == 204:
            return None, []
        assert resp.status_code == 201, resp.text
        return resp.headers["location"].rsplit("/", 1)[1], resp.json()["messages"]


def make_api(
    request: pytest.FixtureRequest, config: Config | None = None, admin: bool = False
) -> Iterator[Api]:
    mode = request.param
    server = ReferenceServer(config or Config(), in_process=(mode == "inproc"))
    with server, requests.Session() as session:
        if mode == "inproc":
            server.mount(session)
        yield Api(server, session, admin)


@pytest.fixture(params=["http", "inproc"])
def api(request: pytest.FixtureRequest) -> Iterator[Api]:
    """A fresh reference server (default config) and a client for it."""
    yield from make_api(request)


@pytest.fixture(params=["http", "inproc"])
def admin_api(request: pytest.FixtureRequest) -> Iterator[Api]:
    """As `api`, sending ``X-Roles: admin`` (Zaqar's policy for health, pools, flavors)."""
    yield from make_api(request, admin=True)


@pytest.fixture(params=["http", "inproc"])
def api_v1_1(request: pytest.FixtureRequest) -> Iterator[Api]:
    """A zaqar-21 profile server (API v1.1) with admin mode and pooling, as Zaqar 21 can be."""
    config = Config(profile="zaqar-21", admin_mode=True, pooling=True, enable_virtual_pool=True)
    yield from make_api(request, config)


@pytest.fixture(params=["inproc"])
def fast_api(request: pytest.FixtureRequest) -> Iterator[Api]:
    """In-process only, for tests about storage semantics rather than transport."""
    yield from make_api(request)
