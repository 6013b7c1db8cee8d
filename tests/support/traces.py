"""An active OSprofiler trace for a test (OSprofiler keeps it per thread)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from osprofiler import profiler


@contextmanager
def active_trace(key: str) -> Iterator[profiler._Profiler]:
    """Start a trace signed with ``key``; end it afterwards."""
    profiler.init(key)
    try:
        active = profiler.get()
        assert active is not None
        yield active
    finally:
        profiler.clean()
