"""Flavors in API v1.1, whose create needs a ``capabilities`` object."""

from __future__ import annotations

from typing import Any

from zaqarclient.queues.v2 import flavor as v2_flavor


class Flavor(v2_flavor.Flavor):
    """A v1.1 flavor: Zaqar 21 answers 500 to a create without ``capabilities``."""

    def ensure_exists(self) -> None:
        """Create the flavor with its ``pool_list`` and ``capabilities`` (``{}`` by default)."""
        capabilities = self.capabilities if isinstance(self.capabilities, dict) else {}
        body: dict[str, Any] = {"pool_list": self.pool_list, "capabilities": capabilities}
        self._call("flavor_create", body=body)
