"""The API versions this SDK speaks, by the names users give them."""

from __future__ import annotations

from zaqarclient.errors import DriverLoadFailure
from zaqarclient.queues.v1_1.api import V1_1
from zaqarclient.queues.v2.api import V2
from zaqarclient.transport.routes import Api


def api_for(version: object) -> Api:
    """The route table of API ``version`` (2, "2", 2.0, "v2" or 1.1)."""
    text = str(version).lstrip("v")
    if text in ("2", "2.0"):
        return V2
    if text == "1.1":
        return V1_1
    raise DriverLoadFailure(f"queues.v{text}", "no such API version (use 2 or 1.1)")
