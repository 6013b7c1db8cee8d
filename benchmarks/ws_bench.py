"""Small-operation throughput: pipelined websocket vs the SDK's HTTP transport.

Each operation posts one small message through a ``Client`` (its pipeline and
transport: auth headers, error mapping, the wire). Websocket: one connection,
one thread, ``--window`` requests in flight (``Client.submit``). HTTP: the
SDK's urllib3 transport (keep-alive pool), sequential and with threads.

    python benchmarks/ws_bench.py                      # starts real Zaqar 23.0.1 (ws + wsgi)
    python benchmarks/ws_bench.py --ws-url ws://h:9000 --http-url http://h:8888
    python benchmarks/ws_bench.py --reference     # the reference server (ws + HTTP, one port)

Every run is repeated ``--rounds`` times, websocket and HTTP runs alternating
(so a slow spell of the machine hits both), and the median is reported with
the range; the ratios compare the medians.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from itertools import zip_longest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zaqarclient.queues.v2.client import Client
from zaqarclient.transport.contract import Result
from zaqarclient.transport.request import Request

Send = Callable[[Request], Result]


def _post(queue: str, n: int) -> Request:
    return Request("message_post", {"queue_name": queue}, body={"messages": [{"body": n}]})


def _client(url: str, **conf: object) -> Client:
    auth = {"backend": "noauth", "options": {"os_project_id": "bench-" + uuid.uuid4().hex[:8]}}
    return Client(url, version=2, conf={"auth_opts": auth, "retries": 0, **conf})


def bench_ws_pipelined(url: str, count: int, window: int) -> float:
    """ops/s with ``window`` posts in flight on one connection from one thread."""
    client = _client(url)
    queue = "wsb-" + uuid.uuid4().hex[:8]
    client.call(_post(queue, -1))  # connect and create the queue outside the timing
    in_flight: deque[Future[Result]] = deque()
    started = time.perf_counter()
    for n in range(count):
        if len(in_flight) >= window:
            in_flight.popleft().result(30)
        in_flight.append(client.submit(_post(queue, n)))
    for future in in_flight:
        future.result(30)
    elapsed = time.perf_counter() - started
    client.close()
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
    client = _client(url)
    queue = "wst-" + uuid.uuid4().hex[:8]
    client.call(_post(queue, -1))
    try:
        return _threaded(client.call, queue, count, threads)
    finally:
        client.close()


def bench_http(url: str, count: int, threads: int) -> float:
    """ops/s of the SDK's HTTP transport with ``threads`` callers."""
    client = _client(url, pool_size=max(threads, 1))
    queue = "httpb-" + uuid.uuid4().hex[:8]
    client.call(_post(queue, -1))
    try:
        return _threaded(client.call, queue, count, threads)
    finally:
        client.close()


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


PIPELINED = "ws   pipelined, 1 thread, {window} in flight"
HTTP_SEQUENTIAL = "http sequential (SDK HttpTransport)"


def _round(
    args: argparse.Namespace, ws_url: str, http_url: str, ws_first: bool
) -> dict[str, float]:
    """One round of every measurement, websocket and HTTP runs alternating."""
    ws_runs: list[tuple[str, Callable[[], float]]] = [
        (PIPELINED.format(window=args.window),
         lambda: bench_ws_pipelined(ws_url, args.count, args.window)),
        (f"ws   {args.window} threads, one connection",
         lambda: bench_ws_threads(ws_url, args.count, args.window)),
        ("ws   sequential (1 in flight)", lambda: bench_ws_threads(ws_url, args.count // 4, 1)),
    ]
    http_runs: list[tuple[str, Callable[[], float]]] = [
        (HTTP_SEQUENTIAL, lambda: bench_http(http_url, args.count // 4, 1)),
        (f"http {args.http_threads} threads (SDK HttpTransport)",
         lambda: _guard(bench_http, http_url, args.count, args.http_threads)),
    ]
    first, second = (ws_runs, http_runs) if ws_first else (http_runs, ws_runs)
    order = [run for pair in zip_longest(first, second) for run in pair if run is not None]
    measured = {name: run() for name, run in order}
    return {name: measured[name] for name, _ in ws_runs + http_runs}  # report order


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
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of every run; the median is reported"
    )
    args = parser.parse_args(argv)
    command = ["python", sys.argv[0], *(sys.argv[1:] if argv is None else argv)]
    print("$ " + " ".join(command), flush=True)
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
        rounds = [
            _round(args, ws_url, http_url, ws_first=n % 2 == 0) for n in range(args.rounds)
        ]
    results = {name: [r[name] for r in rounds] for name in rounds[0]}
    print(
        f"message_post of 1 small message, {args.count} ops per run (sequential: "
        f"{args.count // 4}); median of {args.rounds} rounds, ws and HTTP runs alternating"
    )
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name, values in results.items():
        print(
            f"  {name:<45} {medians[name]:8.0f} ops/s   "
            f"(min {min(values):.0f}, max {max(values):.0f})"
        )
    pipelined = medians[PIPELINED.format(window=args.window)]
    best_http = max(v for k, v in medians.items() if k.startswith("http") and v)
    print(f"  ws pipelined / http sequential: {pipelined / medians[HTTP_SEQUENTIAL]:.2f}x")
    print(f"  ws pipelined / best http:       {pipelined / best_http:.2f}x")
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
