"""HTTP CONNECT tunnels for the asyncio websocket, through the environment's proxy.

The sync websocket transport goes through the proxy ``http_proxy`` (ws) or
``https_proxy`` (wss) names (else ``all_proxy``), unless ``no_proxy``
covers the host (:mod:`zaqarclient.transport.proxy_tunnel`). The asyncio
transport tunnels here, by the same rule
(:func:`~zaqarclient.transport.env_proxy.environ_proxy`):
``CONNECT host:port`` to the proxy (``Proxy-Authorization: Basic`` when
the proxy URL carries ``user:password``), a ``200`` answer, then TLS (for
wss) and the websocket handshake over the tunnel. Any other answer is a
:class:`~zaqarclient.errors.ConnectionError` saying the proxy refused.
Proxy credentials never appear in logs, errors or reprs.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from zaqarclient.errors import ConfigurationError, ConnectionError
from zaqarclient.transport.env_proxy import environ_proxy
from zaqarclient.transport.redaction import redact_url

LOG = logging.getLogger("zaqarclient")
#: A proxy's answer to CONNECT is a status line and a few headers; more is not a proxy.
_MAX_ANSWER_HEAD = 64 * 1024


@dataclass(frozen=True, slots=True)
class Proxy:
    """An HTTP proxy: where it listens, and the ``Proxy-Authorization`` value (never shown)."""

    host: str
    port: int
    authorization: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> Proxy:
        """Read ``http://[user:password@]host[:port]`` (no scheme: http; no port: 8080, as sync)."""
        text = url if "://" in url else "http://" + url
        parts = urlsplit(text)
        try:
            port = parts.port or 8080
        except ValueError:
            port = 0
        if parts.scheme.lower() != "http" or not parts.hostname or not port:
            raise ConfigurationError(
                f"the websocket proxy must be an http://host:port URL, got {redact_url(text)}"
            )
        authorization = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            authorization = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
        return cls(parts.hostname, port, authorization)

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def proxy_for(url: str) -> Proxy | None:
    """The proxy the environment names for websocket ``url`` (None: connect directly)."""
    value = environ_proxy(url)
    return Proxy.from_url(value) if value else None


def authority(host: str, port: int) -> str:
    """``host:port`` as CONNECT and ``Host`` spell it (IPv6 in brackets, IDNA host names)."""
    if ":" in host:
        return f"[{host}]:{port}"
    return f"{host if host.isascii() else host.encode('idna').decode('ascii')}:{port}"


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
            if len(self._buffer) > _MAX_ANSWER_HEAD:
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


def _status(head: bytes) -> tuple[int, str]:
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    version, _, rest = line.partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/") or not code.isdigit():
        return 0, "not an HTTP answer"
    return int(code), reason[:100]


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
        raise ConnectionError(
            f"Cannot connect to the proxy at {proxy} (for Zaqar at {url}): {exc}",
            url=url, request_sent=False,
        ) from exc
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
    if proxy.authorization is not None:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
    try:
        head, early = await answer.head
    except BaseException as exc:
        transport.abort()
        if isinstance(exc, ConnectionError):
            exc.url = url
        raise
    status, reason = _status(head)
    if status != 200:
        transport.close()
        raise ConnectionError(
            f"The proxy at {proxy} refused the tunnel to Zaqar at {target}: "
            f"{status} {reason}".rstrip(),
            url=url, request_sent=False,
        )
    return transport, early
