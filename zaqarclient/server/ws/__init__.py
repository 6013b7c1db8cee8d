"""The websocket API of the reference server (zaqar-api.md section 9).

`WsSession` is the transport-free core of one connection; the ASGI adapter
serves it on the HTTP port for `websocket` scopes.
"""

from __future__ import annotations

from zaqarclient.server.ws.session import WsSession, encode

__all__ = ["WsSession", "encode"]
