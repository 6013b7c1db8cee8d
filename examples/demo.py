"""`make demo`: a producer and a worker exchange messages, then a short CLI session.

Everything runs against the embedded reference server on a free loopback
port; pass a URL (``python examples/demo.py http://zaqar:8888``) to use a real
no-auth Zaqar instead.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from zaqarclient.queues.client import Client
from zaqarclient.transport.errors import ResourceNotFound

PROJECT = "demo-project"
CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": PROJECT}}}


@contextlib.contextmanager
def server_url() -> Iterator[str]:
    if len(sys.argv) > 1:
        yield sys.argv[1]
        return
    from zaqarclient.testing import ReferenceServer

    with ReferenceServer() as server:
        print(f"reference server listening on {server.url}")
        yield server.url


def worker(url: str, done: threading.Event, processed: list[str]) -> None:
    """Claim jobs, 'process' them, delete them; stop when the producer is done and idle."""
    with Client(url, version=2, conf=CONF) as client:
        queue = client.queue("jobs")
        while True:
            claim = queue.claim(ttl=60, grace=30, limit=5)
            if not claim:
                if done.is_set():
                    return
                done.wait(0.05)
                continue
            for message in claim:
                processed.append(message.body["task"])
                print(f"  worker  <- {message.body}  (claim {claim.id[:8]}...)")
                message.delete()


def sdk_demo(url: str) -> None:
    print("\n== SDK: producer and worker ==")
    done, processed = threading.Event(), []
    consumer = threading.Thread(target=worker, args=(url, done, processed))
    consumer.start()
    with Client(url, version=2, conf=CONF) as client:
        jobs = client.queue("jobs")
        for batch in range(3):
            tasks = [{"body": {"task": f"resize-{batch}-{i}"}, "ttl": 300} for i in range(4)]
            result = jobs.post(tasks)
            print(f"  producer -> posted {len(result['resources'])} jobs")
        done.set()
        consumer.join(30)
        print(f"  {len(processed)} jobs processed; queue stats: {jobs.stats['messages']}")
        try:
            jobs.message("not-a-real-id")
        except ResourceNotFound as error:
            print(f"  typed errors carry context: {type(error).__name__}: {error}")


def cli_demo(url: str) -> None:
    openstack = shutil.which("openstack", path=str(Path(sys.executable).parent))
    if openstack is None:
        print("\n(openstack CLI not installed in this environment: skipping the CLI demo)")
        return
    base = [openstack, "--os-auth-type", "none", "--os-endpoint", url,
            "--os-message-project-id", PROJECT]
    commands = [
        ["queue", "create", "cli-demo"],
        ["messaging", "message", "post", "cli-demo", '[{"body": {"hello": "cli"}}, {"body": 2}]'],
        ["messaging", "message", "list", "cli-demo", "--echo", "-f", "json"],
        ["messaging", "claim", "create", "cli-demo", "--limit", "1", "-f", "yaml"],
        ["queue", "stats", "cli-demo", "-f", "yaml"],
        ["queue", "list"],
    ]
    print("\n== CLI: openstack messaging ==")
    for command in commands:
        print("$ openstack ... " + " ".join(command))
        result = subprocess.run(base + command, capture_output=True, text=True, check=False)
        print(result.stdout.rstrip() or result.stderr.rstrip())
        if result.returncode != 0:
            raise SystemExit(f"CLI command failed: {' '.join(command)}")


def main() -> None:
    with server_url() as url:
        sdk_demo(url)
        cli_demo(url)
    print("\ndemo finished")


if __name__ == "__main__":
    main()
