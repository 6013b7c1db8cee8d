"""One benchmark workload run by one client implementation; prints ops/s as JSON.

Run by ``run.py`` with the interpreter of the implementation's venv:

* ``ours``: this project's SDK (``zaqarclient`` from the project venv);
* ``pzc``: python-zaqarclient 4.7.0 (``zaqarclient`` from its own venv);
* ``bare``: a plain ``requests.Session`` sending the same requests;
* ``zero-socket``: this SDK talking to an in-process reference server (no socket).

Workloads: ``post`` (one single-message POST per op) and ``cycle`` (post 10
messages, claim 10, delete the 10 one by one; one op = one cycle).
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

PROJECT_CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "bench"}}}


def sdk_ops(url: str, queue_name: str, client: Any = None) -> dict[str, Callable[[], None]]:
    """Operations through a zaqarclient (ours or python-zaqarclient: same API)."""
    from zaqarclient.queues import client as factory

    client = client or factory.Client(url, version=2, conf=dict(PROJECT_CONF))
    queue = client.queue(queue_name)
    batch = [{"body": {"n": i}, "ttl": 300} for i in range(10)]

    def post() -> None:
        queue.post({"body": {"event": "x"}, "ttl": 300})

    def cycle() -> None:
        queue.post(batch)
        claim = queue.claim(ttl=60, grace=60, limit=10)
        for message in claim:
            message.delete()

    return {"post": post, "cycle": cycle}


def bare_ops(url: str, queue_name: str) -> dict[str, Callable[[], None]]:
    """The same requests with a bare ``requests.Session`` (no SDK at all)."""
    import requests

    session = requests.Session()
    session.headers.update(
        {"Client-ID": uuid.uuid4().hex, "X-Project-ID": "bench", "Accept": "application/json"}
    )
    messages_url = f"{url}/v2/queues/{queue_name}/messages"
    claims_url = f"{url}/v2/queues/{queue_name}/claims?limit=10"
    batch = {"messages": [{"body": {"n": i}, "ttl": 300} for i in range(10)]}

    def post() -> None:
        response = session.post(messages_url, json={"messages": [{"body": {"event": "x"},
                                                                  "ttl": 300}]})
        response.raise_for_status()
        response.json()

    def cycle() -> None:
        session.post(messages_url, json=batch).raise_for_status()
        response = session.post(claims_url, json={"ttl": 60, "grace": 60})
        response.raise_for_status()
        for message in response.json()["messages"] if response.status_code == 201 else []:
            session.delete(url + message["href"]).raise_for_status()

    return {"post": post, "cycle": cycle}


def measure(op: Callable[[], None], ops: int, warmup: int) -> float:
    for _ in range(warmup):
        op()
    started = time.perf_counter()
    for _ in range(ops):
        op()
    return ops / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--impl", choices=["ours", "pzc", "bare", "zero-socket"], required=True)
    parser.add_argument("--workload", choices=["post", "cycle"], required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--ops", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    queue_name = f"bench-{args.impl}-{uuid.uuid4().hex[:8]}"
    operations: dict[str, Any]
    if args.impl == "zero-socket":
        from zaqarclient.testing import ReferenceServer

        server = ReferenceServer(in_process=True).start()
        operations = sdk_ops(server.url, queue_name, server.client("bench"))
    elif args.impl == "bare":
        operations = bare_ops(args.url, queue_name)
    else:
        operations = sdk_ops(args.url, queue_name)
    rate = measure(operations[args.workload], args.ops, args.warmup)
    print(json.dumps({"impl": args.impl, "workload": args.workload, "ops_per_s": rate}))


if __name__ == "__main__":
    main()
