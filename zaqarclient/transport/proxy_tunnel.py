"""A websocket through an HTTP proxy: the environment's proxy and a ``CONNECT`` tunnel.

A ``ws://`` URL takes ``http_proxy`` and a ``wss://`` URL ``https_proxy``
(``all_proxy`` for either; ``no_proxy`` is honoured), as websocket-client
and ``requests`` read them. The tunnel is a ``CONNECT host:port`` request,
with ``Proxy-Authorization: Basic`` when the proxy URL carries credentials;
those never appear in errors or logs.
"""

from __future__ import annotations

import base64
import socket
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from requests.utils import get_environ_proxies

from zaqarclient.errors import ConnectionError
from zaqarclient.transport.redaction import redact_url

#: The most a proxy's answer to CONNECT may take (status line and headers).
_MAX_REPLY = 16 * 1024


@dataclass(frozen=True)
class Proxy:
    """An HTTP proxy: where it listens and the Basic credentials to present, if any."""

    host: str
    port: int
    url: str
    credentials: str | None = field(default=None, repr=False)


def proxy_for(url: str) -> Proxy | None:
    """The environment's proxy for websocket ``url`` (None: connect directly)."""
    parts = urlsplit(url)
    scheme = "https" if parts.scheme == "wss" else "http"
    proxies = get_environ_proxies(f"{scheme}://{parts.netloc}")
    proxy_url = proxies.get(scheme) or proxies.get("all")
    if not proxy_url:
        return None
    if "://" not in proxy_url:
        proxy_url = "http://" + proxy_url
    proxy = urlsplit(proxy_url)
    credentials = None
    if proxy.username is not None:
        user_pass = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}"
        credentials = base64.b64encode(user_pass.encode("utf-8")).decode("ascii")
    return Proxy(proxy.hostname or "", proxy.port or 8080, redact_url(proxy_url), credentials)


def connect_request(host: str, port: int, proxy: Proxy) -> bytes:
    """The ``CONNECT`` request asking ``proxy`` for a tunnel to ``host:port``."""
    target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
    if proxy.credentials:
        lines.append(f"Proxy-Authorization: Basic {proxy.credentials}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def reply_status(head: bytes, proxy: Proxy) -> int:
    """The status of a proxy's answer (its head, up to the blank line)."""
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ConnectionError(
            f"the proxy {proxy.url} answered CONNECT with {status_line[:80]!r}",
            url=proxy.url, request_sent=False,
        )
    return int(parts[1])


def refused(status: int, head: bytes, proxy: Proxy) -> ConnectionError:
    """The error for a proxy that refused the tunnel with ``status``."""
    reason = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)[2:]
    text = f" {reason[0]}" if reason else ""
    return ConnectionError(
        f"the proxy {proxy.url} refused the tunnel: {status}{text}", url=proxy.url,
        request_sent=False,
    )


def open_tunnel(host: str, port: int, proxy: Proxy, timeout: float) -> socket.socket:
    """A socket to ``host:port`` through ``proxy`` (blocking, ``timeout`` for each step)."""
    try:
        sock = socket.create_connection((proxy.host, proxy.port), timeout=timeout)
    except OSError as exc:
        raise ConnectionError(
            f"Cannot connect to the proxy {proxy.url}: {exc}", url=proxy.url, request_sent=False
        ) from exc
    try:
        sock.sendall(connect_request(host, port, proxy))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk or len(head) > _MAX_REPLY:
                raise ConnectionError(
                    f"the proxy {proxy.url} closed or overflowed its answer to CONNECT",
                    url=proxy.url, request_sent=False,
                )
            head += chunk
        head, _, extra = head.partition(b"\r\n\r\n")
        status = reply_status(head, proxy)
        if status != 200:
            raise refused(status, head, proxy)
        if extra:  # nothing may follow the answer before the websocket handshake
            raise ConnectionError(
                f"the proxy {proxy.url} sent data before the tunnel opened", url=proxy.url,
                request_sent=False,
            )
    except BaseException:
        sock.close()
        raise
    return sock
