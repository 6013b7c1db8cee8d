"""Notification bridge: end-to-end latency and throughput, with one and two bridges.

Run: .venv/bin/python benchmarks/bridge_bench.py [--notifications 5000] [--latency 200]

Everything is real and on loopback: Debian's RabbitMQ (a private broker),
oslo.messaging's ``Notifier`` emitting nova's unversioned
``compute.instance.update``, the ``zaqar-notification-bridge`` command as
separate processes, the reference server as its own process
(``zaqar-reference-server --static examples/dashboard``), the dashboard page
in headless Chromium.

* Latency: one bridge; notifications are emitted one every ``--interval`` s.
  "queue" is when the SDK's websocket subscription to the queue got Zaqar's
  push (the message is stored by then), "page" is when the dashboard showed
  it (``performance.timeOrigin + now()``); both are measured from the
  Notifier's ``info()`` call, on the same clock.
* Throughput: ``--notifications`` are queued on the bus first (the bridges'
  pool queue exists, no bridge runs), then N bridges start together; the
  rate is notifications / (last successful post - first bridge listening),
  across ``--projects`` owning projects.

Every run is repeated ``--rounds`` times, alternating one and two bridges;
medians are reported with the range.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.bridge_fixtures import RULES, BridgeProcess  # noqa: E402
from tests.support.browser import Chromium  # noqa: E402
from tests.support.nova import NovaNotifier  # noqa: E402
from tests.support.rabbitmq import RabbitMQ, free_port  # noqa: E402
from zaqarclient.queues.client import Client  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Zaqar:
    """The reference server in its own process, serving the dashboard too."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zaqarclient.server", "--port", str(self.port),
             "--static", str(ROOT / "examples" / "dashboard"), "--log-level", "warning"],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with self.client("probe") as client:
                    if client.ping():
                        return
            except Exception:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the reference server did not start")
            time.sleep(0.05)

    def client(self, project: str, ws: bool = False) -> Any:
        url = ("ws" + self.url[len("http"):]) if ws else self.url
        conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}},
                "retries": 0}
        return Client(url, conf=conf)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def bridge_args(broker: RabbitMQ, zaqar: Zaqar, exchange: str, rules: Path,
                workdir: Path) -> list[str]:
    return ["--transport-url", broker.url, "--zaqar-url", zaqar.url, "--config", str(rules),
            "--exchange", exchange, "--pool", exchange, "--topic", "notifications",
            "--dead-letter", str(workdir / "dead.jsonl"), "--log-level", "info"]


def listening_time(bridge: BridgeProcess) -> float:
    """When the bridge logged that it listens (its log's wall-clock stamp)."""
    for line in bridge.log().splitlines():
        if "listening on" in line:
            stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
            return stamp.timestamp()
    raise RuntimeError("no 'listening on' line")


def throughput(broker: RabbitMQ, zaqar: Zaqar, bridges: int, total: int, projects: int,
               rules: Path, workdir: Path) -> dict[str, Any]:
    exchange = "bench-" + uuid.uuid4().hex[:8]
    args = bridge_args(broker, zaqar, exchange, rules, workdir)
    # Declare the pool queue, then fill it with no bridge running.
    BridgeProcess(args, workdir, f"declare-{exchange}").wait_listening().terminate()
    notifier = NovaNotifier(broker.url, exchange=exchange)
    owners = [f"bench-{exchange}-{n}" for n in range(projects)]
    for seq in range(total):
        notifier.legacy_update(owners[seq % projects], f"inst-{seq % 97}", "active", "building",
                               seq=seq)
    notifier.close()
    running = [BridgeProcess([*args, "--status-interval", "0.5"], workdir, f"{exchange}-{n}")
               for n in range(bridges)]
    for bridge in running:
        bridge.wait_listening()
    started = min(listening_time(bridge) for bridge in running)
    deadline = time.monotonic() + 600
    while sum(b.metrics()["totals"].get("posted", 0) for b in running) < total:
        if time.monotonic() > deadline:
            raise RuntimeError("the bridges did not deliver everything")
        time.sleep(0.2)
    for bridge in running:
        bridge.terminate()
    finals = [bridge.metrics() for bridge in running]
    last_post = max(datetime.fromisoformat(m["last_post"]).timestamp() for m in finals
                    if m["last_post"])
    stored = 0
    for owner in owners:
        with zaqar.client(owner) as client:
            stored += client.queue("notifications", auto_create=False).stats["messages"]["total"]
    return {
        "bridges": bridges, "notifications": total, "stored": stored,
        "seconds": round(last_post - started, 3),
        "per_second": round(total / (last_post - started), 1),
        "shares": [m["totals"]["posted"] for m in finals],
        "post_requests": sum(m["totals"]["post_requests"] for m in finals),
    }


