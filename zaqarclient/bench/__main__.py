"""``zaqarclient-bench`` / ``python -m zaqarclient.bench``."""

from __future__ import annotations

import json
import sys

from zaqarclient.bench import report
from zaqarclient.bench.runner import BenchError, run
from zaqarclient.bench.settings import build_parser, settings_from_args
from zaqarclient.errors import ZaqarError


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run, print the report; 1 when the run could not be done."""
    parser = build_parser()
    settings = settings_from_args(parser.parse_args(argv), parser)
    try:
        outcome = run(settings)
    except (BenchError, ZaqarError) as error:
        print(f"zaqarclient-bench: {error}", file=sys.stderr)
        return 1
    if settings.output == "json":
        print(json.dumps(report.as_dict(outcome), indent=2))
    else:
        print(report.as_text(outcome))
    return 130 if outcome.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
