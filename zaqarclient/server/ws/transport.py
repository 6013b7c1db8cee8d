"""Opt-in (``Config.coalesce_websocket_writes``): uvicorn's websocket protocol, coalesced writes.

This is the one module of the server that touches an internal of a library:
it subclasses ``uvicorn.protocols.websockets.websockets_sansio_impl.
WebSocketsSansIOProtocol`` and relies on its ``connection_made`` setting
``self.transport`` and ``self.loop`` (tests/server/ws/test_coalescing.py
checks both against the installed uvicorn). The default path names the
same protocol through uvicorn's public ``ws="websockets-sansio"`` option.

uvicorn writes every outgoing frame straight to the socket: one ``send()``
system call per reply. A pipelining client sends many requests per TCP
segment, and the replies to all of them are produced in one turn of the
event loop; :class:`CoalescingTransport` gathers the writes of that turn and
hands them to the real transport as one buffer at the start of the next turn
(before it polls for I/O), or as soon as 8 frames or 64 KiB are waiting, so
the frames, their order and their content are unchanged, only the number of
system calls drops (``close()`` writes what is gathered first). HTTP
connections are not affected: uvicorn hands a connection to this protocol
only after the websocket upgrade.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

#: Gathered writes go out early at this many frames or bytes, so the peer can
#: start on the first replies while the rest of a long burst is computed.
MAX_FRAMES = 8
MAX_BYTES = 65536


class CoalescingTransport(asyncio.Transport):
    """Wraps an asyncio transport: writes within one loop turn go out as one ``write()``."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._chunks: list[bytes | bytearray | memoryview] = []
        self._size = 0
        self._scheduled = False

    # -- writing ----------------------------------------------------------------

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._end_of_turn)
        self._chunks.append(data)
        self._size += len(data)
        if len(self._chunks) >= MAX_FRAMES or self._size >= MAX_BYTES:
            self.flush()

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def _end_of_turn(self) -> None:
        self._scheduled = False
        self.flush()

    def flush(self) -> None:
        """Hand what was gathered to the real transport."""
        chunks, self._chunks, self._size = self._chunks, [], 0
        if chunks:
            self._transport.write(chunks[0] if len(chunks) == 1 else b"".join(chunks))

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + self._size

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._transport.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    # -- closing ------------------------------------------------------------------

    def close(self) -> None:
        self.flush()  # a close frame written just before close() still goes out
        self._transport.close()

    def abort(self) -> None:
        self._chunks, self._size = [], 0
        self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    # -- everything else is the real transport's --------------------------------------

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()


class CoalescingWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's ``websockets-sansio`` protocol, writing through a :class:`CoalescingTransport`."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.transport = CoalescingTransport(self.transport, self.loop)


def protocol_class() -> type[asyncio.Protocol]:
    """The protocol class to give uvicorn's ``Config(ws=...)``."""
    return CoalescingWebSocketProtocol
