"""Identical rounds of posting, claiming and deleting messages; the server's RSS after each.

    python -m tests.security.memory_rounds --messages 100000 --rounds 3 --cycle 100000

``--cycle`` is how many messages are posted before they are claimed and deleted
(the whole round at once by default; the suite uses short cycles, whose small
live set keeps the allocator's own noise out of the figures).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from tests.security.server_process import ServerProcess

BATCH = 20
_BODY = json.dumps({"messages": [
    {"body": {"n": i, "pad": "x" * 100}, "ttl": 3600} for i in range(BATCH)
]}).encode()


def one_round(proc: ServerProcess, messages: int, cycle: int) -> None:
    conn = proc.connection()
    try:
        for _ in range(messages // cycle):
            for _ in range(cycle // BATCH):
                assert proc.request("POST", "/v2/queues/mem/messages", _BODY, conn=conn)[0] == 201
            while True:
                status, doc = proc.request("POST", f"/v2/queues/mem/claims?limit={BATCH}",
                                           {"ttl": 60, "grace": 60}, conn=conn)
                if status != 201:
                    break
                ids = ",".join(m["id"] for m in doc["messages"])
                status, _ = proc.request("DELETE", f"/v2/queues/mem/messages?ids={ids}",
                                         conn=conn)
                assert status == 204
    finally:
        conn.close()


def rss_per_round(messages: int, rounds: int, cycle: int) -> list[float]:
    """Start a server, run the rounds, return its RSS in MiB before and after each."""
    with ServerProcess() as proc:
        proc.request("PUT", "/v2/queues/mem")
        levels = [proc.rss_mb()]
        for _ in range(rounds):
            one_round(proc, messages, cycle)
            levels.append(proc.rss_mb())
        return levels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.security.memory_rounds")
    parser.add_argument("--messages", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cycle", type=int, default=0, help="default: --messages")
    args = parser.parse_args(argv)
    start = time.monotonic()
    levels = rss_per_round(args.messages, args.rounds, args.cycle or args.messages)
    print("RSS MiB: start " + " -> ".join(f"{v:.1f}" for v in levels)
          + f"  ({time.monotonic() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
