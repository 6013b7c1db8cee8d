"""Opt-in fast path: urllib3 connections that write each request in one piece.

urllib3 sends the request head and the body with separate ``send()`` calls.
With TCP_NODELAY (urllib3's default) that is two TCP segments per request,
and a server that reads them separately wakes up twice before it can
answer. :func:`install` makes a pool's connections gather what one
``request()`` call writes and send it at once.

This leans on two urllib3 internals, each pinned by a test in
``tests/unit/transport/test_one_write.py``: a pool's ``ConnectionCls`` is the
class it makes connections with, and ``HTTPConnection.request()`` writes
through ``self.send()``. It is off by default (``conf={"one_write": True}``
turns it on): against the reference server over loopback it measured no
gain, so the default path keeps to urllib3's public API.
"""

from __future__ import annotations

from typing import Any

from urllib3 import HTTPConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection


class _OneWrite:
    """Mixin: between the start and the end of ``request()``, ``send()`` only collects."""

    _gathered: list[bytes] | None = None

    def request(self, *args: Any, **kwargs: Any) -> None:
        self._gathered = []
        try:
            super().request(*args, **kwargs)  # type: ignore[misc]
            data = b"".join(self._gathered)
        finally:
            self._gathered = None
        if data:
            super().send(data)  # type: ignore[misc]

    def send(self, data: Any) -> None:
        gathered = self._gathered
        if gathered is not None and isinstance(data, (bytes, bytearray, memoryview)):
            gathered.append(bytes(data))
            return
        if gathered:  # a file-like body: write what was gathered first, in order
            self._gathered = []
            super().send(b"".join(gathered))  # type: ignore[misc]
        super().send(data)  # type: ignore[misc]


class OneWriteHTTPConnection(_OneWrite, HTTPConnection):
    """An HTTP connection sending each request with one write."""


class OneWriteHTTPSConnection(_OneWrite, HTTPSConnection):
    """An HTTPS connection sending each request with one write."""


def install(pool: HTTPConnectionPool) -> None:
    """Make ``pool`` open one-write connections from now on."""
    pool.ConnectionCls = (
        OneWriteHTTPSConnection if pool.scheme == "https" else OneWriteHTTPConnection
    )
