"""python-zaqarclient 4.7.0's own functional suite passes with this package as ``zaqarclient``.

The suite comes from the peer's sdist (downloaded into ``.cache/`` on first
use); it runs with the peer's client and with this package (through the
run-time shims of :mod:`tests.peer_suite.shims`) on servers of the same
kind, and every test the peer passes must pass with this package.
``python -m tests.peer_suite.suite reference real`` prints the same report.
"""

from __future__ import annotations

import pytest

from tests.consumers.servers import REPO
from tests.peer_suite.suite import compare
from tests.support import peer_client


@pytest.mark.parametrize("kind", ["reference", "real"])
def test_every_test_the_peer_passes_passes_here(kind: str) -> None:
    comparison = compare(kind)
    print("\n" + comparison.summary())  # the figure, shown with -s
    assert comparison.clients["ours"].startswith(str(REPO))
    assert comparison.clients["peer"].startswith(str(peer_client.VENV.resolve()))
    assert comparison.passed(comparison.peer), "the peer passed nothing: the harness is broken"
    assert not comparison.regressions, "\n" + comparison.render()
