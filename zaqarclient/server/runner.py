"""Serve an `App` on a background thread: one asyncio server, fast start and stop.

The runner owns its asyncio server (``loop.create_server`` on a socket bound
here) and the set of open connections (`Serving.connections`), so a server
starts and stops in about a millisecond. Each accepted connection gets an
`HttpProtocol`; a websocket upgrade hands it to the websocket protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading

from zaqarclient.server.app import App
from zaqarclient.server.http_limits import connection_cap
from zaqarclient.server.http_protocol import HttpProtocol
from zaqarclient.server.report import write_in_background
from zaqarclient.server.serving import Serving
from zaqarclient.server.state import Runtime
from zaqarclient.server.ws.connection import LOG as WS_LOG

#: Pending connections the kernel queues before they are accepted.
BACKLOG = 2048
#: How long in-flight answers get at shutdown before their connections are dropped.
SHUTDOWN_GRACE = 0.05


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0 picks a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP, and Nagle plus delayed ACK would turn each answer into ~40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


class ServerThread:
    """One App served on a background thread (or on the main thread: `serve_forever`)."""

    def __init__(
        self, app: App, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"
    ) -> None:
        self.app = app
        self.host = host
        self._sock = bind(host, port)
        self.port: int = self._sock.getsockname()[1]
        self._log_level = log_level
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None
        self._serving = Serving(app, connection_cap(app.config))
        self._report_signal = False

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """The websocket API: the same port as HTTP, any path."""
        return "ws" + self.url[len("http"):]

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="zaqar-reference", daemon=True)
        self._thread.start()
        self._started.wait()
        if self._error is not None:
            raise RuntimeError("reference server failed to start") from self._error

    def stop(self) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def serve_forever(self) -> None:
        """Serve on the calling (main) thread until interrupted; SIGUSR2 writes a report."""
        self._report_signal = True
        self._run()

    def connections(self) -> list[tuple[str, str]]:
        """``(kind, peer)`` of every open connection: kind is ``http`` or ``websocket``."""
        found = []
        for conn in list(self._serving.connections):
            transport = conn.transport
            peer = transport.get_extra_info("peername") if transport is not None else None
            where = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
            found.append(("http" if isinstance(conn, HttpProtocol) else "websocket", where))
        return found

    def drop_connections(self, kind: str | None = None) -> int:
        """Cut open connections from the server side, as a network failure would.

        Each is aborted (no close frame, no goodbye: the peer sees a reset),
        on the server's loop; ``kind`` (``http`` or ``websocket``) narrows
        which. Returns how many were cut. For tests of client reconnects.
        """
        loop = self._loop
        if loop is None or self._thread is None:
            return 0
        return asyncio.run_coroutine_threadsafe(self._drop(kind), loop).result(5.0)

    async def _drop(self, kind: str | None) -> int:
        cut = 0
        for conn in list(self._serving.connections):
            is_http = isinstance(conn, HttpProtocol)
            if kind is not None and kind != ("http" if is_http else "websocket"):
                continue
            if conn.transport is not None:
                conn.transport.abort()
                cut += 1
        # abort() schedules connection_lost for the next turn: once it ran, the cut
        # connections are out of the registry (and their subscriptions gone) on return.
        await asyncio.sleep(0)
        return cut

    def _on_report_signal(self) -> None:
        write_in_background(self.app.services)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        WS_LOG.setLevel(self._log_level.upper())
        serving = self._serving

        def protocol() -> HttpProtocol:
            return HttpProtocol(serving, loop)

        try:
            self._stop = asyncio.Event()
            server = loop.run_until_complete(
                loop.create_server(protocol, sock=self._sock, backlog=BACKLOG)
            )
        except BaseException as exc:
            self._error = exc
            self._started.set()
            loop.close()
            return
        self.app.runtime = Runtime(loop, self.connections, url=self.url)
        if self._report_signal and hasattr(signal, "SIGUSR2"):
            loop.add_signal_handler(signal.SIGUSR2, self._on_report_signal)
        self._started.set()
        try:
            loop.run_until_complete(self._stop.wait())
        except KeyboardInterrupt:
            pass
        finally:
            loop.run_until_complete(self._shutdown(server))
            loop.close()

    async def _shutdown(self, server: asyncio.Server) -> None:
        """Stop accepting; idle connections close now, busy ones after their answer or 50 ms."""
        server.close()
        self._sock.close()
        connections = self._serving.connections
        for connection in list(connections):
            connection.shutdown()
        deadline = asyncio.get_running_loop().time() + SHUTDOWN_GRACE
        while connections and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.001)
        for connection in list(connections):
            if connection.transport is not None:
                connection.transport.abort()
        await asyncio.sleep(0)
