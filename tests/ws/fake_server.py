"""A scripted websocket server speaking Zaqar's envelope, for what a no-auth Zaqar cannot show.

It plays a keystone-mode Zaqar (``authenticate`` with one valid token, 403
before it), records every frame, can stay silent for chosen actions, and
can close every connection with a given code (4003: token expired).
"""

from __future__ import annotations

import json
import ssl
import threading
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

TOKEN = "good-token"
PROJECT = "proj-1"


class FakeZaqar:
    """Run with ``with FakeZaqar() as fake: fake.url``."""

    def __init__(
        self,
        *,
        keystone: bool = True,
        mute: tuple[str, ...] = (),
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.keystone = keystone
        self.mute = set(mute)
        self.tls = tls
        self.frames: list[dict[str, Any]] = []
        self.connections: list[ServerConnection] = []
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.socket.getsockname()[1]
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{port}"

    def actions(self) -> list[str]:
        return [str(f.get("action")) for f in self.frames]

    def __enter__(self) -> FakeZaqar:
        self._server = serve(self._handle, "127.0.0.1", 0, ssl=self.tls, compression=None)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()

    def close_all(self, code: int, reason: str) -> None:
        for conn in list(self.connections):
            conn.close(code, reason)

    def _handle(self, conn: ServerConnection) -> None:
        self.connections.append(conn)
        authed = False
        try:
            for raw in conn:
                frame = json.loads(raw)
                self.frames.append(frame)
                action = frame.get("action")
                headers = frame.get("headers") or {}
                if action == "authenticate":
                    ok = headers.get("X-Auth-Token") == TOKEN
                    authed = authed or ok
                    reply = {
                        "request": {"action": "authenticate", "body": {}, "headers": None},
                        "headers": {"status": 200 if ok else 401},
                        "body": {"message": "Authentified."}
                        if ok
                        else {"error": "Authentication failed."},
                    }
                elif action in self.mute:
                    continue
                elif self.keystone and not authed and "URL-Signature" not in headers:
                    reply = self._reply(frame, 403, {"error": "Not authentified."})
                else:
                    body: Any = {"queues": []} if action == "queue_list" else {}
                    reply = self._reply(frame, 200, body)
                conn.send(json.dumps(reply))
        except ConnectionClosed:
            pass
        finally:
            self.connections.remove(conn)

    @staticmethod
    def _reply(frame: dict[str, Any], status: int, body: Any) -> dict[str, Any]:
        request = {**frame, "api": "v2"}
        return {"request": request, "headers": {"status": status}, "body": body}
