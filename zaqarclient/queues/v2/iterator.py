"""Iterators over listings that fetch the next page as they go."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from zaqarclient.queues.v2.client import Client

T = TypeVar("T")


class ResourceIterator(Generic[T]):
    """Yields the items of a listing, following ``links`` through every page.

    Zaqar gives every non-empty page a ``next`` link, so iteration stops at
    the first empty page. ``stream(False)`` limits iteration to the pages
    already fetched (python-zaqarclient's old default).
    """

    def __init__(
        self,
        client: Client,
        listing: Mapping[str, Any] | list[Any] | None,
        key: str,
        factory: Callable[[dict[str, Any]], T],
        *,
        follow: bool = True,
    ) -> None:
        self._client = client
        self._key = key
        self._factory = factory
        self._follow = follow
        self._items: list[Any] = []
        self._position = 0
        self._next_href: str | None = None
        self._load(listing)

    def _load(self, listing: Mapping[str, Any] | list[Any] | None) -> None:
        self._position = 0
        self._next_href = None
        if listing is None:
            self._items = []
        elif isinstance(listing, Mapping):
            self._items = list(listing.get(self._key) or [])
            if self._items:
                for link in listing.get("links") or ():
                    if link.get("rel") == "next":
                        self._next_href = link.get("href")
                        break
        else:
            self._items = list(listing)

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        while self._position >= len(self._items):
            if not (self._follow and self._next_href):
                raise StopIteration
            self._load(self._client.follow(self._next_href))
        item = self._items[self._position]
        self._position += 1
        return self._factory(item)

    def stream(self, enabled: bool = True) -> ResourceIterator[T]:
        """Turn following of ``next`` links on (default) or off; returns self."""
        self._follow = enabled
        return self

    def get_iterables(self, iterables: Mapping[str, Any]) -> None:
        """Replace the current page with ``iterables`` (a listing response)."""
        self._load(iterables)


# python-zaqarclient's name for the same thing.
_Iterator = ResourceIterator
