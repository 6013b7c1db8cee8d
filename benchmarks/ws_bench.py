"""Small-operation throughput: pipelined websocket vs the SDK's HTTP transport.

Each operation posts one small message. Websocket: one connection, one
thread, ``--window`` requests in flight (``WebsocketTransport.submit``).
HTTP: the SDK's ``HttpTransport`` (keep-alive pool), sequential and with
``--window`` threads.

    python benchmarks/ws_bench.py                      # starts real Zaqar 23.0.1 (ws + wsgi)
    python benchmarks/ws_bench.py --ws-url ws://h:9000 --http-url http://h:8888
    python benchmarks/ws_bench.py --reference     # the reference server (ws + HTTP, one port)
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zaqarclient.auth.base import NoAuth
from zaqarclient.queues.v2.api import V2
from zaqarclient.transport.http import HttpTransport
from zaqarclient.transport.request import Request, Response
from zaqarclient.transport.ws import WebsocketTransport

Send = Callable[[Request], Response]


def _post(queue: str, n: int) -> Request:
    return Request("message_post", {"queue_name": queue}, body={"messages": [{"body": n}]})


def _auth() -> NoAuth:
    return NoAuth({"project_id": "bench-" + uuid.uuid4().hex[:8]})


def bench_ws_pipelined(url: str, count: int, window: int) -> float:
    """ops/s with ``window`` posts in flight on one connection from one thread."""
    transport = WebsocketTransport(url, V2, _auth(), client_id=str(uuid.uuid4()))
    queue = "wsb-" + uuid.uuid4().hex[:8]
    transport.send(_post(queue, -1))  # connect and create the queue outside the timing
    in_flight: deque[Future[Response]] = deque()
    started = time.perf_counter()
    for n in range(count):
        if len(in_flight) >= window:
            in_flight.popleft().result(30)
        in_flight.append(transport.submit(_post(queue, n)))
    for future in in_flight:
        future.result(30)
    elapsed = time.perf_counter() - started
    transport.close()
    return count / elapsed


def _threaded(send: Send, queue: str, count: int, threads: int) -> float:
    started = time.perf_counter()
    if threads == 1:
        for n in range(count):
            send(_post(queue, n))
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda n: send(_post(queue, n)), range(count)))
    return count / (time.perf_counter() - started)


def bench_ws_threads(url: str, count: int, threads: int) -> float:
    """ops/s with ``threads`` blocking callers sharing one connection."""
    transport = WebsocketTransport(url, V2, _auth(), client_id=str(uuid.uuid4()))
    queue = "wst-" + uuid.uuid4().hex[:8]
    transport.send(_post(queue, -1))
    try:
        return _threaded(transport.send, queue, count, threads)
    finally:
        transport.close()


def bench_http(url: str, count: int, threads: int) -> float:
    """ops/s of the SDK's HTTP transport with ``threads`` callers."""
    transport = HttpTransport(
        url, V2, _auth(), client_id=str(uuid.uuid4()), pool_size=max(threads, 1)
    )
    queue = "httpb-" + uuid.uuid4().hex[:8]
    transport.send(_post(queue, -1))
    try:
        return _threaded(transport.send, queue, count, threads)
    finally:
        transport.close()


def _guard(bench: Callable[[str, int, int], float], url: str, count: int, threads: int) -> float:
    """Run ``bench``; 0.0 when the server gives up under the load."""
    try:
        return bench(url, count, threads)
    except Exception as exc:
        print(f"  ({threads} threads failed: {exc})")
        return 0.0


def _servers(stack: ExitStack) -> Iterator[str]:
    from tests.support.real_zaqar import RealZaqar

    for transport in ("websocket", "wsgi"):
        server = stack.enter_context(RealZaqar(version="23.0.1", transport=transport))  # type: ignore[arg-type]
        yield server.url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ws-url")
    parser.add_argument(
        "--reference", action="store_true", help="benchmark the reference server (one port)"
    )
    parser.add_argument("--http-url")
    parser.add_argument("--count", type=int, default=2000, help="operations per run")
    parser.add_argument("--window", type=int, default=64, help="requests in flight")
    parser.add_argument(
        "--http-threads",
        type=int,
        default=4,
        help="HTTP callers (Zaqar's default WSGI server is single-threaded HTTP/1.0)",
    )
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        ws_url, http_url = args.ws_url, args.http_url
        if args.reference:
            # Its own process, as a deployment would be: a server thread in this
            # process would share the GIL with the client being measured.
            http_url = stack.enter_context(_reference_process())
            ws_url = "ws" + http_url[len("http"):]
            print(f"reference server at {http_url} (websocket on the same port)", flush=True)
        elif not (ws_url and http_url):
            print("starting real Zaqar 23.0.1 (websocket and wsgi)...", flush=True)
            ws_url, http_url = _servers(stack)
        results: dict[str, Any] = {
            f"ws   pipelined, 1 thread, {args.window} in flight": bench_ws_pipelined(
                ws_url, args.count, args.window
            ),
            f"ws   {args.window} threads, one connection": bench_ws_threads(
                ws_url, args.count, args.window
            ),
            "ws   sequential (1 in flight)": bench_ws_threads(ws_url, args.count // 4, 1),
            "http sequential (SDK HttpTransport)": bench_http(http_url, args.count // 4, 1),
            f"http {args.http_threads} threads (SDK HttpTransport)": _guard(
                bench_http, http_url, args.count, args.http_threads
            ),
        }
        print(f"message_post of 1 small message, {args.count} ops (sequential: {args.count // 4})")
        for name, ops in results.items():
            print(f"  {name:<45} {ops:8.0f} ops/s")
        best_ws = max(v for k, v in results.items() if k.startswith("ws"))
        best_http = max(v for k, v in results.items() if k.startswith("http") and v)
        print(f"  best ws / best http: {best_ws / best_http:.2f}x")
    return 0


@contextmanager
def _reference_process() -> Iterator[str]:
    """``zaqar-reference-server`` in a child process; yields its URL once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "zaqarclient.server", "--port", str(port), "--log-level", "warning"]
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    raise SystemExit(main())
