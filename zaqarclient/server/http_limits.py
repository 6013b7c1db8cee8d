"""The HTTP limits of the reference server: their bounds and the answers that refuse.

Zaqar's own server (wsgiref) refuses a request line past 65536 bytes (414),
a header line past 65536 bytes or more than 100 headers (431), and has no
timeouts and no body bound. The bounds here are in `Config` (see its HTTP
limits block); each refusal is a complete response with a JSON body in
Zaqar's error shape that names the limit, and closes the connection, since
the rest of what the client sends cannot be trusted to line up with a
request boundary.
"""

from __future__ import annotations

import resource
from http import HTTPStatus
from typing import NamedTuple

from zaqarclient.server.config import Config
from zaqarclient.server.protocol import dumps

#: Connections allowed when `Config.max_connections` is None and file descriptors allow.
DEFAULT_MAX_CONNECTIONS = 1000
#: File descriptors kept free for everything else (store files, webhook sockets, logs).
RESERVED_FDS = 64


class Refusal(Exception):
    """A request refused by a limit: the status, Zaqar-style title and description."""

    def __init__(self, status: int, title: str, description: str) -> None:
        super().__init__(f"{status} {title}: {description}")
        self.status = status
        self.title = title
        self.description = description


class Limits(NamedTuple):
    """The bounds one connection enforces, read once from the server's `Config`."""

    request_line: int
    header_line: int
    header_count: int
    header_bytes: int
    body: int
    request_timeout: float
    idle_timeout: float

    @classmethod
    def of(cls, config: Config) -> Limits:
        return cls(
            config.max_request_line, config.max_header_line, config.max_header_count,
            config.max_header_bytes, config.body_limit(), config.request_timeout,
            config.idle_timeout,
        )


def connection_cap(config: Config) -> int:
    """How many connections to serve at once: the configured number, or what fds allow."""
    if config.max_connections is not None:
        return config.max_connections
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return DEFAULT_MAX_CONNECTIONS
    return max(1, min(DEFAULT_MAX_CONNECTIONS, soft - RESERVED_FDS))


def url_too_long(limits: Limits) -> Refusal:
    return Refusal(414, "Request-URI Too Long",
                   f"The request target is longer than {limits.request_line} bytes "
                   "(max_request_line).")


def _headers_refused(detail: str) -> Refusal:
    return Refusal(431, "Request Header Fields Too Large", detail)


def header_too_long(limits: Limits) -> Refusal:
    return _headers_refused(
        f"A header line is longer than {limits.header_line} bytes (max_header_line).")


def too_many_headers(limits: Limits) -> Refusal:
    return _headers_refused(
        f"The request has more than {limits.header_count} headers (max_header_count).")


def head_too_large(limits: Limits) -> Refusal:
    return _headers_refused(
        f"The request line and headers are larger than {limits.header_bytes} bytes "
        "(max_header_bytes).")


def too_slow(limits: Limits, idle: bool) -> Refusal:
    if idle:
        detail = f"nothing was received for {limits.idle_timeout:g} s (idle_timeout)"
    else:
        detail = f"it took longer than {limits.request_timeout:g} s (request_timeout)"
    return Refusal(408, "Request Timeout", f"The request was not received in time: {detail}.")


def at_capacity(cap: int) -> Refusal:
    return Refusal(503, "Service temporarily unavailable",
                   f"The server has {cap} open connections, its limit (max_connections). "
                   "Please try again in a few seconds.")


def encode_refusal(refusal: Refusal) -> bytes:
    """The whole response (JSON error body, connection: close) as bytes."""
    body = dumps({"title": refusal.title, "description": refusal.description})
    extra = b"retry-after: 1\r\n" if refusal.status == 503 else b""
    phrase = HTTPStatus(refusal.status).phrase.encode("ascii")
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
        b"%sconnection: close\r\n\r\n%s" % (refusal.status, phrase, len(body), extra, body)
    )
