"""Which asyncio HTTP library the async client runs on: httpx or aiohttp, measured.

Each round posts ``--count`` one-message bodies to the reference server (in
its own process) from ``--concurrency`` coroutines sharing one client
session, with each library's keep-alive pool sized to the concurrency.
Rounds alternate between the libraries (so a slow spell of the machine hits
both); the median posts/s and the range are printed, then the ratio.

    python benchmarks/aio_http_libs.py [--rounds 5] [--count 3000] [--concurrency 64]

httpx is not a dependency of the package (it lost): ``pip install httpx`` first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import aiohttp

Post = Callable[[str, bytes, dict[str, str]], Awaitable[int]]


@contextmanager
def reference_server() -> Iterator[str]:
    """The reference server in a process of its own; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "zaqarclient.server", "--port", str(port),
         "--log-level", "warning"],
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


async def drive(post: Post, base: str, count: int, concurrency: int) -> float:
    """Posts/s of ``count`` posts from ``concurrency`` coroutines."""
    url = f"{base}/v2/queues/lib-{uuid.uuid4().hex[:8]}/messages"
    headers = {"Client-ID": str(uuid.uuid4()), "X-Project-ID": "libs",
               "Content-Type": "application/json"}
    body = json.dumps({"messages": [{"body": 1}]}).encode()
    await post(url, body, headers)  # connect and create the queue outside the timing
    remaining = iter(range(count))

    async def worker() -> None:
        for _ in remaining:
            status = await post(url, body, headers)
            if status != 201:
                raise RuntimeError(f"post answered {status}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - started)


async def with_httpx(base: str, count: int, concurrency: int) -> float:
    # Not a dependency (async_bench imports this module for reference_server alone).
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:
        async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
            return (await client.post(url, content=body, headers=headers)).status_code

        return await drive(post, base, count, concurrency)


async def with_aiohttp(base: str, count: int, concurrency: int) -> float:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
            async with session.post(url, data=body, headers=headers) as answer:
                await answer.read()
                return answer.status

        return await drive(post, base, count, concurrency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    figures: dict[str, list[float]] = {"httpx": [], "aiohttp": []}
    runners = {"httpx": with_httpx, "aiohttp": with_aiohttp}
    with reference_server() as base:
        for number in range(args.rounds):
            order = list(runners) if number % 2 == 0 else list(reversed(runners))
            for name in order:
                rate = asyncio.run(runners[name](base, args.count, args.concurrency))
                figures[name].append(rate)
                print(f"round {number + 1} {name:8s} {rate:8.0f} posts/s", flush=True)
    for name, rates in figures.items():
        print(f"{name:8s} median {statistics.median(rates):8.0f} posts/s "
              f"(range {min(rates):.0f}-{max(rates):.0f})")
    ratio = statistics.median(figures["aiohttp"]) / statistics.median(figures["httpx"])
    print(f"aiohttp / httpx: {ratio:.2f}x")


if __name__ == "__main__":
    main()
