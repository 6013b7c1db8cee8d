"""Does a ``redis://`` pool URI answer? The checks Zaqar's Redis driver makes on a new pool.

The URI is read as Zaqar's ``ConnectionURI`` reads it: TCP
(``redis://[user:password@]host[:port]``), a UNIX socket (``redis:/path``) or
sentinels (``redis://s1[:port],s2?master=name``), with the ``dbid`` and
``socket_timeout`` (default 0.1 s) query options. Like redis-py under Zaqar's
driver, the probe authenticates, selects the database, reads ``INFO`` (the
driver needs redis-server 2.6 or later) and sends ``PING``. Every socket
operation waits at most ``socket_timeout`` and the whole probe ends by the
deadline, so an address nobody answers costs a bounded time.
"""

from __future__ import annotations

import re
import socket
import time
from typing import BinaryIO
from urllib.parse import parse_qsl, unquote, urlsplit

REDIS_PORT = 6379
SENTINEL_PORT = 26379
DEFAULT_SOCKET_TIMEOUT = 0.1
_MAX_REPLY = 1 << 20


class RedisTarget:
    """A parsed ``redis://`` URI (raises ValueError where Zaqar's parser refuses it)."""

    def __init__(self, uri: str) -> None:
        parts = urlsplit(uri)
        if parts.scheme != "redis":
            raise ValueError("Invalid scheme in Redis URI")
        query = dict(parse_qsl(parts.query))
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        if self.username and not self.password:
            raise ValueError("Password should be set when username is set")
        self.socket_timeout = float(query.get("socket_timeout", DEFAULT_SOCKET_TIMEOUT))
        self.dbid = int(query.get("dbid", 0))
        self.master = query.get("master")
        self.sentinel_username = query.get("sentinel_username")
        self.sentinel_password = query.get("sentinel_password")
        netloc = parts.netloc.rpartition("@")[2]
        self.sentinels: list[tuple[str, int]] = []
        self.address: tuple[str, int] | str
        if self.master is not None:
            self.sentinels = [_host_port(h, SENTINEL_PORT) for h in netloc.split(",")]
            self.address = ""
        elif netloc:
            if "," in netloc:
                raise ValueError("several hosts without a sentinel master")
            if not parts.hostname:
                raise ValueError("Missing host name in Redis URI")
            self.address = (parts.hostname, parts.port or REDIS_PORT)
        else:
            if not parts.path:
                raise ValueError("Missing path in Redis URI")
            self.address = parts.path


def _host_port(text: str, default: int) -> tuple[str, int]:
    found = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?|([^:\[\]]+)(?::(\d+))?", text)
    if found is None:
        raise ValueError(f"invalid redis server format {text}")
    host = found.group(1) or found.group(3)
    port = found.group(2) or found.group(4)
    return host, int(port) if port else default


class _Connection:
    """One RESP connection whose every operation ends by ``deadline``."""

    def __init__(self, address: tuple[str, int] | str, op_timeout: float, deadline: float):
        self.op_timeout = op_timeout
        self.deadline = deadline
        if isinstance(address, str):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self._arm()
                self.sock.connect(address)
            except OSError:
                self.sock.close()
                raise
        else:
            self.sock = socket.create_connection(address, timeout=self._remaining())
        self.reader: BinaryIO = self.sock.makefile("rb")

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("pool connection attempt ran out of time")
        return min(left, self.op_timeout)

    def _arm(self) -> None:
        self.sock.settimeout(self._remaining())

    def command(self, *args: str) -> object:
        payload = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            data = arg.encode()
            payload.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self._arm()
        self.sock.sendall(b"".join(payload))
        return self._reply()

    def _line(self) -> bytes:
        self._arm()
        line = self.reader.readline(_MAX_REPLY)
        if not line.endswith(b"\r\n"):
            raise OSError("connection closed or reply too long")
        return line[:-2]

    def _reply(self) -> object:
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode("utf-8", "replace")
        if kind == b"-":
            raise OSError(f"redis error: {rest[:80].decode('utf-8', 'replace')}")
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            if size > _MAX_REPLY:
                raise OSError("reply too long")
            self._arm()
            data = self.reader.read(size + 2)
            if len(data) != size + 2:
                raise OSError("connection closed")
            return data[:-2].decode("utf-8", "replace")
        if kind == b"*":
            count = int(rest)
            return None if count < 0 else [self._reply() for _ in range(min(count, 64))]
        raise OSError("not a redis server")

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def _authenticate(conn: _Connection, username: str | None, password: str | None) -> None:
    if password:
        conn.command(*(("AUTH", username, password) if username else ("AUTH", password)))


def _master_address(target: RedisTarget, deadline: float) -> tuple[str, int]:
    assert target.master is not None
    for sentinel in target.sentinels:
        try:
            conn = _Connection(sentinel, target.socket_timeout, deadline)
        except OSError:
            continue
        try:
            _authenticate(conn, target.sentinel_username, target.sentinel_password)
            found = conn.command("SENTINEL", "get-master-addr-by-name", target.master)
        except OSError:
            continue
        finally:
            conn.close()
        if isinstance(found, list) and len(found) == 2:
            return str(found[0]), int(str(found[1]))
    raise OSError(f"no sentinel knows master {target.master!r}")


def answers(uri: str, deadline: float) -> bool:
    """True when the Redis store ``uri`` names accepts the driver's start-up commands."""
    target = RedisTarget(uri)
    address = _master_address(target, deadline) if target.master else target.address
    conn = _Connection(address, target.socket_timeout, deadline)
    try:
        _authenticate(conn, target.username, target.password)
        if target.dbid:
            conn.command("SELECT", str(target.dbid))
        info = conn.command("INFO")
        version = re.search(r"^redis_version:(\d+)\.(\d+)", str(info), re.MULTILINE)
        if version is None or (int(version.group(1)), int(version.group(2))) < (2, 6):
            return False
        return conn.command("PING") == "PONG"
    finally:
        conn.close()
