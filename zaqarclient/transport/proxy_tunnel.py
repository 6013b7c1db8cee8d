"""A websocket through an HTTP proxy: the environment's proxy and a ``CONNECT`` tunnel.

A ``ws://`` URL takes ``http_proxy`` and a ``wss://`` URL ``https_proxy``
(else ``all_proxy``; ``no_proxy`` is honoured: see
:func:`~zaqarclient.transport.env_proxy.environ_proxy`), as websocket-client
read them. The tunnel is ``CONNECT host:port`` with ``Proxy-Authorization:
Basic`` when the proxy URL carries credentials, which never appear in
errors, logs or reprs; any answer but 200 is a
:class:`~zaqarclient.errors.ConnectionError` saying the proxy refused.

The request and the answer's reading are here for both transports; this
module opens the sync tunnel, :mod:`zaqarclient.aio.proxy` the asyncio one.
"""

from __future__ import annotations

import base64
import socket
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from zaqarclient.errors import ConfigurationError, ConnectionError
from zaqarclient.transport.env_proxy import environ_proxy
from zaqarclient.transport.redaction import redact_url

#: A proxy's answer to CONNECT is a status line and a few headers; more is not a proxy.
MAX_ANSWER_HEAD = 64 * 1024


@dataclass(frozen=True, slots=True)
class Proxy:
    """An HTTP proxy: where it listens, and the ``Proxy-Authorization`` value (never shown)."""

    host: str
    port: int
    authorization: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> Proxy:
        """Read ``http://[user:password@]host[:port]`` (no scheme: http; no port: 8080)."""
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


def connect_request(proxy: Proxy, target: str) -> bytes:
    """The ``CONNECT`` request asking ``proxy`` for a tunnel to ``target`` (``host:port``)."""
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
    if proxy.authorization is not None:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def answer_status(head: bytes) -> tuple[int, str]:
    """The status and reason of a proxy's answer head (0 when it is not HTTP)."""
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    version, _, rest = line.partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/") or not code.isdigit():
        return 0, "not an HTTP answer"
    return int(code), reason[:100]


def refused(proxy: Proxy, target: str, head: bytes, url: str) -> ConnectionError | None:
    """The error for an answer other than 200 (None: the tunnel is open)."""
    status, reason = answer_status(head)
    if status == 200:
        return None
    return ConnectionError(
        f"The proxy at {proxy} refused the tunnel to Zaqar at {target}: {status} {reason}"
        .rstrip(),
        url=url, request_sent=False,
    )


def unreachable(proxy: Proxy, url: str, exc: BaseException) -> ConnectionError:
    """The error for a proxy that cannot be reached."""
    return ConnectionError(
        f"Cannot connect to the proxy at {proxy} (for Zaqar at {url}): {exc}",
        url=url, request_sent=False,
    )


def open_tunnel(proxy: Proxy, host: str, port: int, url: str, timeout: float) -> socket.socket:
    """A blocking socket to ``host:port`` through ``proxy`` (``timeout`` s for each step).

    ``url`` (redacted) goes into errors.
    """
    try:
        sock = socket.create_connection((proxy.host, proxy.port), timeout=timeout)
    except OSError as exc:
        raise unreachable(proxy, url, exc) from exc
    target = authority(host, port)
    try:
        sock.sendall(connect_request(proxy, target))
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError(
                    "the proxy closed the connection before answering CONNECT", url=url,
                    request_sent=False,
                )
            buffer += chunk
            if len(buffer) > MAX_ANSWER_HEAD:
                raise ConnectionError(
                    "the proxy's answer to CONNECT is not HTTP", url=url, request_sent=False
                )
        head, _, early = buffer.partition(b"\r\n\r\n")
        error = refused(proxy, target, head, url)
        if error is not None:
            raise error
        if early:  # Zaqar speaks only once the handshake is sent: nothing may come first
            raise ConnectionError(
                "the proxy sent data before the tunnel opened", url=url, request_sent=False
            )
    except BaseException:
        sock.close()
        raise
    return sock
