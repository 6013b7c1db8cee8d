"""Claims: leases on messages, the worker pattern's core."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Self

from zaqarclient.errors import InvalidOperation
from zaqarclient.queues.v2 import message
from zaqarclient.queues.v2.steps import Steps, operation
from zaqarclient.transport.contract import JSONObject, JSONValue
from zaqarclient.transport.request import NO_BODY, QueryValue, Request

if TYPE_CHECKING:
    from zaqarclient.queues.v2.queues import Queue


class ClaimOps:
    """A claim's state and its operations as steps (shared by the sync and asyncio claims).

    Iterating yields the claimed messages (held, no request once fetched);
    when nothing was claimable, ``id`` is ``None`` and the claim is empty.
    """

    def __init__(
        self,
        queue: Any,
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
        self._messages: list[Any] | None = None

    @classmethod
    def unsent(
        cls,
        queue: Any,
        id: str | None = None,
        ttl: int | None = None,
        grace: int | None = None,
        limit: int | None = None,
    ) -> Self:
        """A claim object that has sent nothing yet (the operation sends its steps)."""
        claim = cls.__new__(cls)
        ClaimOps.__init__(claim, queue, id=id, ttl=ttl, grace=grace, limit=limit)
        return claim

    def __repr__(self) -> str:
        return f"<Claim id:{self.id} ttl:{self._ttl} messages:{len(self._messages or [])}>"

    @property
    def queue(self) -> Any:
        """The claimed queue."""
        return self._queue

    @property
    def caller(self) -> object:
        """The client this claim's requests go through."""
        return self._queue.client

    def _request(
        self,
        operation: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        body: JSONValue = NO_BODY,
        **path: str,
    ) -> Request:
        request: Request = self._queue.request(
            operation, params=params, body=body, retry=None, **path
        )
        return request

    def create_steps(self) -> Steps[None]:
        """Claim now (``POST``): the messages and the claim's id."""
        body: JSONObject = {}
        if self._ttl is not None:
            body["ttl"] = self._ttl
        if self._grace is not None:
            body["grace"] = self._grace
        params = {"limit": self._limit} if self._limit is not None else None
        result = yield self._request("claim_create", params=params, body=body)
        data = result.data
        make = self._queue.make_message
        self._messages = [make(item) for item in (data or {}).get("messages", [])]
        created = result.created
        if created or self._messages:
            self.id = created[0] if created else self._messages[0].claim_id
            self._age = 0

    def get_steps(self) -> Steps[None]:
        """Fetch the claim's age, ttl and messages (``ResourceNotFound`` once it is gone)."""
        if self.id is None:
            self._messages = self._messages or []
            return
        data = (yield self._request("claim_get", claim_id=self.id)).data
        self._age = data.get("age")
        self._ttl = data.get("ttl")
        make = self._queue.make_message
        self._messages = [make(item) for item in data.get("messages", [])]

    def __len__(self) -> int:
        return len(self._messages or [])

    def __bool__(self) -> bool:
        return self.id is not None

    @property
    def grace(self) -> int | None:
        """The grace given to claimed messages (as requested; Zaqar does not report it)."""
        return self._grace

    def _update(self, ttl: int | None = None, grace: int | None = None) -> Steps[None]:
        """Renew the claim: a new lifetime from now (``PATCH``)."""
        body: JSONObject = {}
        if ttl is not None:
            body["ttl"] = ttl
        if grace is not None:
            body["grace"] = grace
        claim_id = self._require_id()
        yield self._request("claim_update", body=body, claim_id=claim_id)
        if ttl is not None:
            self._ttl = ttl
        if grace is not None:
            self._grace = grace

    def _delete(self) -> Steps[None]:
        """Release the claim: its messages become claimable again at once."""
        if self.id is None:
            return
        yield self._request("claim_delete", claim_id=self.id)

    def _age_steps(self) -> Steps[int | None]:
        """Seconds since the claim was made or renewed (fetched fresh each time)."""
        yield from self.get_steps()
        return self._age

    def _ttl_steps(self) -> Steps[int | None]:
        """The claim's lifetime in seconds."""
        if self._ttl is None:
            yield from self.get_steps()
        return self._ttl

    def _require_id(self) -> str:
        if self.id is None:
            raise InvalidOperation("this claim is empty (nothing was claimable); it has no id")
        return self.id


class Claim(ClaimOps):
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
        super().__init__(queue, id=id, ttl=ttl, grace=grace, limit=limit)
        if id is None:
            self._create()

    _create = operation(ClaimOps.create_steps)
    _get = operation(ClaimOps.get_steps)
    reload = operation(ClaimOps.get_steps)
    update = operation(ClaimOps._update)
    delete = operation(ClaimOps._delete)
    release = delete
    age = property(operation(ClaimOps._age_steps))
    ttl = property(operation(ClaimOps._ttl_steps))

    def __iter__(self) -> Iterator[message.Message]:
        if self._messages is None:
            self._get()
        return iter(list(self._messages or []))

    def __len__(self) -> int:
        if self._messages is None:
            self._get()
        return len(self._messages or [])

    @property
    def messages(self) -> list[message.Message]:
        """The messages this claim holds (as last fetched)."""
        return list(self)
