"""Pool URIs: driver lookup, and the bounded connection attempt against real stores."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from tests.support.real_zaqar import free_port
from tests.support.redis_store import RedisStore
from zaqarclient.server import mongo_probe
from zaqarclient.server.pool_stores import can_connect, driver_for, redacted


def test_driver_for_scheme() -> None:
    assert driver_for("redis://h").capabilities == ("FIFO", "CLAIMS", "AOD", "HIGH_THROUGHPUT")
    assert "DURABILITY" in driver_for("mongodb://h").capabilities
    assert driver_for("localhost:27017") is driver_for("mongodb://h")  # the default store
    assert driver_for("foo://bar") is None


def test_redis_store_answers(pool_store: RedisStore) -> None:
    assert can_connect(pool_store.uri(3), 1.0)
    assert can_connect(pool_store.base_uri, 1.0)


@pytest.mark.parametrize("uri", [
    "redis://127.0.0.1:1", "mongodb://127.0.0.1:1", "foo://bar", "sqlite:///x.db",
    "redis://", "redis://127.0.0.1:notaport", "redis://u@127.0.0.1:1",
])
def test_nothing_there_is_refused_fast(uri: str) -> None:
    started = time.monotonic()
    assert not can_connect(uri, 1.0)
    assert time.monotonic() - started < 0.5


def test_database_out_of_range_and_wrong_password(pool_store: RedisStore) -> None:
    assert not can_connect(pool_store.uri(100000), 1.0)
    assert not can_connect(f"redis://:wrong@127.0.0.1:{pool_store.port}", 1.0)
    with RedisStore() as guarded:
        with socket.create_connection(("127.0.0.1", guarded.port)) as sock:
            sock.sendall(b"CONFIG SET requirepass s3cret\r\n")
            assert sock.recv(100).startswith(b"+OK")
        assert not can_connect(guarded.base_uri, 1.0)
        assert can_connect(f"redis://:s3cret@127.0.0.1:{guarded.port}", 1.0)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        try:
            while True:
                accepted.append(server.accept()[0])
        except OSError:
            pass

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for sock in accepted:
        sock.close()


def test_a_silent_store_costs_a_bounded_time(silent_port: int) -> None:
    for uri, bound in ((f"redis://127.0.0.1:{silent_port}", 0.1),  # Zaqar's socket_timeout
                       (f"redis://127.0.0.1:{silent_port}?socket_timeout=30", 0.3),
                       (f"mongodb://127.0.0.1:{silent_port}", 0.3)):
        started = time.monotonic()
        assert not can_connect(uri, 0.3)
        assert time.monotonic() - started < bound + 0.25, uri


class FakeMongo:
    """Answers OP_MSG commands with a fixed BSON document (no mongod on this machine)."""

    def __init__(self, reply: bytes) -> None:
        self.reply = reply
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        try:
            while True:
                conn, _ = self.server.accept()
                with conn:
                    header = conn.recv(16)
                    length, request_id = struct.unpack("<ii", header[:8])
                    conn.recv(length - 16)
                    body = struct.pack("<I", 0) + b"\x00" + self.reply
                    conn.sendall(struct.pack("<iiii", 16 + len(body), 7, request_id, 2013) + body)
        except OSError:
            pass

    def close(self) -> None:
        self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept() above
        self.server.close()


def _bson(elements: bytes) -> bytes:
    return struct.pack("<i", len(elements) + 5) + elements + b"\x00"


def test_mongodb_ping() -> None:
    cluster = b"\x03$clusterTime\x00" + _bson(b"\x11clusterTime\x00" + bytes(8))
    ok = FakeMongo(_bson(cluster + b"\x01ok\x00" + struct.pack("<d", 1.0)))
    failed = FakeMongo(_bson(b"\x01ok\x00" + struct.pack("<d", 0.0) + b"\x02errmsg\x00"
                             + struct.pack("<i", 3) + b"no\x00"))
    try:
        assert can_connect(f"mongodb://127.0.0.1:{ok.port}/zaqar", 1.0)
        assert can_connect(f"mongodb.fifo://127.0.0.1:{free_port()},127.0.0.1:{ok.port}", 1.0)
        assert not can_connect(f"mongodb://127.0.0.1:{failed.port}", 1.0)
    finally:
        ok.close()
        failed.close()


def test_mongodb_hosts() -> None:
    seeds, options = mongo_probe.hosts("mongodb://u:p@a,b:27018/db?replicaSet=rs&ssl=true")
    assert seeds == [("a", 27017), ("b", 27018)]
    assert options == {"replicaset": "rs", "ssl": "true"}
    assert mongo_probe.hosts("mongodb://%2Ftmp%2Fm.sock")[0] == ["/tmp/m.sock"]


def test_passwords_are_redacted() -> None:
    assert redacted("redis://:s3cret@h:6379?dbid=1") == "redis://:***@h:6379?dbid=1"
    assert redacted("mongodb://u:pw@h/db") == "mongodb://u:***@h/db"
    assert redacted("redis://h") == "redis://h"
    assert redacted("sqlite:///zaqar.db") == "sqlite:///zaqar.db"
    assert redacted("redis://s1,s2?master=m&sentinel_password=pw&dbid=2") == (
        "redis://s1,s2?master=m&sentinel_password=***&dbid=2")
