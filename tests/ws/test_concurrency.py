"""Many requests in flight on one connection, from many threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.ws.helpers import ws
from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.queues import Queue
from zaqarclient.transport.errors import ResourceNotFound
from zaqarclient.transport.request import Request
from zaqarclient.transport.ws_connection import CORRELATION_HEADER, WsConnection


def test_replies_reach_the_thread_that_asked(client: Client, queue: Queue) -> None:
    def work(n: int) -> tuple[int, list[object]]:
        href = queue.post({"body": {"n": n}})["resources"][0]
        message = queue.message(href.rsplit("/", 1)[-1])
        return n, [message.body]

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(work, range(64)))
    assert all(body == [{"n": n}] for n, body in results)
    assert queue.stats["messages"]["total"] == 64


def test_one_connection_serves_all_threads(client: Client, queue: Queue) -> None:
    transport = ws(client)
    first = transport.connection()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: queue.stats, range(32)))
    assert transport.connection() is first


def test_requests_are_pipelined(
    client: Client, queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several requests are written before the first reply is read."""
    transport = ws(client)
    conn = transport.connection()
    in_flight = 0
    peak = 0
    lock = threading.Lock()
    original_call = WsConnection.call

    def counting_call(self: WsConnection, key, envelope, timeout):  # type: ignore[no-untyped-def]
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        try:
            return original_call(self, key, envelope, timeout)
        finally:
            with lock:
                in_flight -= 1

    monkeypatch.setattr(WsConnection, "call", counting_call)
    barrier = threading.Barrier(8)

    def post(n: int) -> None:
        barrier.wait()
        queue.post({"body": n})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(post, range(8)))
    assert peak > 1
    assert conn.alive


def test_zaqar_echoes_the_correlation_header(client: Client, queue: Queue) -> None:
    transport = ws(client)
    seen: list[object] = []
    conn = transport.connection()
    original = conn.call

    def spy(key, envelope, timeout):  # type: ignore[no-untyped-def]
        reply = original(key, envelope, timeout)
        seen.append((key, reply["request"]["headers"][CORRELATION_HEADER]))
        return reply

    conn.call = spy  # type: ignore[method-assign]
    response = client.call(Request("queue_get_stats", {"queue_name": queue.name}))
    ((sent, echoed),) = seen
    assert sent == echoed == response.request_id


def test_submit_pipelines_from_one_thread(client: Client, queue: Queue) -> None:
    futures = [
        client.submit(
            Request("message_post", {"queue_name": queue.name}, body={"messages": [{"body": n}]})
        )
        for n in range(20)
    ]
    responses = [f.result(10) for f in futures]
    assert all(r.status == 201 for r in responses)
    assert len({r.request_id for r in responses}) == 20
    assert sorted(m.body for m in queue.messages(echo=True)) == list(range(20))


def test_submit_error_is_set_on_the_future(client: Client, queue: Queue) -> None:
    future = client.submit(
        Request("message_get", {"queue_name": queue.name, "message_id": "missing"})
    )
    with pytest.raises(ResourceNotFound):
        future.result(10)
