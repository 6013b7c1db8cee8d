"""Claims: leases on messages, the worker pattern's core."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from zaqarclient.errors import InvalidOperation
from zaqarclient.queues.v2 import message
from zaqarclient.transport.contract import JSONObject, JSONValue, Result
from zaqarclient.transport.request import NO_BODY, QueryValue

if TYPE_CHECKING:
    from zaqarclient.queues.v2.queues import Queue


class Claim:
    """A claim on up to ``limit`` messages of a queue.

    Built without ``id`` it claims at once (``POST``); iterating yields the
    claimed messages. When nothing was claimable, ``id`` is ``None`` and the
    claim is empty. Built with an ``id`` it refers to an existing claim and
    loads it on first use.
    """

    def __init__(
        self,
        queue: Queue,
        id: str | None = None,
        ttl: int | None = None,
        grace: int | None = None,
        limit: int | None = None,
    ) -> None:
        self._queue = queue
        self.id = id
        self._ttl = ttl
        self._grace = grace
        self._limit = limit
        self._age: int | None = None
        self._messages: list[message.Message] | None = None
        if id is None:
            self._create()

    def __repr__(self) -> str:
        return f"<Claim id:{self.id} ttl:{self._ttl} messages:{len(self._messages or [])}>"

    @property
    def queue(self) -> Queue:
        """The claimed queue."""
        return self._queue

    def _send(
        self,
        operation: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        body: JSONValue = NO_BODY,
        **path: str,
    ) -> Result:
        queue = self._queue
        return queue.client.call(
            queue.request(operation, params=params, body=body, retry=None, **path)
        )

    def _create(self) -> None:
        body: JSONObject = {}
        if self._ttl is not None:
            body["ttl"] = self._ttl
        if self._grace is not None:
            body["grace"] = self._grace
        params = {"limit": self._limit} if self._limit is not None else None
        result = self._send("claim_create", params=params, body=body)
        data = result.data
        make = message.create_object(self._queue)
        self._messages = [make(item) for item in (data or {}).get("messages", [])]
        created = result.created
        if created or self._messages:
            self.id = created[0] if created else self._messages[0].claim_id
            self._age = 0

    def reload(self) -> None:
        """Fetch the claim's age, ttl and messages (``ResourceNotFound`` once it is gone)."""
        self._get()

    def _get(self) -> None:
        if self.id is None:
            self._messages = self._messages or []
            return
        data = self._send("claim_get", claim_id=self.id).data
        self._age = data.get("age")
        self._ttl = data.get("ttl")
        make = message.create_object(self._queue)
        self._messages = [make(item) for item in data.get("messages", [])]

    def __iter__(self) -> Iterator[message.Message]:
        if self._messages is None:
            self._get()
        return iter(list(self._messages or []))

    def __len__(self) -> int:
        if self._messages is None:
            self._get()
        return len(self._messages or [])

    def __bool__(self) -> bool:
        return self.id is not None

    @property
    def messages(self) -> list[message.Message]:
        """The messages this claim holds (as last fetched)."""
        return list(self)

    @property
    def age(self) -> int | None:
        """Seconds since the claim was made or renewed (fetched fresh each time)."""
        self._get()
        return self._age

    @property
    def ttl(self) -> int | None:
        """The claim's lifetime in seconds."""
        if self._ttl is None:
            self._get()
        return self._ttl

    @property
    def grace(self) -> int | None:
        """The grace given to claimed messages (as requested; Zaqar does not report it)."""
        return self._grace

    def update(self, ttl: int | None = None, grace: int | None = None) -> None:
        """Renew the claim: a new lifetime from now (``PATCH``)."""
        body: JSONObject = {}
        if ttl is not None:
            body["ttl"] = ttl
        if grace is not None:
            body["grace"] = grace
        claim_id = self._require_id()
        self._send("claim_update", body=body, claim_id=claim_id)
        if ttl is not None:
            self._ttl = ttl
        if grace is not None:
            self._grace = grace

    def delete(self) -> None:
        """Release the claim: its messages become claimable again at once."""
        if self.id is None:
            return
        self._send("claim_delete", claim_id=self.id)

    release = delete

    def _require_id(self) -> str:
        if self.id is None:
            raise InvalidOperation("this claim is empty (nothing was claimable); it has no id")
        return self.id
