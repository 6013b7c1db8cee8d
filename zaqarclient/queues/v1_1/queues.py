"""Queues in API v1.1: raw metadata, no PATCH, no purge, share or subscriptions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from zaqarclient.errors import UnsupportedVersion
from zaqarclient.filters import FilterSpec
from zaqarclient.queues.v2 import queues as v2_queues
from zaqarclient.queues.v2.iterator import ListingPlan, Pager
from zaqarclient.queues.v2.steps import Steps
from zaqarclient.transport.contract import JSONObject
from zaqarclient.transport.request import QueryValue, Request

if TYPE_CHECKING:
    from zaqarclient.queues.v2.iterator import ResourceIterator
    from zaqarclient.queues.v2.subscription import Subscription


def _unsupported(what: str, why: str) -> UnsupportedVersion:
    return UnsupportedVersion(f"{what} is not available in Zaqar API 1.1: {why}")


class QueueV1_1Ops(v2_queues.QueueOps):
    """What differs in v1.1, as steps (shared by the sync and asyncio v1.1 queues)."""

    def _exists(self) -> Steps[bool]:
        """Whether the queue exists, by paging through the project's queues.

        v1.1 has no existence probe (HEAD is 405, GET answers 200 for any
        name and there is no PATCH), so this lists queues from just before
        the name, which is one short request.
        """
        marker = self.name[:-1] if len(self.name) > 1 else None
        params: dict[str, Any] = {"limit": 20}
        if marker:
            params["marker"] = marker
        pager: Pager[str] = Pager("queues", lambda item: str(item["name"]))
        pager.took_page((yield Request("queue_list", params=params)))
        while True:
            name = pager.next_ready()
            if name is None:
                request = pager.next_page()
                if request is None:
                    return False
                pager.took_page((yield request))
                continue
            if name >= self.name:
                return name == self.name

    def _metadata_steps(
        self, new_meta: Mapping[str, Any] | None = None, force_reload: bool = False
    ) -> Steps[JSONObject]:
        """The queue's metadata; v1.1 cannot change it after creation."""
        if new_meta is not None:
            raise _unsupported(
                "Changing queue metadata",
                "set it when creating the queue (Queue.create(metadata)) or use API v2",
            )
        return (yield from v2_queues.QueueOps._metadata_steps(self, force_reload=force_reload))

    def _update_metadata(self, changes: Iterable[Mapping[str, Any]]) -> Steps[JSONObject]:
        """Not in v1.1."""
        raise _unsupported("Queue metadata PATCH", "use API v2")

    def messages_listing(
        self, *messages: str, filter: FilterSpec = None, **params: QueryValue
    ) -> ListingPlan[Any]:
        """As in v2, minus ``include_delayed`` (v1.1 never lists delayed messages)."""
        if params.get("include_delayed"):
            raise _unsupported("include_delayed", "v1.1 has no delayed messages; use API v2")
        params.pop("include_delayed", None)
        return super().messages_listing(*messages, filter=filter, **params)


class Queue(QueueV1_1Ops, v2_queues.Queue):
    """A v1.1 queue. ``metadata()`` reads the raw stored metadata (no reserved defaults)."""

    def subscriptions(
        self, detailed: bool = False, marker: str | None = None, limit: int = 20
    ) -> ResourceIterator[Subscription]:
        """Not in v1.1."""
        raise _unsupported("Subscriptions", "they arrived in API v2")
