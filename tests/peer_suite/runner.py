"""Runs python-zaqarclient's functional suite (from its sdist) and writes each test's outcome.

Run as a script, in a subprocess, with either client's interpreter::

    python tests/peer_suite/runner.py SDIST_ROOT OUT.json URL [--shims]

``--shims`` applies :mod:`shims` (this package as ``zaqarclient``). The
script's own directory is ``sys.path[0]``, so this checkout's ``tests`` and
``zaqarclient`` are not importable: ``tests`` is the sdist's, and
``zaqarclient`` the interpreter's own.
"""

from __future__ import annotations

import json
import os
import sys
import time
import unittest
from pathlib import Path
from typing import Any


class Outcomes(unittest.TestResult):
    """Each test's outcome: pass, fail, error, skip (with the reason)."""

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: dict[str, list[Any]] = {}
        self._started = 0.0

    def startTest(self, test: unittest.TestCase) -> None:
        super().startTest(test)
        self._started = time.monotonic()

    def _record(self, test: unittest.TestCase, outcome: str, detail: str = "") -> None:
        elapsed = round(time.monotonic() - self._started, 3)
        self.outcomes[test.id()] = [outcome, detail[-1500:], elapsed]

    def addSuccess(self, test: unittest.TestCase) -> None:
        super().addSuccess(test)
        self._record(test, "pass")

    def addFailure(self, test: unittest.TestCase, err: Any) -> None:
        super().addFailure(test, err)
        self._record(test, "fail", self._exc_info_to_string(err, test))

    def addError(self, test: unittest.TestCase, err: Any) -> None:
        super().addError(test, err)
        self._record(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test: unittest.TestCase, reason: str) -> None:
        super().addSkip(test, reason)
        self._record(test, "skip", reason)


def main() -> None:
    sdist, out, url, *flags = sys.argv[1:]
    root = Path(sdist)
    os.environ["ZAQARCLIENT_TEST_FUNCTIONAL"] = "1"
    os.environ["ZAQAR_ENDPOINT"] = url
    os.environ.pop("ZAQARCLIENT_AUTH_FUNCTIONAL", None)
    # The sdist's ``tests`` package without its ``zaqarclient``: a directory
    # holding only a link to it (the sdist root would put the peer's code first).
    only_tests = Path(out).parent / "sdist-tests"
    only_tests.mkdir(exist_ok=True)
    (only_tests / "tests").symlink_to(root / "tests")
    sys.path.insert(1, str(only_tests))
    shimmed = "--shims" in flags
    if shimmed:
        import shims  # the module beside this script

        shims.install(root)
    loader = unittest.TestLoader()
    suite = loader.discover(str(only_tests / "tests" / "functional"),
                            top_level_dir=str(only_tests))
    if loader.errors:
        raise SystemExit("cannot load the suite:\n" + "\n".join(loader.errors))
    if shimmed:
        shims.adapt(suite)
    result = Outcomes()
    started = time.monotonic()
    suite.run(result)
    elapsed = round(time.monotonic() - started, 2)
    import zaqarclient

    Path(out).write_text(json.dumps({"client": zaqarclient.__file__, "seconds": elapsed,
                                     "outcomes": result.outcomes}))


if __name__ == "__main__":
    main()
