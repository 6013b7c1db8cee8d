"""A real HTTP server on loopback that answers from a script and records requests.

Unit tests use it to shape responses (errors, retries, auth challenges)
while the SDK talks real HTTP through its normal transport.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_port: int = 0

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Reply:
    """One scripted response."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


Handler = Callable[[Recorded], Reply]


class LoopbackServer:
    """``with LoopbackServer(handler) as srv:`` serves on ``srv.url`` until exit.

    ``handler`` is a function of the recorded request, or a list of replies
    given out in order (the last one repeats).
    """

    def __init__(self, handler: Handler | list[Reply], tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Recorded] = []
        self.peer_certs: list[Any] = []
        if isinstance(handler, list):
            replies = list(handler)

            def scripted(_: Recorded) -> Reply:
                return replies.pop(0) if len(replies) > 1 else replies[0]

            self.handler: Handler = scripted
        else:
            self.handler = handler
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorded = Recorded(
                    self.command, self.path, dict(self.headers.items()), body,
                    self.client_address[1],
                )
                outer.requests.append(recorded)
                if tls is not None:
                    outer.peer_certs.append(self.connection.getpeercert())
                reply = outer.handler(recorded)
                payload = reply.encode()
                self.send_response(reply.status)
                headers = {"x-openstack-request-id": "req-test", **reply.headers}
                if payload and "Content-Type" not in headers:
                    headers["Content-Type"] = "application/json"
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        scheme = "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
