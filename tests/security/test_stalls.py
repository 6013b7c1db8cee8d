"""No input may hold the event loop: regex filters, signed paths and a locked SQLite file."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from zaqarclient.server import App, TestClock
from zaqarclient.server.config import Config
from zaqarclient.testing import ReferenceServer

CID = "3381af92-2b9e-11e3-b191-71861300734c"
H = {"Client-ID": CID, "X-Project-ID": "stall"}
# A ping on another connection during the slow request must come back within this.
PING_BOUND = 0.1


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as ref:
        yield ref


def worst_ping_during(server: ReferenceServer, work: threading.Thread) -> float:
    """Ping on a second connection while `work` runs; the slowest answer in seconds."""
    with requests.Session() as session:
        session.get(server.url + "/v2/ping", headers=H)  # connect before the work starts
        work.start()
        worst = 0.0
        while work.is_alive():
            start = time.perf_counter()
            assert session.get(server.url + "/v2/ping", headers=H, timeout=10).status_code == 204
            worst = max(worst, time.perf_counter() - start)
        work.join()
    return worst


@pytest.mark.parametrize("pattern", ["(a%2B)%2B$", "(a*)*b", "(a|aa)%2B$", "(.*a){20}"])
def test_a_backtracking_name_filter_costs_nothing(server: ReferenceServer, pattern: str) -> None:
    for n in (20, 23, 25):  # Python's re: about 0.1, 0.6 and 2 s per listing
        requests.put(server.url + "/v2/queues/" + "a" * (n - 1) + "b", headers=H)
    answers: list[requests.Response] = []

    def evil() -> None:
        for _ in range(5):
            answers.append(requests.get(server.url + f"/v2/queues?name={pattern}", headers=H))

    assert worst_ping_during(server, threading.Thread(target=evil)) < PING_BOUND
    assert all(a.status_code == 200 for a in answers)
    assert max(a.elapsed.total_seconds() for a in answers) < PING_BOUND


def test_the_name_filter_still_filters(server: ReferenceServer) -> None:
    for name in ("alpha", "beta", "a.b", "aXb"):
        requests.put(server.url + f"/v2/queues/{name}", headers={**H, "X-Project-ID": "nf"})

    def names(pattern: str) -> list[str]:
        resp = requests.get(server.url + f"/v2/queues?name={pattern}",
                            headers={**H, "X-Project-ID": "nf"})
        return [q["name"] for q in resp.json()["queues"]]

    assert names("et") == ["beta"]
    assert names("^a") == ["a.b", "aXb", "alpha"]
    assert names("a\\.b") == ["a.b"]
    assert names("ta$") == ["beta"]


@pytest.mark.parametrize(("pattern", "problem"), [
    ("(a)\\1", "invalid escape sequence"), ("(%3F=a)", "invalid perl operator"),
    ("[", "missing ]"),
])
def test_a_pattern_that_cannot_run_in_linear_time_is_a_clear_400(
    server: ReferenceServer, pattern: str, problem: str
) -> None:
    resp = requests.get(server.url + f"/v2/queues?name={pattern}", headers=H)
    assert resp.status_code == 400 and problem in resp.json()["description"]


@pytest.fixture
def locked_store(tmp_path: Path) -> Iterator[tuple[ReferenceServer, Path]]:
    path = tmp_path / "store.db"
    with ReferenceServer(store=f"sqlite:{path}") as ref:
        yield ref, path


def test_a_locked_sqlite_file_answers_503_fast_and_changes_nothing(
    locked_store: tuple[ReferenceServer, Path],
) -> None:
    server, path = locked_store
    url = server.url + "/v2/queues/dur"
    assert requests.put(url, headers=H).status_code == 201
    kept = requests.post(url + "/messages", json={"messages": [{"body": "kept"}]}, headers=H)
    assert kept.status_code == 201
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        outcomes: list[requests.Response] = []

        def writes() -> None:
            outcomes.append(requests.post(url + "/messages", headers=H,
                                          json={"messages": [{"body": "lost"}]}))
            outcomes.append(requests.post(url + "/claims", json={"ttl": 60}, headers=H))
            outcomes.append(requests.delete(url + "/messages?pop=1", headers=H))

        assert worst_ping_during(server, threading.Thread(target=writes)) < PING_BOUND
        for resp in outcomes:
            assert resp.status_code == 503, resp.text
            assert resp.elapsed.total_seconds() < PING_BOUND
            assert resp.json()["description"] == (
                "The storage is unavailable: the durable store could not record the change "
                "(database is locked); the request was not applied. Please try again in a "
                "few seconds."
            )
        # Memory was not changed either: nothing posted, nothing claimed, nothing popped.
        listed = requests.get(url + "/messages?echo=true", headers=H).json()["messages"]
        assert [m["body"] for m in listed] == ["kept"]
        stats = requests.get(url + "/stats", headers=H).json()["messages"]
        assert (stats["claimed"], stats["total"]) == (0, 1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    claim = requests.post(url + "/claims", json={"ttl": 60}, headers=H)
    assert claim.status_code == 201 and [m["body"] for m in claim.json()["messages"]] == ["kept"]
    # What a restart loads is what the clients were told.
    again = App(store=f"sqlite:{path}", clock=TestClock())
    try:
        views = again.storage.message_list("stall", "dur", None, 10, None, True, True)
        assert [v.body for v in views] == ["kept"] and views[0].claim_id is not None
    finally:
        again.close()


@pytest.fixture
def silent_store() -> Iterator[str]:
    """A redis:// URI whose server accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                accepted.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    # socket_timeout lifts Zaqar's own 0.1 s read bound: the probe waits pool_connect_timeout.
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}?socket_timeout=30"
    listener.close()
    for sock in accepted:
        sock.close()


