"""One websocket connection on asyncio, framed by the `websockets` library's sans-I/O server.

`HttpProtocol` hands a connection over after an upgrade request: it replays
the request's head into `WebSocketProtocol.data_received`, and the
``websockets.server.ServerProtocol`` answers the handshake (101, or its own
400/426 rejection), parses frames, answers pings and enforces ``max_size``
(close 1009). Each complete message goes to the connection's `WsSession`
inline, in order; the replies to all messages of one read leave in one
``write()`` (early at `MAX_FRAMES` frames or `MAX_BYTES` bytes, so a long burst
starts arriving while the rest is computed). Notifications arrive on notifier
worker threads and are handed to the loop.

While the socket's write buffer is over its high-water mark, reading stops
and received messages wait, so a client that sends without reading cannot
make the server buffer without bound. Every 20 s a ping checks the peer; no
pong within 20 s closes the connection with 1011.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import struct
from collections import deque
from typing import TYPE_CHECKING

from websockets.exceptions import InvalidState
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

from zaqarclient.server.ws.session import Frame as Message
from zaqarclient.server.ws.session import WsSession

if TYPE_CHECKING:
    from zaqarclient.server.serving import Serving

LOG = logging.getLogger("zaqarclient.server.websocket")

#: Replies of one read go out early at this many frames or bytes.
MAX_FRAMES = 8
MAX_BYTES = 65536
PING_INTERVAL = 20.0
PING_TIMEOUT = 20.0
#: Seconds to wait for the peer's answer to our close frame before dropping the socket.
CLOSE_TIMEOUT = 10.0
_GOING_AWAY = 1012  # service restart
_SERVER_ERROR = 1011
_INVALID_DATA = 1007


def _compression() -> ServerPerMessageDeflateFactory:
    """permessage-deflate when the client offers it, with small windows (less memory)."""
    return ServerPerMessageDeflateFactory(
        server_max_window_bits=12, client_max_window_bits=12, compress_settings={"memLevel": 5}
    )


class WebSocketProtocol(asyncio.Protocol):
    """The websocket API on one connection: handshake, frames, keepalive, closing."""

    def __init__(self, serving: Serving, loop: asyncio.AbstractEventLoop) -> None:
        self.serving = serving
        self.loop = loop
        self.conn = ServerProtocol(
            extensions=[_compression()], max_size=serving.ws_max_size(), logger=LOG
        )
        self.transport: asyncio.Transport | None = None
        self.session: WsSession | None = None
        self.close_sent = False  # our close frame (or a rejection) is out: ignore messages
        self.close_timer: asyncio.TimerHandle | None = None
        self.write_paused = False
        self.waiting: deque[Frame] = deque()  # messages held while the peer is not reading
        self.pushes: deque[Message] = deque()  # notifications held likewise
        self.fragments: list[bytes | bytearray | memoryview] = []
        self.fragment_text = False
        self.out: list[bytes] = []
        self.frames_out = 0
        self.ping_timer: asyncio.TimerHandle | None = None
        self.pong_timer: asyncio.TimerHandle | None = None
        self.ping_payload: bytes | None = None
        self.ping_sent_at = 0.0
        self.ping_rtt = 0.0

    # -- asyncio.Protocol --------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.serving.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_keepalive()
        self.serving.connections.discard(self)
        self.close_sent = True
        self.waiting.clear()
        self.pushes.clear()
        if self.close_timer is not None:
            self.close_timer.cancel()
            self.close_timer = None
        if self.session is not None:
            self.session.close()
        if exc is None and self.transport is not None:
            self.transport.close()

    def eof_received(self) -> None:
        return None  # the transport closes itself

    def pause_writing(self) -> None:
        self.write_paused = True
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        self.write_paused = False
        while self.pushes and not self.write_paused:
            self._send(self.pushes.popleft())
        self._run_waiting()
        self._flush()
        if not self.write_paused and self.transport is not None and not self.close_sent:
            self.transport.resume_reading()

    def data_received(self, data: bytes) -> None:
        self.conn.receive_data(data)
        if self.conn.parser_exc is not None:
            self._failed()  # websockets queued the close frame (1002, 1007, 1009)
            return
        events = self.conn.events_received()
        if not events and self.session is None and self.conn.handshake_exc is not None:
            self._write_now()  # websockets' own 414/431 for a head it cannot parse
            self.close_sent = True
            self._close()
            return
        for event in events:
            if isinstance(event, Request):
                self._handshake(event)
            elif not isinstance(event, Frame):
                continue  # a server receives no handshake response
            elif self.close_sent:
                if event.opcode is Opcode.CLOSE:
                    self._close_answered()
            else:
                self.waiting.append(event)
        self._run_waiting()
        self._flush()

    # -- events ---------------------------------------------------------------------

    def _handshake(self, request: Request) -> None:
        response = self.conn.accept(request)
        if response.status_code != 101:
            self.close_sent = True
            self.conn.send_response(response)
            self._write_now()
            self._close()
            return
        del response.headers["Date"]
        self.conn.send_response(response)
        self._write_now()
        host, port = self._local_address()
        self.session = WsSession(self.serving.core.services, self._push, f"http://{host}:{port}/")
        self._schedule_ping()

    def _run_waiting(self) -> None:
        while self.waiting and not self.write_paused and not self.close_sent:
            frame = self.waiting.popleft()
            opcode = frame.opcode
            if opcode is Opcode.TEXT or opcode is Opcode.BINARY:
                self.fragment_text = opcode is Opcode.TEXT
                self.fragments = [frame.data]
                if frame.fin:
                    self._message()
            elif opcode is Opcode.CONT:
                self.fragments.append(frame.data)
                if frame.fin:
                    self._message()
            elif opcode is Opcode.PING:
                self._collect()  # websockets queued the pong
            elif opcode is Opcode.PONG:
                self._pong(frame.data)
            elif opcode is Opcode.CLOSE:
                self._collect()  # websockets queued the close echo
                self._flush()
                self.close_sent = True
                self._close()

    def _message(self) -> None:
        data = self.fragments[0] if len(self.fragments) == 1 else b"".join(self.fragments)
        if not isinstance(data, bytes):
            data = bytes(data)
        self.fragments = []
        session = self.session
        assert session is not None
        try:
            if self.fragment_text:
                try:
                    text = data.decode()
                except UnicodeDecodeError:
                    LOG.warning("invalid UTF-8 in a text frame; closing with 1007")
                    self._send_close(_INVALID_DATA)
                    self._failed()
                    return
                reply = session.handle(text, False)
            else:
                reply = session.handle(data, True)
        except Exception:
            LOG.exception("websocket request failed")
            self._drop()
            return
        if reply is not None:
            self._send(reply)
        if session.closed:  # Zaqar drops the connection after this request
            self._send_close(_SERVER_ERROR)
            self._collect()
            self.close_sent = True
            answered = any(f.opcode is Opcode.CLOSE for f in self.waiting)
            self.waiting.clear()
            if answered:  # the peer's close frame had already arrived: echo it, close
                self._flush()
                self._close()
                return
            if self.transport is not None:
                self.transport.resume_reading()
            self.close_timer = self.loop.call_later(CLOSE_TIMEOUT, self._close)

    def _close_answered(self) -> None:
        """The peer answered our close frame: the closing handshake is over."""
        if self.close_timer is not None:
            self.close_timer.cancel()
            self.close_timer = None
            self._close()

    def _failed(self) -> None:
        """websockets failed the connection (a protocol error): its close frame, then close."""
        self._collect()
        self._flush()
        self.close_sent = True
        self._close()

    # -- sending ------------------------------------------------------------------------

    def _send(self, reply: Message) -> None:
        try:
            if isinstance(reply, str):
                self.conn.send_text(reply.encode())
            else:
                self.conn.send_binary(reply)
        except InvalidState:
            return  # the peer's close frame arrived with the request: no more replies
        self._collect()
        self.frames_out += 1
        if self.frames_out >= MAX_FRAMES or sum(map(len, self.out)) >= MAX_BYTES:
            self._flush()

    def _push(self, frame: Message, binary: bool) -> None:
        """A notification, from a notifier worker thread."""
        with contextlib.suppress(RuntimeError):  # the loop has closed
            self.loop.call_soon_threadsafe(self._push_now, frame)

    def _push_now(self, frame: Message) -> None:
        if self.close_sent or self.transport is None or self.transport.is_closing():
            return
        if self.write_paused:
            self.pushes.append(frame)
            return
        self._send(frame)
        self._flush()

    def _send_close(self, code: int) -> None:
        """Queue our close frame, unless the peer's close frame already ended the session."""
        with contextlib.suppress(InvalidState):
            self.conn.send_close(code)

    def _collect(self) -> None:
        self.out.extend(self.conn.data_to_send())

    def _flush(self) -> None:
        out, self.out, self.frames_out = self.out, [], 0
        data = b"".join(out)
        if data and self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def _write_now(self) -> None:
        self._collect()
        self._flush()

    def _close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _drop(self) -> None:
        """Close without a close frame (the request could not be answered)."""
        self.close_sent = True
        self.out = []
        self._close()

    def _local_address(self) -> tuple[str, int]:
        sockname = self.transport.get_extra_info("sockname") if self.transport else None
        if isinstance(sockname, tuple) and len(sockname) >= 2:
            return str(sockname[0]), int(sockname[1])
        return "127.0.0.1", 0

    # -- keepalive ----------------------------------------------------------------------

    def _schedule_ping(self) -> None:
        delay = max(0.0, PING_INTERVAL - self.ping_rtt)
        self.ping_timer = self.loop.call_later(delay, self._ping)

    def _ping(self) -> None:
        self.ping_timer = None
        if self.close_sent or self.transport is None or self.transport.is_closing():
            return
        # A random payload tells the answer to this ping from a stale or unsolicited pong.
        self.ping_payload = struct.pack("!I", random.getrandbits(32))
        self.ping_sent_at = self.loop.time()
        try:
            self.conn.send_ping(self.ping_payload)
        except InvalidState:
            return  # the peer's close frame is in and waits its turn
        self._write_now()
        self.pong_timer = self.loop.call_later(PING_TIMEOUT, self._ping_timed_out)

    def _pong(self, data: bytes | bytearray | memoryview) -> None:
        if self.ping_payload is None or bytes(data) != self.ping_payload:
            return
        self.ping_rtt = self.loop.time() - self.ping_sent_at
        self.ping_payload = None
        if self.pong_timer is not None:
            self.pong_timer.cancel()
            self.pong_timer = None
            self._schedule_ping()

    def _ping_timed_out(self) -> None:
        self.pong_timer = None
        self.ping_payload = None
        if self.close_sent or self.transport is None or self.transport.is_closing():
            return
        self.conn.fail(_SERVER_ERROR, "keepalive ping timeout")
        self._write_now()
        self.close_sent = True
        self._close()

    def _stop_keepalive(self) -> None:
        for timer in (self.ping_timer, self.pong_timer):
            if timer is not None:
                timer.cancel()
        self.ping_timer = self.pong_timer = None
        self.ping_payload = None

    # -- shutdown -------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Graceful shutdown (called by the runner): close 1012 (service restart), or 500."""
        self._stop_keepalive()
        if self.close_sent:
            if self.close_timer is not None:
                self.close_timer.cancel()
                self.close_timer = None
        elif self.session is not None:
            self._send_close(_GOING_AWAY)
            self._write_now()
        else:
            self.conn.send_response(self.conn.reject(500, "Internal Server Error"))
            self._write_now()
        self.close_sent = True
        self._close()
