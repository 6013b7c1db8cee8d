"""Test helpers: the reference server as a context manager, and the zero-socket adapter.

    with ReferenceServer() as server:          # a free loopback port
        requests.get(server.url + "/v2/ping", headers=...)
        server.clock.advance(61)               # expire claims without sleeping

    with ReferenceServer(in_process=True) as server:   # no socket at all
        session = requests.Session()
        server.mount(session)
        session.get(server.url + "/v2/ping", headers=...)
        server.client("proj")                  # an SDK client on InProcessTransport

    ReferenceServer(profile="zaqar-21")        # serve /v1.1 too, as Zaqar 21 can
    server.client("proj", admin=True)          # X-Roles: admin, for health, pools, flavors

The default profile is ``devstack`` (zaqarclient.server.profiles): admin
endpoints need the admin role, as on every real Zaqar.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from zaqarclient.server.app import App
from zaqarclient.server.clock import TestClock
from zaqarclient.server.config import Config

if TYPE_CHECKING:
    import requests

    from zaqarclient.queues.v2.client import Client
    from zaqarclient.server.runner import ServerThread
    from zaqarclient.testing.inprocess import InProcessAdapter

__all__ = ["InProcessAdapter", "ReferenceServer"]

IN_PROCESS_URL = "http://zaqar.test"


def __getattr__(name: str) -> object:
    if name == "InProcessAdapter":
        # InProcessAdapter pulls in requests (~80 ms); load it only when asked for.
        from zaqarclient.testing.inprocess import InProcessAdapter

        return InProcessAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ReferenceServer:
    """A reference Zaqar server with a test clock; over loopback or in process."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        profile: str | None = None,
        in_process: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        store: str = "memory",
        clock: TestClock | None = None,
        static_dir: str | None = None,
    ) -> None:
        if config is not None and profile is not None and profile != config.profile:
            raise ValueError(
                f"profile {profile!r} conflicts with the config's profile {config.profile!r}; "
                "pass Config(profile=...) alone"
            )
        if config is None:
            config = Config() if profile is None else Config(profile=profile)
        self.config = config
        self.clock = clock or TestClock()
        if static_dir is None:
            self.app = App(self.config, clock=self.clock, store=store)
        else:
            # Files under /static/, as ``zaqar-reference-server --static DIR`` (rarely used).
            from zaqarclient.server.static import StaticApp, StaticFiles

            static = StaticFiles(static_dir)
            self.app = StaticApp(self.config, clock=self.clock, store=store, static=static)
        self.in_process = in_process
        self._adapter: InProcessAdapter | None = None
        self._host, self._port = host, port
        self._thread: ServerThread | None = None
        self.url = IN_PROCESS_URL if in_process else ""

    @property
    def adapter(self) -> InProcessAdapter:
        """The zero-socket transport adapter (built on first use: it imports requests)."""
        if self._adapter is None:
            # requests (~80 ms) only for who asks for the adapter.
            from zaqarclient.testing.inprocess import InProcessAdapter

            self._adapter = InProcessAdapter(self.app)
        return self._adapter

    def start(self) -> ReferenceServer:
        if not self.in_process and self._thread is None:
            # The serving stack (httptools, websockets) loads only for a server on a socket.
            from zaqarclient.server.runner import ServerThread

            thread = ServerThread(self.app, self._host, self._port)
            thread.start()
            self._thread = thread
            self.url = thread.url
        return self

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.stop()
        self.app.close()

    def drop_connections(self, kind: str | None = None) -> int:
        """Cut the open connections from the server side (``kind``: ``http`` or ``websocket``).

        The peer sees the connection reset, as after a network failure; the
        server forgets what was bound to it (connection-bound subscriptions).
        Returns how many were cut (0 when not serving on a socket).
        """
        return self._thread.drop_connections(kind) if self._thread is not None else 0

    def reset(self) -> None:
        """Drop all server state (queues, messages, subscriptions, pools, flavors)."""
        self.app.reset()

    def mount(self, session: requests.Session, prefix: str | None = None) -> requests.Session:
        """Route `prefix` (default: this server's URL) of a session to the core directly."""
        session.mount(prefix or self.url or IN_PROCESS_URL, self.adapter)
        return session

    def client(
        self,
        project_id: str = "test-project",
        *,
        version: float = 2,
        admin: bool = False,
        **conf: Any,
    ) -> Client:
        """An SDK client for this server (no-auth, ``project_id``); in-process when zero-socket.

        ``admin=True`` sends ``X-Roles: admin``, which Zaqar's default policy asks for on
        health, pools and flavor changes.
        """
        # The SDK (requests, urllib3, auth) loads only for tests that build clients.
        from zaqarclient.queues.client import Client as make_client
        from zaqarclient.queues.versions import api_for
        from zaqarclient.testing.inprocess import InProcessTransport

        options = {"os_project_id": project_id}
        if admin:
            if "auth_opts" in conf:
                raise ValueError("admin=True sets the no-auth roles; it cannot be combined "
                                 "with auth_opts (put roles in their options instead)")
            options["roles"] = "admin"
        conf.setdefault("auth_opts", {"backend": "noauth", "options": options})
        url = self.url or IN_PROCESS_URL
        transport = InProcessTransport(self.app, url, api_for(version)) if self.in_process else None
        return make_client(url, version=version, conf=conf, transport=transport)

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