@pytest.fixture(scope="module")
def pooled_server() -> Iterator[ReferenceServer]:
    config = Config(admin_mode=True, pooling=True, enable_virtual_pool=True,
                    pool_connect_timeout=0.6)
    with ReferenceServer(config) as ref:
        yield ref


ADMIN = {**H, "X-Roles": "admin"}


def test_a_pool_probe_does_not_hold_other_clients(
    pooled_server: ReferenceServer, silent_store: str
) -> None:
    answers: list[requests.Response] = []

    def register() -> None:
        answers.append(requests.put(pooled_server.url + "/v2/pools/silent", headers=ADMIN,
                                    json={"uri": silent_store, "weight": 1}))

    assert worst_ping_during(pooled_server, threading.Thread(target=register)) < PING_BOUND
    assert answers[0].status_code == 400
    assert answers[0].elapsed.total_seconds() >= 0.5  # the probe did wait for the store
    assert "cannot connect to" in answers[0].json()["description"]


def test_requests_behind_a_pool_probe_keep_their_order(
    pooled_server: ReferenceServer, silent_store: str
) -> None:
    port = int(pooled_server.url.rsplit(":", 1)[1])
    body = json.dumps({"uri": silent_store, "weight": 1}).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in ADMIN.items())
    pipelined = (
        f"PUT /v2/pools/silent HTTP/1.1\r\nHost: x\r\n{head}content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n".encode() + body
        + f"GET /v2/queues/behind/stats HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode()
        + f"PATCH /v2/pools/silent HTTP/1.1\r\nHost: x\r\n{head}content-type: application/json"
          f"\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body
        + f"GET /v2/ping HTTP/1.1\r\nHost: x\r\n{head}connection: close\r\n\r\n".encode()
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(pipelined)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    statuses = [int(status) for status in re.findall(rb"HTTP/1\.1 (\d{3}) ", received)]
    # Bad pool (probe failed), stats, a PATCH of a pool that is still not there, ping.
    assert statuses == [400, 200, 400, 204]


def test_a_pipelined_flood_does_not_hold_other_clients(server: ReferenceServer) -> None:
    # 4,000 requests in one write used to be answered inside one or two callbacks of the
    # loop (~0.25 s for the whole flood here); now a connection gets 64 answers a turn.
    port = int(server.url.rsplit(":", 1)[1])
    one = f"GET /v2/queues/flood/stats HTTP/1.1\r\nHost: x\r\nClient-ID: {CID}\r\n" \
          "X-Project-ID: stall\r\n\r\n"
    flood = (one * 3999 + one.replace("\r\n\r\n", "\r\nconnection: close\r\n\r\n")).encode()
    received = bytearray()

    def pipeline() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(flood)
            while chunk := sock.recv(262144):
                received.extend(chunk)

    worst = worst_ping_during(server, threading.Thread(target=pipeline))
    assert received.count(b"HTTP/1.1 200 OK\r\n") == 4000, "every request answered, in order"
    assert worst < PING_BOUND, f"a ping took {worst:.3f} s during the flood"