def latency(broker: RabbitMQ, zaqar: Zaqar, count: int, interval: float, rules: Path,
            workdir: Path) -> dict[str, Any]:
    exchange = "lat-" + uuid.uuid4().hex[:8]
    owner = "lat-" + exchange
    bridge = BridgeProcess(bridge_args(broker, zaqar, exchange, rules, workdir), workdir,
                           f"latency-{exchange}").wait_listening()
    notifier = NovaNotifier(broker.url, exchange=exchange)
    in_queue: dict[int, float] = {}
    done = threading.Event()

    def pushed(note: Any) -> None:
        in_queue[note.body["seq"]] = time.time()
        if len(in_queue) >= count:
            done.set()

    with ExitStack() as stack:
        browser = stack.enter_context(Chromium())
        page = browser.page()
        ws = "ws" + zaqar.url[len("http"):] + "/"
        page.navigate(f"{zaqar.url}/static/index.html#ws={ws}&project={owner}")
        page.wait_for("window.dashboard.status === 'live'", 15)
        client = stack.enter_context(zaqar.client(owner, ws=True))
        stack.enter_context(client.subscribe("notifications", callback=pushed))
        emitted: dict[int, float] = {}
        for seq in range(count):
            emitted[seq] = time.time()
            notifier.legacy_update(owner, f"inst-{seq}", "active", "building", seq=seq)
            time.sleep(interval)
        done.wait(30)
        page.wait_for(f"window.dashboard.received.length >= {count}", 30)
        shown = {int(r["seq"]): r["at"] / 1000 for r in
                 page.evaluate("window.dashboard.received")}
        page.close()
    notifier.close()
    bridge.terminate()
    to_queue = [(in_queue[s] - emitted[s]) * 1000 for s in emitted if s in in_queue]
    to_page = [(shown[s] - emitted[s]) * 1000 for s in emitted if s in shown]
    return {
        "notifications": count, "in_queue": len(to_queue), "on_page": len(to_page),
        "queue_ms": {"p50": round(statistics.median(to_queue), 1),
                     "p99": round(percentile(to_queue, 0.99), 1),
                     "max": round(max(to_queue), 1)},
        "page_ms": {"p50": round(statistics.median(to_page), 1),
                    "p99": round(percentile(to_page, 0.99), 1),
                    "max": round(max(to_page), 1)},
    }


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} (range {min(values):.1f}-{max(values):.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=5000)
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--latency", type=int, default=200, help="notifications timed")
    parser.add_argument("--interval", type=float, default=0.02)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    results: dict[str, Any] = {"latency": [], "throughput": []}
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bridge-bench-")))
        rules = workdir / "rules.yaml"
        rules.write_text(RULES)
        broker = stack.enter_context(RabbitMQ())
        zaqar = Zaqar()
        stack.callback(zaqar.stop)
        for _ in range(args.rounds):
            results["latency"].append(
                latency(broker, zaqar, args.latency, args.interval, rules, workdir))
            for bridges in (1, 2):
                results["throughput"].append(throughput(
                    broker, zaqar, bridges, args.notifications, args.projects, rules, workdir))

    for run in results["latency"]:
        print(f"latency: {run['on_page']}/{run['notifications']} on the page; "
              f"emit->queue p50 {run['queue_ms']['p50']} ms p99 {run['queue_ms']['p99']} ms; "
              f"emit->page p50 {run['page_ms']['p50']} ms p99 {run['page_ms']['p99']} ms")
    for run in results["throughput"]:
        print(f"throughput: {run['bridges']} bridge(s) {run['per_second']} notifications/s "
              f"({run['notifications']} in {run['seconds']} s, shares {run['shares']}, "
              f"{run['post_requests']} posts, {run['stored']} stored)")
    lat = results["latency"]
    print("\nmedian of", args.rounds, "rounds:")
    print("  emit->queue p50", spread([r["queue_ms"]["p50"] for r in lat]), "ms; p99",
          spread([r["queue_ms"]["p99"] for r in lat]), "ms")
    print("  emit->page  p50", spread([r["page_ms"]["p50"] for r in lat]), "ms; p99",
          spread([r["page_ms"]["p99"] for r in lat]), "ms")
    for bridges in (1, 2):
        rates = [r["per_second"] for r in results["throughput"] if r["bridges"] == bridges]
        print(f"  {bridges} bridge(s):", spread(rates), "notifications/s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
