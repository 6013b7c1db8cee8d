"""Asynchronous iterators over listings: ``async for m in queue.messages()`` pages for you."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeVar

from zaqarclient.aio.steps import AsyncCaller
from zaqarclient.queues.v2.iterator import ListingPlan, Pager

T = TypeVar("T")


class AsyncResourceIterator(Pager[T]):
    """Yields a listing's items, fetching its first page on first use and the next ones after.

    The paging rules (when to stop, a repeated cursor, ``keep``) are the sync
    iterator's (:class:`~zaqarclient.queues.v2.iterator.Pager`);
    ``stream(False)`` keeps to the first page.
    """

    def __init__(self, client: AsyncCaller, plan: ListingPlan[T]) -> None:
        super().__init__(plan.key, plan.factory, follow=plan.follow, keep=plan.keep)
        self._client = client
        self._plan: ListingPlan[T] | None = plan
        #: The listing's ``count`` (queues with ``with_count=True``), once the first page is in.
        self.count: int | None = None

    async def fetch(self) -> AsyncResourceIterator[T]:
        """Fetch the first page now (its errors raise here); returns self."""
        plan, self._plan = self._plan, None
        if plan is not None:
            first = await self._client.call(plan.request)
            if plan.check is not None:
                plan.check(first)
            data = first.data
            if isinstance(data, dict) and isinstance(data.get("count"), int):
                self.count = data["count"]
            self._load(first)
        return self

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        if self._plan is not None:
            await self.fetch()
        while True:
            item = self.next_ready()
            if item is not None:
                return item
            request = self.next_page()
            if request is None:
                raise StopAsyncIteration
            self.took_page(await self._client.call(request))

    def stream(self, enabled: bool = True) -> AsyncResourceIterator[T]:
        """Turn following of next pages on (default) or off; returns self."""
        self._follow = enabled
        return self

    async def list(self) -> list[T]:
        """Every item of the listing (all pages, or the first with ``stream(False)``)."""
        return [item async for item in self]
