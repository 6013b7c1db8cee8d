"""HTTP CONNECT tunnels for the asyncio websocket, through the environment's proxy.

The rule, the request and the reading of the answer are the sync
transport's (:mod:`zaqarclient.transport.proxy_tunnel`); this module does
the asyncio I/O: ``CONNECT`` to the proxy, a ``200`` answer, then TLS (for
wss) and the websocket handshake over the tunnel.
"""

from __future__ import annotations

import asyncio
import logging

from zaqarclient.errors import ConnectionError
from zaqarclient.transport.proxy_tunnel import (
    MAX_ANSWER_HEAD,
    Proxy,
    authority,
    connect_request,
    proxy_for,
    refused,
    unreachable,
)

__all__ = ["Proxy", "open_tunnel", "proxy_for"]

LOG = logging.getLogger("zaqarclient")


class _Answer(asyncio.Protocol):
    """Reads the proxy's answer head; then pauses reading, so the tunnel's bytes wait."""

    def __init__(self) -> None:
        self.head: asyncio.Future[tuple[bytes, bytes]] = (
            asyncio.get_running_loop().create_future())
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if self.head.done():
            return
        self._buffer += data
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_ANSWER_HEAD:
                self.head.set_exception(ConnectionError(
                    "the proxy's answer to CONNECT is not HTTP", request_sent=False))
            return
        if self._transport is not None:
            self._transport.pause_reading()
        self.head.set_result((bytes(self._buffer[:end]), bytes(self._buffer[end + 4:])))

    def connection_lost(self, exc: BaseException | None) -> None:
        if not self.head.done():
            self.head.set_exception(ConnectionError(
                "the proxy closed the connection before answering CONNECT", request_sent=False))


async def open_tunnel(
    proxy: Proxy, host: str, port: int, url: str
) -> tuple[asyncio.Transport, bytes]:
    """A connection to ``host:port`` through ``proxy``, reading paused.

    Returns the transport (hand it to its protocol with ``set_protocol``,
    or to ``loop.start_tls``) and what the far end already sent past the
    proxy's answer. ``url`` (redacted) goes into errors.
    """
    loop = asyncio.get_running_loop()
    target = authority(host, port)
    LOG.debug("WS CONNECT %s via proxy %s", target, proxy)
    try:
        transport, answer = await loop.create_connection(_Answer, proxy.host, proxy.port)
    except OSError as exc:
        raise unreachable(proxy, url, exc) from exc
    transport.write(connect_request(proxy, target))
    try:
        head, early = await answer.head
    except BaseException as exc:
        transport.abort()
        if isinstance(exc, ConnectionError):
            exc.url = url
        raise
    error = refused(proxy, target, head, url)
    if error is not None:
        transport.close()
        raise error
    return transport, early
