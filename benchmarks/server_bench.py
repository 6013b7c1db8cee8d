"""Quick reference-server benchmark: loopback keep-alive ops/s, core µs/op, start/stop time.

Run: .venv/bin/python benchmarks/server_bench.py [--ops 10000] [--real]

``--real`` also drives real Zaqar 23.0.1 (its default WSGI server, from the
test harness's venv under .cache/) with the same workload and prints the ratio
(target: the reference server >= 10x).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from zaqarclient.server import App, ServerRequest
from zaqarclient.testing import ReferenceServer

HEADERS = {"Client-ID": "3381af92-2b9e-11e3-b191-71861300734c", "X-Project-ID": "bench",
           "Content-Type": "application/json"}
BODY = json.dumps({"messages": [{"body": {"event": "bench"}, "ttl": 300}]}).encode()


def drive(host: str, port: int, ops: int) -> float:
    """Alternate POST message / GET stats on one keep-alive connection; return ops/s."""
    conn = http.client.HTTPConnection(host, port)
    conn.request("PUT", "/v2/queues/bench", headers=HEADERS)
    conn.getresponse().read()
    start = time.perf_counter()
    for i in range(ops):
        if i % 2:
            conn.request("GET", "/v2/queues/bench/stats", headers=HEADERS)
        else:
            conn.request("POST", "/v2/queues/bench/messages", body=BODY, headers=HEADERS)
        resp = conn.getresponse()
        resp.read()
        assert resp.status in (200, 201), resp.status
    elapsed = time.perf_counter() - start
    conn.close()
    return ops / elapsed


def loopback_thread(ops: int) -> float:
    """Server on a thread of this process (client and server share the GIL)."""
    with ReferenceServer() as server:
        host, port = server.url.rsplit("//", 1)[1].split(":")
        return drive(host, int(port), ops)


def loopback_process(ops: int) -> float:
    """Server as `python -m zaqarclient.server` in its own process, as deployed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "zaqarclient.server", "--port", str(port),
         "--log-level", "warning"], env=env,
    )
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                    break
            except OSError:
                time.sleep(0.025)
        return drive("127.0.0.1", port, ops)
    finally:
        proc.terminate()
        proc.wait()


def real_zaqar(ops: int) -> float:
    """Real Zaqar 23.0.1's default server (wsgiref, HTTP/1.0) with the same workload."""
    from tests.support.real_zaqar import RealZaqar

    with RealZaqar(version="23.0.1") as server:
        host, port = server.url.rsplit("//", 1)[1].split(":")
        return drive(host, int(port), ops)


def core(ops: int) -> float:
    app = App()
    headers = {k.lower(): v for k, v in HEADERS.items()}
    post_headers = {**headers, "content-length": str(len(BODY))}
    app.handle(ServerRequest("PUT", "/v2/queues/bench", "", headers))
    start = time.perf_counter()
    for i in range(ops):
        if i % 2:
            app.handle(ServerRequest("GET", "/v2/queues/bench/stats", "", headers))
        else:
            app.handle(ServerRequest("POST", "/v2/queues/bench/messages", "", post_headers, BODY))
    return (time.perf_counter() - start) / ops * 1e6


def start_stop(rounds: int) -> tuple[float, float]:
    starts, stops = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        server = ReferenceServer().start()
        t1 = time.perf_counter()
        conn = http.client.HTTPConnection(server.url.split("//")[1])
        conn.request("GET", "/v2/ping", headers=HEADERS)
        conn.getresponse().read()  # leave the keep-alive connection open on purpose
        t2 = time.perf_counter()
        server.stop()
        t3 = time.perf_counter()
        conn.close()
        starts.append(t1 - t0)
        stops.append(t3 - t2)
    return statistics.median(starts) * 1e3, statistics.median(stops) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=10000)
    parser.add_argument("--real", action="store_true", help="compare with real Zaqar 23.0.1")
    args = parser.parse_args()
    first = time.perf_counter()
    ReferenceServer().start().stop()
    cold = (time.perf_counter() - first) * 1e3
    start_ms, stop_ms = start_stop(20)
    proc_rate = loopback_process(args.ops)
    thread_rate = loopback_thread(args.ops)
    per_op = core(args.ops)
    print("loopback keep-alive, http.client driver, alternating POST message / GET stats:")
    print(f"  server in its own process: {proc_rate:,.0f} ops/s")
    print(f"  server on a thread of the driver's process: {thread_rate:,.0f} ops/s")
    print(f"core in-process: {per_op:.1f} µs/op ({1e6 / per_op:,.0f} ops/s)")
    print(f"start: {start_ms:.1f} ms median (first start incl. imports: {cold:.1f} ms)")
    print(f"stop:  {stop_ms:.1f} ms median (with an idle keep-alive connection open)")
    if args.real:
        real_rate = real_zaqar(max(200, args.ops // 20))
        verdict = "ok" if proc_rate >= 10 * real_rate else "MISSED"
        print(f"real Zaqar 23.0.1 (default WSGI server), same workload: {real_rate:,.0f} ops/s")
        print(f"  reference / real: {proc_rate / real_rate:.1f}x  target >= 10x: {verdict}")


if __name__ == "__main__":
    main()
