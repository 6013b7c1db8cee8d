"""The opt-in websocket fast path, and one test per websocket-client internal it touches."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator

import pytest
import websocket
from websocket._abnf import frame_buffer

from zaqarclient.transport import ws_fastpath
from zaqarclient.transport.ws_fastpath import ReadAhead, client_frame

MASK = b"\x8a\x01\xfe\x37"


@pytest.mark.parametrize("length", [0, 1, 3, 4, 125, 126, 127, 65535, 65536, 70001])
@pytest.mark.parametrize("opcode", [websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY])
def test_client_frame_is_what_websocket_client_sends(
    length: int, opcode: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = bytes(range(256)) * (length // 256) + bytes(range(length % 256))
    expected = websocket.ABNF.create_frame(payload, opcode)
    expected.get_mask_key = lambda n: MASK
    monkeypatch.setattr(ws_fastpath.os, "urandom", lambda n: MASK)
    assert client_frame(payload, opcode) == expected.format()


def _server_frame(payload: bytes, opcode: int = websocket.ABNF.OPCODE_BINARY) -> bytes:
    frame = websocket.ABNF.create_frame(payload, opcode)
    frame.mask_value = 0  # servers do not mask
    return frame.format()


@pytest.mark.parametrize("chunk", [1, 5, 1000, 65536])
def test_read_ahead_hands_the_frame_parser_frames_split_anywhere(chunk: int) -> None:
    payloads = [os.urandom(n) for n in (0, 10, 125, 126, 4000, 70000, 3)]
    stream = b"".join(_server_frame(p) for p in payloads)
    chunks: Iterator[bytes] = (stream[i : i + chunk] for i in range(0, len(stream), chunk))
    sizes: list[int] = []

    def recv(size: int) -> bytes:
        sizes.append(size)
        return next(chunks)

    reader = frame_buffer(ReadAhead(recv), True)
    assert [reader.recv_frame().data for _ in payloads] == payloads
    assert set(sizes) == {ws_fastpath._READ_SIZE}  # always a full read, never exact sizes


@pytest.fixture
def connected() -> Iterator[tuple[websocket.WebSocket, socket.socket]]:
    """A websocket-client WebSocket on one end of a socket pair, the raw other end."""
    ours, theirs = socket.socketpair()
    ws = websocket.WebSocket(enable_multithread=True, skip_utf8_validation=True)
    ws.sock = ours
    ws.connected = True
    try:
        yield ws, theirs
    finally:
        ours.close()
        theirs.close()


def test_internal_frame_buffer_recv_is_what_the_parser_reads_with(
    connected: tuple[websocket.WebSocket, socket.socket],
) -> None:
    ws, peer = connected
    sizes: list[int] = []
    original = ws.frame_buffer.recv

    def counting(size: int) -> bytes:
        sizes.append(size)
        return original(size)

    ws.frame_buffer.recv = counting
    ws_fastpath.read_ahead(ws)
    peer.sendall(_server_frame(b"one") + _server_frame(b"two", websocket.ABNF.OPCODE_TEXT))
    assert ws.recv_data_frame(True)[1].data == b"one"
    assert ws.recv_data_frame(True)[1].data == b"two"
    assert sizes == [ws_fastpath._READ_SIZE]  # both frames came from one read


def test_internal_sock_is_where_frames_are_written(
    connected: tuple[websocket.WebSocket, socket.socket],
) -> None:
    ws, peer = connected
    ws_fastpath.write(ws, b'{"action": "queue_list"}', websocket.ABNF.OPCODE_TEXT)
    reader = frame_buffer(peer.recv, True)
    frame = reader.recv_frame()
    assert (frame.opcode, frame.data) == (websocket.ABNF.OPCODE_TEXT, b'{"action": "queue_list"}')


def test_write_on_a_closed_websocket_raises_websocket_clients_error() -> None:
    ws = websocket.WebSocket(enable_multithread=True)
    with pytest.raises(websocket.WebSocketConnectionClosedException):
        ws_fastpath.write(ws, b"x", websocket.ABNF.OPCODE_TEXT)


class RecordingLock:
    """A lock that counts how often it was taken."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.taken = 0

    def __enter__(self) -> None:
        self._lock.acquire()
        self.taken += 1

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def test_internal_lock_is_the_writer_lock_of_websocket_clients_own_frames(
    connected: tuple[websocket.WebSocket, socket.socket],
) -> None:
    ws, peer = connected
    lock = RecordingLock()
    ws.lock = lock  # type: ignore[assignment]
    ws.pong(b"p")  # a frame websocket-client writes itself (it answers pings so)
    assert lock.taken == 1
    ws_fastpath.write(ws, b"x", websocket.ABNF.OPCODE_TEXT)
    assert lock.taken == 2
    reader = frame_buffer(peer.recv, True)
    assert [reader.recv_frame().data, reader.recv_frame().data] == [b"p", b"x"]
