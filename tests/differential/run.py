"""Compare two servers with the differential session and print the report.

    python -m tests.differential.run --a http://127.0.0.1:8888 --b http://127.0.0.1:9999
    python -m tests.differential.run --a URL --b URL --session pooling \\
        --pool-uri-a redis://127.0.0.1:6391?dbid=3 --pool-uri-b redis://...
    python -m tests.differential.run --a URL --b URL --session v1.1   # B: Zaqar 21.0.0

Exit status 0 when every step agrees (known differences aside), 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from tests.differential.sessions import SESSIONS, run_pair


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.differential.run")
    parser.add_argument("--a", required=True, help="base URL of server A (e.g. the reference)")
    parser.add_argument("--b", required=True, help="base URL of server B (e.g. real Zaqar)")
    parser.add_argument("--session", choices=sorted(SESSIONS), default="v2")
    parser.add_argument("--pool-uri-a", default="", help="pool URI server A can reach")
    parser.add_argument("--pool-uri-b", default="", help="pool URI server B can reach")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every record of A")
    args = parser.parse_args(argv)

    started = time.monotonic()
    report = run_pair(args.session, args.a, args.b, args.pool_uri_a, args.pool_uri_b)
    if args.verbose:
        for record in report.a.records:
            print(record.step.name, record.fields(), record.notes)
    print(report.render())
    print(f"({time.monotonic() - started:.1f} s)")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
