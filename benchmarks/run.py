"""SDK benchmark: this SDK vs python-zaqarclient 4.7.0 vs a bare requests.Session.

Each implementation runs the same workload in its own process (python-zaqarclient
in its own venv under ``.cache/``), alternating round by round against one
server, and the median ops/s per implementation is reported with the ratios the
project targets:

* single message post: ours >= 2.5x python-zaqarclient and >= 0.9x bare requests;
* post 10 / claim 10 / delete cycle: ours >= 2x python-zaqarclient;
* the SDK in zero-socket mode (in-process reference server) >= 2x its loopback ops/s.

The server is the reference server in its own process by default (real Zaqar's
WSGI server handles ~150 requests/s and would hide client cost); ``--url``
points the run at any other server, e.g. a real Zaqar.

    python benchmarks/run.py [--rounds 5] [--ops 400] [--url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PZC_VERSION = "4.7.0"
PZC_VENV = ROOT / ".cache" / f"python-zaqarclient-{PZC_VERSION}"
WORKLOADS = Path(__file__).with_name("workloads.py")
TARGETS = {("post", "pzc"): 2.5, ("post", "bare"): 0.9, ("cycle", "pzc"): 2.0}


def ensure_pzc() -> Path:
    """python-zaqarclient in its own venv (installed once, then reused)."""
    python = PZC_VENV / "bin" / "python"
    stamp = PZC_VENV / ".installed"
    if not stamp.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PZC_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q",
                        f"python-zaqarclient=={PZC_VERSION}"], check=True)
        stamp.touch()
    return python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def reference_server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "zaqarclient.server", "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=1)
            except urllib.error.HTTPError:
                break  # 300 Multiple Choices: up
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("reference server did not start") from None
                time.sleep(0.05)
            else:
                break
        yield url
    finally:
        process.terminate()
        process.wait(10)


def run_one(python: str, impl: str, workload: str, url: str, ops: int) -> float:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH"}}
    out = subprocess.run(
        [python, str(WORKLOADS), "--impl", impl, "--workload", workload, "--url", url,
         "--ops", str(ops)],
        check=True, capture_output=True, text=True, env=env, cwd=str(WORKLOADS.parent),
    ).stdout
    return float(json.loads(out.strip().splitlines()[-1])["ops_per_s"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ops", type=int, default=400, help="ops per run (cycles: ops/10)")
    parser.add_argument("--url", help="benchmark against this server instead")
    args = parser.parse_args()
    pythons = {"ours": sys.executable, "bare": sys.executable, "pzc": str(ensure_pzc()),
               "zero-socket": sys.executable}
    results: dict[tuple[str, str], list[float]] = {}
    with (reference_server() if args.url is None else _given(args.url)) as url:
        print(f"server: {url}  rounds: {args.rounds}  ops/run: {args.ops}")
        for workload in ("post", "cycle"):
            ops = args.ops if workload == "post" else max(10, args.ops // 10)
            for _ in range(args.rounds):
                for impl in ("pzc", "ours", "bare", "zero-socket"):
                    rate = run_one(pythons[impl], impl, workload, url, ops)
                    results.setdefault((workload, impl), []).append(rate)
    failed = False
    for workload in ("post", "cycle"):
        median = {impl: statistics.median(results[(workload, impl)])
                  for impl in ("pzc", "ours", "bare", "zero-socket")}
        print(f"\n{workload}: " + "  ".join(f"{k} {v:8.1f} ops/s" for k, v in median.items()))
        zero = median["zero-socket"] / median["ours"]
        zero_verdict = "ok" if zero >= 2 else "MISSED"
        failed |= args.url is None and zero < 2
        print(f"  zero-socket / ours over loopback: {zero:.2f}x  target >= 2x: {zero_verdict}")
        for other in ("pzc", "bare"):
            ratio = median["ours"] / median[other]
            target = TARGETS.get((workload, other))
            verdict = "" if target is None else (
                f"  target >= {target}x: {'ok' if ratio >= target else 'MISSED'}")
            failed |= target is not None and ratio < target
            print(f"  ours / {other}: {ratio:.2f}x{verdict}")
    return 1 if failed else 0


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url.rstrip("/")


if __name__ == "__main__":
    sys.exit(main())
