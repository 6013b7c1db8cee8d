"""What every connection of one listening server shares: the core, the cap, the open set.

The runner makes one `Serving` per listening socket and hands it to each
connection's protocol; a protocol adds itself to `connections` when its
connection is made and removes itself when it is lost, so the state report
can list them, the cap can be enforced, and a shutdown can reach them all.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from zaqarclient.server.app import App

LOG = logging.getLogger("zaqarclient.server.http")

#: Seconds between two log lines about refused connections: a flood of them must not
#: become a flood of log lines.
CAP_NOTICE_INTERVAL = 10.0

#: Room for a websocket frame's action, headers and echo on top of the largest body.
WS_ENVELOPE_BYTES = 65536


class Connection(Protocol):
    """What the runner needs of an open connection's protocol."""

    transport: asyncio.Transport | None

    def shutdown(self) -> None:
        """Close soon: at once when idle, else once the answer under way has left."""


@dataclass(eq=False)
class Serving:
    """The core, the connection cap (None: no cap) and the set of open connections."""

    core: App
    cap: int | None = None
    connections: set[Connection] = field(default_factory=set)
    refused: int = 0  # connections refused at the cap since the last log line
    _last_notice: float | None = None

    def refused_at_cap(self, now: float) -> None:
        """Count one connection refused at the cap; tell the operator, at most every 10 s."""
        self.refused += 1
        if self._last_notice is not None and now - self._last_notice < CAP_NOTICE_INTERVAL:
            return
        LOG.warning(
            "Refusing connections with 503: %d open, the limit (max_connections); "
            "%d refused since the last notice", self.cap, self.refused)
        self._last_notice = now
        self.refused = 0

    def ws_max_size(self) -> int:
        """The largest websocket message: a request body plus its envelope."""
        return self.core.config.body_limit() + WS_ENVELOPE_BYTES
