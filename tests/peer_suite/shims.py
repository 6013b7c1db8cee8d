"""The run-time adaptations python-zaqarclient 4.7.0's functional suite needs with this package.

Nothing of the suite is changed on disk or committed here; these apply only
in the subprocess that runs it with this package as ``zaqarclient``, and only
to the peer's *private* test helpers, never to the tests' assertions:

1. ``zaqarclient.tests`` (the peer ships its test helpers inside its package:
   ``tests/base.py``, ``tests/queues/*.py`` with the functional test bodies,
   ``tests/transport/dummy.py``) is imported from the sdist's
   ``zaqarclient/tests`` directory. Only that subpackage: everything else of
   ``zaqarclient`` is this package.
2. ``transport_cls``: the test classes set ``transport_cls =
   zaqarclient.transport.http.HttpTransport`` and their base builds
   ``transport_cls(conf)``, python-zaqarclient's constructor. Here that
   constructor is :class:`zaqarclient.transport.legacy.LegacyHttpTransport`
   (``HttpTransport`` is this package's own transport, built by the client),
   so the classes get that one. The suite only hands the object to a mock
   that replaces the peer's private ``Client._get_transport``, which this
   client never calls: requests go through this package's own transport.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import unittest
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

PACKAGE = "zaqarclient.tests"


class _PeerTestHelpers(importlib.abc.MetaPathFinder):
    """Finds ``zaqarclient.tests`` and its submodules in the sdist, nothing else."""

    def __init__(self, sdist_root: Path) -> None:
        self.path = [str(sdist_root / "zaqarclient")]

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != PACKAGE and not fullname.startswith(PACKAGE + "."):
            return None
        search = self.path if fullname == PACKAGE else path
        return importlib.machinery.PathFinder.find_spec(fullname, search)


def install(sdist_root: Path) -> None:
    """Shim 1: the peer's ``zaqarclient.tests`` from the sdist."""
    sys.meta_path.insert(0, _PeerTestHelpers(sdist_root))


def _cases(suite: unittest.TestSuite) -> Iterator[unittest.TestCase]:
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _cases(item)
        else:
            yield item


def adapt(suite: unittest.TestSuite) -> None:
    """Shim 2: python-zaqarclient's ``HttpTransport(options)`` for ``transport_cls``."""
    from zaqarclient.transport import http
    from zaqarclient.transport.legacy import LegacyHttpTransport

    for case in _cases(suite):
        if getattr(type(case), "transport_cls", None) is http.HttpTransport:
            type(case).transport_cls = LegacyHttpTransport
