"""Does a ``mongodb://`` pool URI answer? The ``ping`` Zaqar's MongoDB driver sends.

Zaqar's check is pymongo's ``admin.command('ping')``. This probe sends the same
command as one OP_MSG (MongoDB 3.6 and later; Zaqar 23 needs 6.0) to each
host of the URI in turn and accepts the first ``ok: 1`` reply. ``ssl=true``
or ``tls=true`` wraps the connection in TLS with certificate checks.
``connectTimeoutMS`` and ``serverSelectionTimeoutMS`` shorten the wait, which
never passes the deadline. Credentials are not sent: ``ping`` needs none.
"""

from __future__ import annotations

import socket
import ssl
import struct
import time
from urllib.parse import parse_qsl, unquote, urlsplit

MONGO_PORT = 27017
_OP_MSG = 2013
_MAX_REPLY = 16 << 20
# Sizes of the fixed-width BSON element types (the others carry their own length).
_FIXED = {0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0A: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16,
          0x7F: 0, 0xFF: 0}


def hosts(uri: str) -> tuple[list[tuple[str, int] | str], dict[str, str]]:
    """The seed hosts (``(host, port)`` or a UNIX socket path) and options of ``uri``."""
    # mongodb.fifo:// and the like are MongoDB URIs to Zaqar (it rewrites the scheme).
    rest = uri.split("://", 1)[1] if "://" in uri else ""
    netloc, _, tail = rest.partition("/")
    if "?" in netloc:
        netloc, _, query = netloc.partition("?")
    else:
        query = tail.partition("?")[2]
    seeds: list[tuple[str, int] | str] = []
    for item in netloc.rpartition("@")[2].split(","):
        if not item:
            raise ValueError("a MongoDB URI needs a host")
        if "%2f" in item.lower() or item.startswith("/"):
            seeds.append(unquote(item))
            continue
        parsed = urlsplit("//" + item)
        seeds.append((parsed.hostname or "", parsed.port or MONGO_PORT))
    return seeds, {k.lower(): v for k, v in parse_qsl(query)}


def _ping_message(request_id: int) -> bytes:
    def element_int(name: str, value: int) -> bytes:
        return b"\x10" + name.encode() + b"\x00" + struct.pack("<i", value)

    def element_str(name: str, value: str) -> bytes:
        data = value.encode() + b"\x00"
        return b"\x02" + name.encode() + b"\x00" + struct.pack("<i", len(data)) + data

    elements = element_int("ping", 1) + element_str("$db", "admin")
    document = struct.pack("<i", len(elements) + 5) + elements + b"\x00"
    body = struct.pack("<I", 0) + b"\x00" + document
    return struct.pack("<iiii", 16 + len(body), request_id, 0, _OP_MSG) + body


def _ok(document: bytes) -> bool:
    """Whether a BSON document has a top-level ``ok`` equal to 1."""
    pos = 4
    while pos < len(document) - 1:
        kind = document[pos]
        end = document.index(b"\x00", pos + 1)
        name = document[pos + 1:end]
        pos = end + 1
        if name == b"ok":
            if kind == 0x01:
                return bool(struct.unpack_from("<d", document, pos)[0] == 1.0)
            if kind == 0x10:
                return bool(struct.unpack_from("<i", document, pos)[0] == 1)
            if kind == 0x12:
                return bool(struct.unpack_from("<q", document, pos)[0] == 1)
            return False
        if kind in _FIXED:
            pos += _FIXED[kind]
        elif kind in (0x02, 0x0D, 0x0E):  # string, JavaScript, symbol
            pos += 4 + struct.unpack_from("<i", document, pos)[0]
        elif kind in (0x03, 0x04):  # document, array
            pos += struct.unpack_from("<i", document, pos)[0]
        elif kind == 0x05:  # binary: length, subtype, bytes
            pos += 5 + struct.unpack_from("<i", document, pos)[0]
        else:
            return False
    return False


def _arm(sock: socket.socket, end: float) -> None:
    left = end - time.monotonic()
    if left <= 0:
        raise TimeoutError("pool connection attempt ran out of time")
    sock.settimeout(left)


def _receive(sock: socket.socket, size: int, end: float) -> bytes:
    chunks = []
    while size:
        _arm(sock, end)
        chunk = sock.recv(size)
        if not chunk:
            raise OSError("connection closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _ping(seed: tuple[str, int] | str, use_tls: bool, end: float) -> bool:
    if isinstance(seed, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            _arm(sock, end)
            sock.connect(seed)
        except OSError:
            sock.close()
            raise
    else:
        sock = socket.create_connection(seed, timeout=max(end - time.monotonic(), 0.001))
    try:
        if use_tls:
            host = seed if isinstance(seed, str) else seed[0]
            _arm(sock, end)
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        _arm(sock, end)
        sock.sendall(_ping_message(1))
        length, _, response_to, opcode = struct.unpack("<iiii", _receive(sock, 16, end))
        if opcode != _OP_MSG or response_to != 1 or not 21 < length <= _MAX_REPLY:
            return False
        body = _receive(sock, length - 16, end)
        return body[4] == 0 and _ok(body[5:])  # flag bits, then a kind-0 section
    finally:
        sock.close()


def answers(uri: str, deadline: float) -> bool:
    """True when a host of the MongoDB URI answers ``ping`` with ``ok: 1`` in time."""
    seeds, options = hosts(uri)
    use_tls = options.get("ssl", options.get("tls", "")).lower() == "true"
    limits = [deadline]
    started = time.monotonic()
    for name in ("connecttimeoutms", "serverselectiontimeoutms"):
        if name in options:
            limits.append(started + float(options[name]) / 1000)
    end = min(limits)
    for seed in seeds:
        if end <= time.monotonic():
            return False
        try:
            if _ping(seed, use_tls, end):
                return True
        except (OSError, struct.error, IndexError, ValueError):
            continue
    return False
