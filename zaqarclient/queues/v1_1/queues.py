"""Queues in API v1.1: raw metadata, no PATCH, no purge, share or subscriptions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from zaqarclient.errors import UnsupportedVersion
from zaqarclient.queues.v2 import queues as v2_queues
from zaqarclient.queues.v2.iterator import ResourceIterator
from zaqarclient.queues.v2.message import Message

if TYPE_CHECKING:
    from zaqarclient.queues.v2.subscription import Subscription


def _unsupported(what: str, why: str) -> UnsupportedVersion:
    return UnsupportedVersion(f"{what} is not available in Zaqar API 1.1: {why}")


class Queue(v2_queues.Queue):
    """A v1.1 queue. ``metadata()`` reads the raw stored metadata (no reserved defaults)."""

    def exists(self) -> bool:
        """Whether the queue exists, by paging through the project's queues.

        v1.1 has no existence probe (HEAD is 405, GET answers 200 for any
        name and there is no PATCH), so this lists queues from just before
        the name, which is one short request.
        """
        marker = self.name[:-1] if len(self.name) > 1 else None
        params: dict[str, Any] = {"limit": 20}
        if marker:
            params["marker"] = marker
        for queue in self.client.list_queues(**params):
            if queue.name == self.name:
                return True
            if queue.name > self.name:
                return False
        return False

    def metadata(
        self, new_meta: Mapping[str, Any] | None = None, force_reload: bool = False
    ) -> dict[str, Any]:
        """The queue's metadata; v1.1 cannot change it after creation."""
        if new_meta is not None:
            raise _unsupported(
                "Changing queue metadata",
                "set it when creating the queue (Queue.create(metadata)) or use API v2",
            )
        return super().metadata(force_reload=force_reload)

    def update_metadata(self, changes: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        """Not in v1.1."""
        raise _unsupported("Queue metadata PATCH", "use API v2")

    def messages(self, *messages: str, **params: Any) -> ResourceIterator[Message]:
        """As in v2, minus ``include_delayed`` (v1.1 never lists delayed messages)."""
        if params.get("include_delayed"):
            raise _unsupported("include_delayed", "v1.1 has no delayed messages; use API v2")
        params.pop("include_delayed", None)
        return super().messages(*messages, **params)

    def subscriptions(
        self, detailed: bool = False, marker: str | None = None, limit: int = 20
    ) -> ResourceIterator[Subscription]:
        """Not in v1.1."""
        raise _unsupported("Subscriptions", "they arrived in API v2")
