"""ASGI adapter: `App` (HTTP and the websocket API) under any ASGI server.

The runner does not use it: its own protocols (`zaqarclient.server.http_protocol`,
`zaqarclient.server.ws.connection`) answer faster. `AsgiApp` is for anyone who
mounts the core under another server.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from zaqarclient.server.app import App
from zaqarclient.server.http_protocol import header_bytes
from zaqarclient.server.protocol import ServerRequest
from zaqarclient.server.ws import WsSession
from zaqarclient.server.ws.session import Frame

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class AsgiApp:
    """An ASGI 3 application around the synchronous core.

    The core answers in tens of microseconds, so it runs inline on the event
    loop; each response goes out as one start message plus one body message.
    """

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        elif kind == "websocket":
            await self._websocket(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.app.config.body_limit()
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= limit:
                chunks.append(chunk)
            more = message.get("more_body", False)
        oversize = size > limit  # the rest was read and dropped, as the HTTP protocol does
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else scope["path"]
        request = ServerRequest(
            scope["method"], path, scope["query_string"].decode("latin-1"), headers,
            b"" if oversize else b"".join(chunks), oversize,
        )
        if self.app.blocks(request):
            response = await asyncio.get_running_loop().run_in_executor(
                None, self.app.handle, request
            )
        else:
            response = self.app.handle(request)
        out = [(header_bytes(k), header_bytes(v)) for k, v in response.headers]
        if response.status != 204:
            out.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": out})
        await send({"type": "http.response.body", "body": response.body})

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """One websocket connection (any path): frames are answered inline, in order.

        Notifications arrive on notifier worker threads and are handed to the
        loop with `call_soon_threadsafe`, so they never wait on a request.
        """
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        loop = asyncio.get_running_loop()
        pushes: set[asyncio.Task[None]] = set()

        async def send_frame(frame: Frame) -> None:
            if isinstance(frame, str):
                await send({"type": "websocket.send", "text": frame})
            else:
                await send({"type": "websocket.send", "bytes": frame})

        def start_push(frame: Frame) -> None:
            task = loop.create_task(send_frame(frame))
            pushes.add(task)
            task.add_done_callback(pushes.discard)

        def push(frame: Frame, binary: bool) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed
                loop.call_soon_threadsafe(start_push, frame)

        host, port = scope.get("server") or ("127.0.0.1", 0)
        session = WsSession(self.app.services, push, f"http://{host}:{port}/")
        try:
            while True:
                message = await receive()
                if message["type"] != "websocket.receive":
                    break
                text = message.get("text")
                if text is not None:
                    reply = session.handle(text, False)
                else:
                    reply = session.handle(message.get("bytes") or b"", True)
                if reply is not None:
                    await send_frame(reply)
                if session.closed:
                    await send({"type": "websocket.close", "code": 1011})
                    break
        except Exception:  # the peer went away mid-send
            pass
        finally:
            session.close()
