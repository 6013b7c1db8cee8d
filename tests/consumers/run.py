"""Run the consumer modules against one kind of server and print the table.

    python -m tests.consumers.run reference [heat ...]
    python -m tests.consumers.run real

Each consumer scenario runs with this package (ours) and python-zaqarclient
4.7.0 (peer); a row reads ``steps passed ours / peer (of N)``, then every step
where the two differ.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.consumers.harness import CONSUMERS
from tests.consumers.report import Comparison, compare
from tests.consumers.servers import environment, run_clients


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.consumers.run")
    parser.add_argument("server", choices=["reference", "real"])
    parser.add_argument("consumers", nargs="*", default=list(CONSUMERS))
    parser.add_argument("-v", "--verbose", action="store_true", help="print every step")
    parser.add_argument("--ours-path", type=Path, default=None,
                        help="a directory whose zaqarclient/ replaces this checkout's")
    args = parser.parse_args(argv)
    with environment(args.server) as env:
        outputs = run_clients(env, *args.consumers, ours_path=args.ours_path)
    comparison: Comparison = compare(args.server, outputs)
    print(comparison.render(verbose=args.verbose))
    return 0 if comparison.ok else 1


if __name__ == "__main__":
    sys.exit(main())
