"""Load generators side by side: zaqarclient-bench and Zaqar's zaqar-bench, same settings.

Against the reference server and a real Zaqar 23.0.1 (its WSGI server, and its
websocket server for a websocket run), this runs

* ``zaqarclient-bench`` over HTTP (and over websocket, with a subscriber);
* Zaqar's own ``zaqar-bench``, unchanged, on this package (``PYTHONPATH``) and
  on python-zaqarclient 4.7.0 (see ``tests/support/zaqar_bench.py``),

one after the other with the same workers, duration, queues, message size,
claim and list sizes, and prints one table: throughput per role, the mean
latency zaqar-bench reports, and the percentiles only zaqarclient-bench gives.

    .venv/bin/python benchmarks/load_compare.py [--duration 10] [--producers 4]
        [--consumers 4] [--observers 2] [--only reference|real] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import reference_server  # noqa: E402 - benchmarks/run.py

from tests.support import zaqar_bench  # noqa: E402
from tests.support.real_zaqar import RealZaqar  # noqa: E402

MESSAGE_SIZE = 60  # zaqar-bench's default message body is about this size
MESSAGE_TTL = 60  # and its ttl


def ours(url: str, args: argparse.Namespace, subscribers: int = 0,
         extra: tuple[str, ...] = ()) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "zaqarclient.bench", "--url", url, "--format", "json",
           "--no-progress", "--duration", str(args.duration), "--producers", str(args.producers),
           "--consumers", str(args.consumers), "--observers", str(args.observers),
           "--subscribers", str(subscribers), "--queues", str(args.queues),
           "--message-size", str(MESSAGE_SIZE), "--message-ttl", str(MESSAGE_TTL),
           "--claim-size", "5", "--list-size", "5", *extra]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    data: dict[str, Any] = json.loads(out)
    return data


def theirs(url: str, args: argparse.Namespace, client: zaqar_bench.Client) -> dict[str, Any]:
    bench_args = ["-t", str(int(args.duration)), "-pp", "1", "-pw", str(args.producers),
                  "-cp", "1", "-cw", str(args.consumers), "-op", "1", "-ow", str(args.observers),
                  "-qno", str(args.queues), "-cno", "5", "-lno", "5"]
    result = zaqar_bench.run(url, client, bench_args, timeout=args.duration * 10 + 120)
    return result.stats


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _pct(figures: dict[str, Any] | None) -> str:
    if not figures or not figures.get("count"):
        return "-"
    return f"{figures['mean_ms']:.1f} ({figures['p50_ms']:.1f}/{figures['p99_ms']:.1f})"


def row_ours(server: str, label: str, data: dict[str, Any]) -> list[str]:
    roles, ops, e2e = data["roles"], data["operations"], data["end_to_end"]
    consumer = roles.get("consumer", {})
    return [
        server, label,
        f"{roles.get('producer', {}).get('requests_per_sec', 0):.0f}",
        f"{consumer.get('requests_per_sec', 0):.0f}",
        f"{roles.get('observer', {}).get('requests_per_sec', 0):.0f}",
        _pct(ops.get("post")), _pct(ops.get("claim")), _pct(ops.get("delete")),
        _pct(ops.get("list")),
        _pct(e2e.get("post -> claimed")), _pct(e2e.get("post -> pushed")),
        str(sum(data["errors"].values())),
    ]


def row_theirs(server: str, label: str, stats: dict[str, Any]) -> list[str]:
    producer, consumer, observer = stats["producer"], stats["consumer"], stats["observer"]
    failed = (producer["total_reqs"] - producer["successful_reqs"]
              + consumer["total_reqs"] - consumer["successful_reqs"]
              + observer["total_reqs"] - observer["successful_reqs"])
    return [
        server, label, f"{producer['reqs_per_sec']:.0f}", f"{consumer['reqs_per_sec']:.0f}",
        f"{observer['reqs_per_sec']:.0f}", _ms(producer["ms_per_req"]),
        _ms(consumer["ms_per_claim"]), _ms(consumer["ms_per_delete"]),
        _ms(observer["ms_per_req"]), "-", "-", str(failed),
    ]


HEADER = ["server", "tool (client)", "producer req/s", "consumer req/s", "observer req/s",
          "post ms", "claim ms", "delete ms", "list ms", "post->claimed ms", "post->pushed ms",
          "errors"]


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(HEADER, widths, strict=True)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
              for r in rows]
    return "\n".join(lines)


def run_server(name: str, http_url: str, ws_url: str | None, args: argparse.Namespace,
               rows: list[list[str]], raw: dict[str, Any]) -> None:
    print(f"{name}: zaqarclient-bench over HTTP", file=sys.stderr)
    data = ours(http_url, args)
    raw[f"{name} zaqarclient-bench http"] = data
    rows.append(row_ours(name, "zaqarclient-bench, HTTP", data))
    if ws_url is not None:
        print(f"{name}: zaqarclient-bench over websocket", file=sys.stderr)
        data = ours(ws_url, args, subscribers=1)
        raw[f"{name} zaqarclient-bench websocket"] = data
        rows.append(row_ours(name, "zaqarclient-bench, websocket + 1 subscriber", data))
    for client, label in (("this", "zaqar-bench (this package)"),
                          ("peer", f"zaqar-bench (python-zaqarclient {zaqar_bench.PEER_VERSION})")):
        print(f"{name}: {label}", file=sys.stderr)
        stats = theirs(http_url, args, client)  # type: ignore[arg-type]
        raw[f"{name} {label}"] = stats
        rows.append(row_theirs(name, label, stats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--consumers", type=int, default=4)
    parser.add_argument("--observers", type=int, default=2)
    parser.add_argument("--queues", type=int, default=4)
    parser.add_argument("--only", choices=("reference", "real"))
    parser.add_argument("--json", type=Path, help="also write every raw result here")
    args = parser.parse_args()
    zaqar_bench.install(peer=True)
    rows: list[list[str]] = []
    raw: dict[str, Any] = {}
    if args.only != "real":
        with reference_server() as url:
            run_server("reference", url, "ws" + url[len("http"):], args, rows, raw)
    if args.only != "reference":
        with RealZaqar() as http, RealZaqar(transport="websocket", notifier=True) as ws:
            run_server("Zaqar 23.0.1", http.url, None, args, rows, raw)
            print("Zaqar 23.0.1: zaqarclient-bench over websocket", file=sys.stderr)
            data = ours(ws.url, args, subscribers=1)
            raw["Zaqar 23.0.1 zaqarclient-bench websocket"] = data
            rows.insert(len(rows) - 2, row_ours("Zaqar 23.0.1",
                                                "zaqarclient-bench, websocket + 1 subscriber",
                                                data))
            # Zaqar 23's Redis driver answers include_claimed listings with 503 (both tools'
            # observers fail); one more run lists free messages only, to show the observers.
            print("Zaqar 23.0.1: zaqarclient-bench over HTTP, --no-list-claimed", file=sys.stderr)
            data = ours(http.url, args, extra=("--no-list-claimed",))
            raw["Zaqar 23.0.1 zaqarclient-bench http --no-list-claimed"] = data
            rows.insert(len(rows) - 2, row_ours("Zaqar 23.0.1",
                                                "zaqarclient-bench, HTTP, --no-list-claimed",
                                                data))
    print(f"{args.producers} producers, {args.consumers} consumers, {args.observers} observers, "
          f"{args.duration:g} s, {args.queues} queues, {MESSAGE_SIZE}-byte bodies, claims and "
          f"pages of 5; latency: mean (p50/p99) ms; machine: {os.cpu_count()} cores")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
