"""Frame writing and reading of the websocket transport (it bypasses parts of websocket-client)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
import websocket
from websocket._abnf import frame_buffer

from tests.ws.helpers import ws
from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue
from zaqarclient.transport import ws_connection
from zaqarclient.transport.request import Request
from zaqarclient.transport.ws_connection import _ReadAhead, client_frame

MASK = b"\x8a\x01\xfe\x37"


@pytest.mark.parametrize("length", [0, 1, 3, 4, 125, 126, 127, 65535, 65536, 70001])
@pytest.mark.parametrize("opcode", [websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY])
def test_client_frame_is_what_websocket_client_sends(
    length: int, opcode: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = bytes(range(256)) * (length // 256) + bytes(range(length % 256))
    expected = websocket.ABNF.create_frame(payload, opcode)
    expected.get_mask_key = lambda n: MASK
    monkeypatch.setattr(ws_connection.os, "urandom", lambda n: MASK)
    assert client_frame(payload, opcode) == expected.format()


def _server_frame(payload: bytes, opcode: int = websocket.ABNF.OPCODE_TEXT) -> bytes:
    frame = websocket.ABNF.create_frame(payload, opcode)
    frame.mask_value = 0  # servers do not mask
    return frame.format()


@pytest.mark.parametrize("chunk", [1, 5, 1000, 65536])
def test_read_ahead_hands_websocket_client_frames_split_anywhere(chunk: int) -> None:
    payloads = [os.urandom(n) for n in (0, 10, 125, 126, 4000, 70000, 3)]
    stream = b"".join(_server_frame(p, websocket.ABNF.OPCODE_BINARY) for p in payloads)
    chunks: Iterator[bytes] = (stream[i : i + chunk] for i in range(0, len(stream), chunk))
    sizes: list[int] = []

    def recv(size: int) -> bytes:
        sizes.append(size)
        return next(chunks)

    reader = frame_buffer(_ReadAhead(recv), True)
    assert [reader.recv_frame().data for _ in payloads] == payloads
    assert set(sizes) == {ws_connection._READ_SIZE}  # always a full read, never exact sizes


def test_many_replies_in_one_read_are_all_delivered(client: Client, queue: Queue) -> None:
    transport = ws(client)
    futures = [
        transport.submit(
            Request("message_post", {"queue_name": queue.name}, body={"messages": [{"body": n}]})
        )
        for n in range(300)
    ]
    assert [f.result(10).status_code for f in futures] == [201] * 300


@pytest.mark.parametrize("fmt", ["json", "msgpack"])
def test_messages_larger_than_a_read_and_a_16_bit_frame(
    client_factory: Callable[..., Client], fmt: str
) -> None:
    client = client_factory(ws_format=fmt)
    queue = client.queue("big-" + fmt, force_create=True)
    body = {"text": "é" * 30000 + "x" * 100000}  # ~160 KB of UTF-8 per frame
    href = queue.post({"body": body})["resources"][0]
    assert queue.message(href.rsplit("/", 1)[-1]).body == body


def test_a_cancelled_submit_does_not_stop_the_reader(client: Client, queue: Queue) -> None:
    transport = ws(client)
    futures = [
        transport.submit(Request("queue_get_stats", {"queue_name": queue.name}))
        for _ in range(50)
    ]
    kept = [f for f in futures if not f.cancel()]
    assert [f.result(10).status_code for f in kept] == [200] * len(kept)
    assert transport.send(Request("queue_get_stats", {"queue_name": queue.name})).status_code == 200
    assert transport.connected
