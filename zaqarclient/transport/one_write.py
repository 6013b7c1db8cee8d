"""urllib3 connections that write each request in one piece.

urllib3 sends the request head and the body with separate ``send()`` calls.
With TCP_NODELAY (urllib3's default) that is two TCP segments per request,
and the server has to wake up twice before it can answer. These connection
classes gather everything one ``request()`` call writes and send it at once.
Only the endpoint's own pool uses them; the bodies this SDK sends are
already bytes in memory, so nothing is buffered that was not buffered before.
"""

from __future__ import annotations

from typing import Any

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
