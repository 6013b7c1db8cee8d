"""Run an `App` under uvicorn in a background thread with fast start and stop.

uvicorn's own `serve()` polls for exit every 0.1 s and its `shutdown()`
sleeps 0.1 s; here the loop is driven directly so a server starts and stops
in a few milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from typing import Any

import uvicorn

from zaqarclient.server.app import App
from zaqarclient.server.asgi import AsgiApp
from zaqarclient.server.http_limits import connection_cap
from zaqarclient.server.http_protocol import HttpProtocol
from zaqarclient.server.report import write_in_background
from zaqarclient.server.state import Runtime

#: Room for a websocket frame's action, headers and echo on top of the largest body.
WS_ENVELOPE_BYTES = 65536


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


def _websocket_protocol(coalesce: bool) -> str | type[asyncio.Protocol]:
    """uvicorn's public ``websockets-sansio`` protocol, or the opt-in coalescing one."""
    if not coalesce:
        return "websockets-sansio"
    # The fast path subclasses an internal of uvicorn; it loads only when asked for.
    from zaqarclient.server.ws.transport import protocol_class

    return protocol_class()


class ServerThread:
    """uvicorn serving one App on a background thread."""

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
        self._server_state: Any = None
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
        state = self._server_state
        found = []
        for conn in list(state.connections if state is not None else ()):
            transport = getattr(conn, "transport", None)
            peer = transport.get_extra_info("peername") if transport is not None else None
            where = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
            found.append(("http" if isinstance(conn, HttpProtocol) else "websocket", where))
        return found

    def _on_report_signal(self) -> None:
        write_in_background(self.app.services)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        limits = self.app.config
        config = uvicorn.Config(
            AsgiApp(self.app), lifespan="off", log_level=self._log_level, access_log=False,
            http=HttpProtocol, ws=_websocket_protocol(limits.coalesce_websocket_writes),
            log_config=None,
            proxy_headers=False,  # a test server is reached directly; no X-Forwarded-* rewriting
            limit_concurrency=connection_cap(limits),
            timeout_keep_alive=max(1, int(limits.idle_timeout)),
            # A websocket frame carries a request body plus its envelope.
            ws_max_size=limits.body_limit() + WS_ENVELOPE_BYTES,
        )
        config.load()
        server = uvicorn.Server(config)
        server.lifespan = config.lifespan_class(config)
        try:
            self._stop = asyncio.Event()
            loop.run_until_complete(server.startup(sockets=[self._sock]))
        except BaseException as exc:
            self._error = exc
            self._started.set()
            loop.close()
            return
        self._server_state = server.server_state
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

    async def _shutdown(self, server: Any) -> None:
        server.should_exit = True
        for srv in server.servers:
            srv.close()
        self._sock.close()
        for connection in list(server.server_state.connections):
            connection.shutdown()
        for _ in range(50):  # up to ~50 ms for in-flight responses
            if not server.server_state.connections:
                break
            await asyncio.sleep(0.001)
        for task in list(server.server_state.tasks):
            task.cancel()
        for connection in list(server.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.abort()
        await asyncio.sleep(0)


