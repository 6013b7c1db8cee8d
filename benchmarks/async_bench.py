"""Producers and consumers at once: the asyncio client against threads, HTTP and websocket.

Each run posts ``--messages`` one-message posts from ``--producers`` (64)
concurrent producers while ``--consumers`` (8) consumers claim (10 at a
time) and delete them, against the reference server in a process of its
own (a fresh one per run). Each body carries its post time, so a consumer measures end-to-end
latency (post to claim). Targets, alternating round by round so a slow
spell of the machine hits them all:

* ``async-http``: ``zaqarclient.aio`` on aiohttp, producers and consumers as tasks;
* ``sync-threads``: the sync client, one thread per producer and consumer;
* ``pzc-threads``: python-zaqarclient 4.7.0 (its own venv), the same threads;
* ``async-ws``: ``zaqarclient.aio`` over one websocket, tasks as above;
* ``sync-ws-pipelined``: the sync websocket client, posts pipelined from one
  thread (``submit``, ``--producers`` in flight), consumers on threads.

    .venv/bin/python benchmarks/async_bench.py [--rounds 3] [--messages 2000]

Prints per target the median posts/s (range), messages consumed/s, the
p50/p99 end-to-end latency and the client process's CPU time per message
(post, claim, delete: what the client costs, whatever the server's speed),
then the ratios the asyncio API aims at.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLAIM = {"ttl": 60, "grace": 60, "limit": 10}


def _conf(project: str) -> dict[str, Any]:
    return {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}}}


def _summary(count: int, post_seconds: float, total_seconds: float,
             latencies: list[float], cpu_seconds: float) -> dict[str, float]:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    return {"posts_per_s": count / post_seconds, "consumed_per_s": len(ordered) / total_seconds,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "consumed": float(len(ordered)),
            # The client process's CPU per message (posted, claimed and deleted).
            "cpu_ms_per_message": cpu_seconds * 1000 / count}


# -- threads (the sync client, or python-zaqarclient in its own interpreter) --------


def threaded(url: str, count: int, producers: int, consumers: int,
             pipelined: bool = False) -> dict[str, float]:
    """One run with threads; works on this package and on python-zaqarclient alike."""
    from zaqarclient.queues.client import Client

    project = "bench-" + uuid.uuid4().hex[:8]
    name = "ab-" + uuid.uuid4().hex[:8]
    conf = _conf(project)
    if "pool_size" in _known_conf():
        conf["pool_size"] = producers + consumers
    client = Client(url, version=2, conf=conf)
    client.queue(name).post({"body": {"t": 0.0, "warm": True}})  # connect, create the queue
    latencies: list[float] = []
    lock = threading.Lock()
    posted = threading.Event()
    numbers = iter(range(count))

    def produce() -> None:
        queue = client.queue(name)
        for _ in numbers:
            queue.post({"body": {"t": time.time()}})

    def consume() -> None:
        own = Client(url, version=2, conf=conf) if url.startswith("ws") else client
        queue = own.queue(name)
        while True:
            claim = queue.claim(**CLAIM)
            messages = list(claim)
            now = time.time()
            for message in messages:
                if not message.body.get("warm"):
                    with lock:
                        latencies.append(now - message.body["t"])
                message.delete()
            if not messages:
                with lock:
                    if posted.is_set() and len(latencies) >= count:
                        return
                time.sleep(0.01)

    started, cpu = time.perf_counter(), time.process_time()
    consumer_threads = [threading.Thread(target=consume) for _ in range(consumers)]
    for thread in consumer_threads:
        thread.start()
    if pipelined:
        queue = client.queue(name)
        in_flight: deque[Any] = deque()
        for _ in range(count):
            if len(in_flight) >= producers:
                in_flight.popleft().result(30)
            in_flight.append(client.submit(queue.request(
                "message_post", body={"messages": [{"body": {"t": time.time()}}]})))
        for future in in_flight:
            future.result(30)
    else:
        producer_threads = [threading.Thread(target=produce) for _ in range(producers)]
        for thread in producer_threads:
            thread.start()
        for thread in producer_threads:
            thread.join()
    post_seconds = time.perf_counter() - started
    posted.set()
    for thread in consumer_threads:
        thread.join(120)
    return _summary(count, post_seconds, time.perf_counter() - started, latencies,
                    time.process_time() - cpu)


def _known_conf() -> frozenset[str]:
    try:
        from zaqarclient.queues.v2.client import _KNOWN_CONF
    except ImportError:  # python-zaqarclient: no such options
        return frozenset()
    return _KNOWN_CONF


# -- asyncio ------------------------------------------------------------------------


async def asyncio_run(url: str, count: int, producers: int, consumers: int) -> dict[str, float]:
    """One run of ``zaqarclient.aio``: producers and consumers as tasks on one client."""
    import asyncio

    import zaqarclient.aio as aio

    project = "bench-" + uuid.uuid4().hex[:8]
    name = "ab-" + uuid.uuid4().hex[:8]
    conf = {**_conf(project), "pool_size": producers + consumers}
    async with aio.Client(url, conf=conf) as client:
        queue = client.queue(name)
        await queue.post({"body": {"t": 0.0, "warm": True}})
        latencies: list[float] = []
        numbers = iter(range(count))
        posted = asyncio.Event()

        async def produce() -> None:
            for _ in numbers:
                await queue.post({"body": {"t": time.time()}})

        async def consume() -> None:
            while True:
                claim = await queue.claim(**CLAIM)
                messages = list(claim)
                now = time.time()
                latencies.extend(now - m.body["t"] for m in messages if not m.body.get("warm"))
                await asyncio.gather(*(message.delete() for message in messages))
                if not messages:
                    if posted.is_set() and len(latencies) >= count:
                        return
                    await asyncio.sleep(0.01)

        started, cpu = time.perf_counter(), time.process_time()
        consuming = [asyncio.create_task(consume()) for _ in range(consumers)]
        await asyncio.gather(*(produce() for _ in range(producers)))
        post_seconds = time.perf_counter() - started
        posted.set()
        await asyncio.wait_for(asyncio.gather(*consuming), 120)
        return _summary(count, post_seconds, time.perf_counter() - started, latencies,
                        time.process_time() - cpu)


# -- the driver ---------------------------------------------------------------------


def _pzc(url: str, count: int, producers: int, consumers: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from tests.support import peer_client

    peer_client.install()
    args = json.dumps([url, count, producers, consumers])
    # The peer's own interpreter, without this checkout on its path: its zaqarclient.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [str(peer_client.python()), str(Path(__file__)), "--worker", args],
        check=True, capture_output=True, text=True, env=env, cwd="/",
    )
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--producers", type=int, default=64)
    parser.add_argument("--consumers", type=int, default=8)
    parser.add_argument("--only", nargs="*", help="targets to run (default: all)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # inside python-zaqarclient's venv
        url, count, producers, consumers = json.loads(args.worker)
        print(json.dumps(threaded(url, count, producers, consumers)))
        return
    sys.path.insert(0, str(ROOT))
    import asyncio

    from aio_http_libs import reference_server

    n, p, c = args.messages, args.producers, args.consumers

    def ws(base: str) -> str:
        return "ws" + base[len("http"):]

    targets = {
        "async-http": lambda base: asyncio.run(asyncio_run(base, n, p, c)),
        "sync-threads": lambda base: threaded(base, n, p, c),
        "pzc-threads": lambda base: _pzc(base, n, p, c),
        "async-ws": lambda base: asyncio.run(asyncio_run(ws(base), n, p, c)),
        "sync-ws-pipelined": lambda base: threaded(ws(base), n, p, c, pipelined=True),
    }
    names = [name for name in targets if not args.only or name in args.only]
    results: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for number in range(args.rounds):
        order = names[number % len(names):] + names[:number % len(names)]
        for name in order:
            # A fresh server per run: its store grows with every run's claims and
            # messages, and the later runs would otherwise meet a slower server.
            with reference_server() as base:
                figures = targets[name](base)
            results[name].append(figures)
            print(f"round {number + 1} {name:18s} {figures['posts_per_s']:7.0f} posts/s "
                  f"{figures['consumed_per_s']:7.0f} consumed/s p50 {figures['p50_ms']:7.1f}"
                  f" ms p99 {figures['p99_ms']:7.1f} ms cpu "
                  f"{figures['cpu_ms_per_message']:.2f} ms/message", flush=True)
    print()
    medians: dict[str, float] = {}
    for name, runs in results.items():
        posts = [r["posts_per_s"] for r in runs]
        medians[name] = statistics.median(posts)
        print(f"{name:18s} posts/s {medians[name]:7.0f} ({min(posts):.0f}-{max(posts):.0f})  "
              f"consumed/s {statistics.median(r['consumed_per_s'] for r in runs):7.0f}  "
              f"p50 {statistics.median(r['p50_ms'] for r in runs):7.1f} ms  "
              f"p99 {statistics.median(r['p99_ms'] for r in runs):7.1f} ms  "
              f"client cpu {statistics.median(r['cpu_ms_per_message'] for r in runs):.2f} "
              "ms/message")
    for ours, theirs, target in (("async-http", "sync-threads", 2.0),
                                 ("async-http", "pzc-threads", None),
                                 ("async-ws", "sync-ws-pipelined", 1.0)):
        if ours in medians and theirs in medians:
            ratio = medians[ours] / medians[theirs]
            aim = f" (target >= {target:.1f}x)" if target else ""
            print(f"{ours} / {theirs}: {ratio:.2f}x{aim}")


if __name__ == "__main__":
    main()
