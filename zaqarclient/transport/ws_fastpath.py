"""Opt-in fast path for websocket-client: reading ahead and writing frames directly.

websocket-client reads each frame with three exact-size ``recv()`` calls
(header, length, payload) and builds each outgoing frame through its
``ABNF`` objects. With many small replies in flight that is most of the
client's CPU time. This module reads up to 64 KiB at a time and hands the
frame parser ``n`` bytes from that buffer, and builds masked client frames
itself. It leans on three websocket-client internals, each pinned by a test
in ``tests/unit/transport/test_ws_fastpath.py``:

* ``WebSocket.frame_buffer.recv``: the callable the frame parser reads with;
* ``WebSocket.sock``: the socket frames are written to;
* ``WebSocket.lock``: the writer lock websocket-client takes for its own
  frames (pongs, close).

Off by default (``conf={"ws_fast_frames": True}`` turns it on); the default
path uses only ``WebSocket.send`` and ``WebSocket.recv_data_frame``.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable

import websocket

_READ_SIZE = 65536
_LENGTH_16 = struct.Struct("!BBH")
_LENGTH_64 = struct.Struct("!BBQ")


def client_frame(payload: bytes, opcode: int) -> bytes:
    """One final, masked client frame (RFC 6455 section 5.2) carrying ``payload``.

    What websocket-client's ``ABNF.create_frame(...).format()`` builds, at half the cost.
    """
    length = len(payload)
    if length < 126:
        header = bytes((0x80 | opcode, 0x80 | length))
    elif length < 65536:
        header = _LENGTH_16.pack(0x80 | opcode, 0xFE, length)
    else:
        header = _LENGTH_64.pack(0x80 | opcode, 0xFF, length)
    mask = os.urandom(4)
    words, rest = divmod(length, 4)
    key = int.from_bytes(mask * words + mask[:rest], "little")
    return header + mask + (int.from_bytes(payload, "little") ^ key).to_bytes(length, "little")


class ReadAhead:
    """A ``recv(n)`` that reads up to 64 KiB from ``recv``, handed out ``n`` bytes at a time."""

    __slots__ = ("_buffer", "_pos", "_recv")

    def __init__(self, recv: Callable[[int], bytes]) -> None:
        self._recv = recv
        self._buffer = b""
        self._pos = 0

    def __call__(self, size: int) -> bytes:
        pos = self._pos
        if pos >= len(self._buffer):
            self._buffer = self._recv(_READ_SIZE)  # raises when the connection is gone
            pos = 0
        end = pos + size
        self._pos = end
        if pos == 0 and end >= len(self._buffer):
            return self._buffer
        return self._buffer[pos:end]


def read_ahead(ws: websocket.WebSocket) -> None:
    """Make ``ws``'s frame parser read 64 KiB at a time."""
    ws.frame_buffer.recv = ReadAhead(ws.frame_buffer.recv)


def write(ws: websocket.WebSocket, payload: bytes, opcode: int) -> None:
    """Write one frame carrying ``payload`` on ``ws``, under its writer lock."""
    sock = ws.sock
    if sock is None:
        raise websocket.WebSocketConnectionClosedException("socket is already closed.")
    with ws.lock:
        sock.sendall(client_frame(payload, opcode))
