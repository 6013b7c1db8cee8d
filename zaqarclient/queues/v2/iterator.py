"""Iterators over listings that fetch the next page as they go."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar

from zaqarclient.queues.v2.protocol import Caller
from zaqarclient.transport.contract import Cursor, JSONObject, JSONValue, Result
from zaqarclient.transport.http_wire import marker_of, next_href
from zaqarclient.transport.request import Request

T = TypeVar("T")

#: A listing: a result, the decoded body of one (python-zaqarclient's shape), or items.
Listing = Result | Mapping[str, JSONValue] | list[JSONValue] | None


class ResourceIterator(Generic[T]):
    """Yields the items of a listing, following its cursor through every page.

    Zaqar gives every non-empty page a next page, so iteration stops at the
    first empty page, or when a cursor repeats (a server that ignores an
    unknown marker would otherwise loop forever). ``stream(False)`` limits
    iteration to the pages already fetched (python-zaqarclient's old
    default). ``keep``, when given, is asked about each raw item; items it
    refuses are skipped.
    """

    def __init__(
        self,
        client: Caller,
        listing: Listing,
        key: str,
        factory: Callable[[JSONObject], T],
        *,
        follow: bool = True,
        keep: Callable[[JSONObject], bool] | None = None,
    ) -> None:
        self._client = client
        self._keep = keep
        self._key = key
        self._factory = factory
        self._follow = follow
        self._items: list[JSONObject] = []
        self._position = 0
        self._cursor: Cursor | None = None
        self._followed: set[tuple[str, str | None, str | None]] = set()
        #: python-zaqarclient's attribute: the ``links`` of the last page that had items
        #: (zaqar-bench's observer reads its ``next`` marker to page on by itself).
        self._links: list[JSONObject] = []
        self._load(listing)

    def _load(self, listing: Listing) -> None:
        self._position = 0
        self._cursor = None
        if isinstance(listing, Result):
            data = listing.data
            cursor = listing.cursor
        else:
            data = listing
            href = next_href(listing)
            cursor = Cursor(Request("follow", ref=href), marker_of(href)) if href else None
        if data is None:
            self._items = []
        elif isinstance(data, Mapping):
            self._items = list(data.get(self._key) or [])
            if self._items:
                self._links = list(data.get("links") or [])
                self._cursor = cursor
        else:
            self._items = list(data)

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        while True:
            item = self._next_item()
            if self._keep is None or self._keep(item):
                return self._factory(item)

    def _next_item(self) -> JSONObject:
        while self._position >= len(self._items):
            cursor = self._cursor
            if not (self._follow and cursor):
                raise StopIteration
            seen = (cursor.request.operation, cursor.request.ref, cursor.marker)
            if seen in self._followed:
                raise StopIteration
            self._followed.add(seen)
            self._load(self._client.call(cursor.request))
            following = self._cursor
            if cursor.marker is not None and following and following.marker == cursor.marker:
                # The page ended on the marker it started after: the server ignored
                # the marker (Zaqar's Redis driver does for a queue's first message)
                # and repeated itself. Nothing in it is new.
                self._items, self._cursor = [], None
        item = self._items[self._position]
        self._position += 1
        return item

    @property
    def links(self) -> list[JSONObject]:
        """The ``links`` of the last page that had items (HTTP; websocket pages have none)."""
        return list(self._links)

    def stream(self, enabled: bool = True) -> ResourceIterator[T]:
        """Turn following of next pages on (default) or off; returns self."""
        self._follow = enabled
        return self

    def get_iterables(self, iterables: Mapping[str, JSONValue]) -> None:
        """Replace the current page with ``iterables`` (a listing response body)."""
        self._load(iterables)


# python-zaqarclient's name for the same thing.
_Iterator = ResourceIterator
