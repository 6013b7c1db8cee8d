"""OSprofiler trace headers for every SDK request, HTTP and websocket.

When OSprofiler has been initialised in this process (``osprofiler.profiler.
init(hmac_key)`` in code, or OpenStackClient's ``--os-profile KEY``), each
request carries ``X-Trace-Info`` and ``X-Trace-HMAC`` so the server joins the
caller's trace. The check is one dictionary look-up: OSprofiler is never
imported here, so a process that does not use it (or lacks it) pays nothing.
"""

from __future__ import annotations

import sys
from collections.abc import MutableMapping
from typing import Any

#: The headers OSprofiler's WSGI middleware reads.
TRACE_INFO = "X-Trace-Info"
TRACE_HMAC = "X-Trace-HMAC"


def trace_headers() -> dict[str, str]:
    """The current trace's headers, or ``{}`` when no trace is active."""
    profiler: Any = sys.modules.get("osprofiler.profiler")
    if profiler is None or profiler.get() is None:
        return {}
    from osprofiler import web  # already imported by osprofiler itself: no cost

    headers: dict[str, str] = web.get_trace_id_headers()
    return headers


def add_trace_headers(headers: MutableMapping[str, Any]) -> None:
    """Put the current trace's headers (if any) into a request's ``headers``."""
    if "osprofiler.profiler" in sys.modules:
        headers.update(trace_headers())
