"""Messages as the server returns them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from zaqarclient.queues.v2.queues import Queue


def _parse_href(href: str | None) -> tuple[str | None, str | None]:
    """The message id and claim id in an href like ``.../messages/<id>?claim_id=<cid>``."""
    if not href:
        return None, None
    parts = urlsplit(href)
    message_id = parts.path.rstrip("/").rsplit("/", 1)[-1] or None
    claim = parse_qs(parts.query).get("claim_id") if parts.query else None
    return message_id, (claim[0] if claim else None)


class Message:
    """One message: ``id``, ``body``, ``ttl``, ``age``, ``href``, claim info, ``checksum``.

    Fields the server adds later are kept in ``extra`` instead of breaking
    construction.
    """

    __slots__ = (
        "age",
        "body",
        "checksum",
        "claim_count",
        "claim_id",
        "extra",
        "href",
        "id",
        "queue",
        "ttl",
    )

    def __init__(
        self,
        queue: Queue,
        ttl: int | None = None,
        age: int | None = None,
        body: Any = None,
        href: str | None = None,
        id: str | None = None,
        claim_id: str | None = None,
        claim_count: int = 0,
        checksum: str | None = None,
        **extra: Any,
    ) -> None:
        self.queue = queue
        self.ttl = ttl
        self.age = age
        self.body = body
        self.href = href
        self.claim_count = claim_count
        self.checksum = checksum
        self.extra = extra
        href_id, href_claim = _parse_href(href)
        found_id = id if id is not None else href_id
        if found_id is None:
            raise ValueError("a message needs an id or an href")
        self.id: str = found_id
        self.claim_id: str | None = claim_id if claim_id is not None else href_claim

    def __repr__(self) -> str:
        return f"<Message id:{self.id} ttl:{self.ttl}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return self.id == other.id and self.queue.name == other.queue.name

    def __hash__(self) -> int:
        return hash((self.queue.name, self.id))

    def delete(self) -> None:
        """Delete this message, with its claim id when it is claimed."""
        self.queue.delete_message(self.id, claim_id=self.claim_id)

    def to_dict(self) -> dict[str, Any]:
        """The message as a plain dict."""
        data = {
            "id": self.id,
            "href": self.href,
            "ttl": self.ttl,
            "age": self.age,
            "body": self.body,
            "claim_id": self.claim_id,
            "claim_count": self.claim_count,
            "checksum": self.checksum,
        }
        data.update(self.extra)
        return data


def create_object(parent: Queue) -> Callable[[dict[str, Any]], Message]:
    """A factory turning server dicts into :class:`Message` objects of ``parent``.

    A message answered without an href (the websocket API sends ids only)
    gets the one the HTTP API would have given.
    """
    return lambda args: Message(parent, **parent.with_href(args))
