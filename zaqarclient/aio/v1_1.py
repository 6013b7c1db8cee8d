"""API v1.1 for the asyncio client: the sync v1.1 rules (as steps), awaited."""

from __future__ import annotations

from typing import Any

from zaqarclient.aio import resources
from zaqarclient.queues.v1_1 import flavor as sync_flavor
from zaqarclient.queues.v1_1.queues import QueueV1_1Ops, _unsupported


class Queue(QueueV1_1Ops, resources.Queue):
    """A v1.1 queue: raw metadata, no PATCH, purge, share or subscriptions."""

    def subscriptions(self, *args: Any, **kwargs: Any) -> Any:
        """Not in v1.1."""
        raise _unsupported("Subscriptions", "they arrived in API v2")


class Flavor(resources.Flavor):
    """A v1.1 flavor: created with a ``capabilities`` object, as Zaqar 21 needs."""

    _ensure_exists = sync_flavor.Flavor._ensure_exists
