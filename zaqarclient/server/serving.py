"""What every connection of one listening server shares: the core, the cap, the open set.

The runner makes one `Serving` per listening socket and hands it to each
connection's protocol; a protocol adds itself to `connections` when its
connection is made and removes itself when it is lost, so the state report
can list them, the cap can be enforced, and a shutdown can reach them all.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from zaqarclient.server.app import App

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

    def ws_max_size(self) -> int:
        """The largest websocket message: a request body plus its envelope."""
        return self.core.config.body_limit() + WS_ENVELOPE_BYTES
