"""The Zaqar the bridge posts to, as one SDK client per owning project.

Zaqar puts a message in the project of the request. Without auth that is
the ``X-Project-ID`` header, so the bridge simply sends each project's id.
With keystone, keystonemiddleware replaces the header with the token's
project, so the bridge's service user gets one project-scoped token per
project it posts for (keystoneauth caches and refreshes each); the service
user therefore needs a role on those projects, for example an inherited
role on their domain.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zaqarclient.errors import ConfigurationError
from zaqarclient.queues.client import Client
from zaqarclient.queues.v2.client import Client as V2Client
from zaqarclient.queues.v2.queues import Queue

#: How many projects keep an open client (each holds a keystone token and a connection).
MAX_CLIENTS = 256
_KEYSTONE_OPTIONS = (
    "auth_url", "username", "user_id", "password", "user_domain_name", "user_domain_id",
    "project_domain_name", "project_domain_id", "region_name", "interface", "cacert", "insecure",
)


@dataclass(frozen=True)
class ZaqarTarget:
    """Where and how to post: ``url`` (None: keystone's catalog) and the auth kind."""

    url: str | None
    auth: str = "noauth"
    keystone: Mapping[str, Any] = field(default_factory=dict, repr=False)
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.auth not in ("noauth", "keystone"):
            raise ConfigurationError(f"auth must be 'noauth' or 'keystone', got {self.auth!r}")
        if self.auth == "noauth" and not self.url:
            raise ConfigurationError("--zaqar-url is required without keystone")
        unknown = set(self.keystone) - set(_KEYSTONE_OPTIONS)
        if unknown:
            raise ConfigurationError(f"unknown keystone option(s) {sorted(unknown)}")
        if self.auth == "keystone":
            for name in ("auth_url", "password"):
                if not self.keystone.get(name):
                    raise ConfigurationError(f"keystone auth needs {name!r}")
            if not (self.keystone.get("username") or self.keystone.get("user_id")):
                raise ConfigurationError("keystone auth needs 'username' or 'user_id'")

    def auth_options(self, project: str) -> dict[str, Any]:
        """The SDK ``auth_opts`` that post into ``project``."""
        if self.auth == "noauth":
            return {"backend": "noauth", "options": {"os_project_id": project}}
        options = {k: v for k, v in self.keystone.items() if v is not None}
        options["project_id"] = project
        return {"backend": "keystone", "options": options}


class ProjectClients:
    """An LRU of SDK clients, one per project; thread-safe."""

    def __init__(self, target: ZaqarTarget, max_clients: int = MAX_CLIENTS) -> None:
        self.target = target
        self.max_clients = max_clients
        self._clients: OrderedDict[str, V2Client] = OrderedDict()
        self._lock = threading.Lock()

    def client(self, project: str) -> V2Client:
        """The client that acts in ``project`` (created on first use)."""
        with self._lock:
            client = self._clients.get(project)
            if client is not None:
                self._clients.move_to_end(project)
                return client
        made = Client(self.target.url, version=2, conf={
            "auth_opts": self.target.auth_options(project),
            "timeout": self.target.timeout,
            "retries": 0,  # the bridge retries itself, with its own backoff and limits
            "pool_size": 2,
        })
        evicted: list[V2Client] = []
        with self._lock:
            existing = self._clients.get(project)
            if existing is not None:
                evicted.append(made)
                made = existing
            else:
                self._clients[project] = made
                while len(self._clients) > self.max_clients:
                    evicted.append(self._clients.popitem(last=False)[1])
        for old in evicted:
            old.close()
        return made

    def queue(self, project: str, name: str) -> Queue:
        """A handle on ``name`` in ``project`` (no request)."""
        return self.client(project).queue(name, auto_create=False)

    def close(self) -> None:
        """Close every client."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), OrderedDict()
        for client in clients:
            client.close()
