"""Flavors in API v1.1, whose create needs a ``capabilities`` object."""

from __future__ import annotations

from zaqarclient.queues.v2 import flavor as v2_flavor
from zaqarclient.transport.contract import JSONObject


class Flavor(v2_flavor.Flavor):
    """A v1.1 flavor: Zaqar 21 answers 500 to a create without ``capabilities``."""

    def ensure_exists(self) -> None:
        """Create the flavor with its ``pool_list`` and ``capabilities`` (``{}`` by default)."""
        capabilities = self.capabilities if isinstance(self.capabilities, dict) else {}
        body: JSONObject = {"pool_list": self.pool_list, "capabilities": capabilities}
        self._send("flavor_create", body=body)
