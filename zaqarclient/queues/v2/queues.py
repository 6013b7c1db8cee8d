"""Queues: metadata, stats, and the message and claim operations on them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from zaqarclient.errors import InvalidNameError
from zaqarclient.filters import FilterSpec, as_filter
from zaqarclient.queues.v2 import claim as claim_api
from zaqarclient.queues.v2 import message as message_api
from zaqarclient.queues.v2.iterator import ResourceIterator
from zaqarclient.transport.errors import ResourceNotFound
from zaqarclient.transport.request import NO_BODY, Response

if TYPE_CHECKING:
    from zaqarclient.queues.v2.client import Client
    from zaqarclient.queues.v2.consumer import Consumer
    from zaqarclient.queues.v2.subscription import Subscription

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_.\-]+$")
NAME_MAX_LENGTH = 64


def validate_name(name: Any, kind: str = "queue") -> str:
    """Return ``name`` (as text) if Zaqar accepts it, else raise :class:`InvalidNameError`.

    An integer is taken as its decimal text, as python-zaqarclient did
    (its own test base uses ``client.queue(1)``).
    """
    if isinstance(name, int) and not isinstance(name, bool):
        name = str(name)
    if not isinstance(name, str) or not name:
        raise InvalidNameError(f"A {kind} name must be a non-empty string, got {name!r}")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidNameError(
            f"{kind.capitalize()} name {name[:20]!r}... is {len(name)} characters long; "
            f"Zaqar allows at most {NAME_MAX_LENGTH}"
        )
    if not NAME_PATTERN.match(name):
        raise InvalidNameError(
            f"{kind.capitalize()} name {name!r} is invalid: use only ASCII letters, digits, "
            "'_', '-' and '.'"
        )
    return name


def metadata_patch(current: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """JSON-patch operations that turn ``current`` metadata into exactly ``new``."""
    changes: list[dict[str, Any]] = []
    for key, value in new.items():
        path = "/metadata/" + key.replace("~", "~0").replace("/", "~1")
        op = "replace" if current.get(key) is not None else "add"
        changes.append({"op": op, "path": path, "value": value})
    for key in current:
        if key not in new:
            path = "/metadata/" + key.replace("~", "~0").replace("/", "~1")
            changes.append({"op": "remove", "path": path})
    return changes


class Queue:
    """A Zaqar queue (created lazily by the server on first post).

    ``client.queue(name)`` makes no request; ``force_create=True`` creates
    the queue at once.
    """

    message_module = message_api
    #: What error messages call this resource ("Topic name ... is invalid").
    kind: ClassVar[str] = "queue"

    def __init__(
        self,
        client: Client,
        name: str,
        href: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        auto_create: bool = True,
        force_create: bool = False,
    ) -> None:
        self.client = client
        self._name = validate_name(name, self.kind)
        self._href = href
        self._metadata: dict[str, Any] | None = dict(metadata) if metadata is not None else None
        if auto_create:
            self.ensure_exists(force_create=force_create)

    def __repr__(self) -> str:
        return f"<Queue name:{self._name}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Queue):
            return NotImplemented
        return self._name == other._name and self.client is other.client

    def __hash__(self) -> int:
        return hash(self._name)

    @property
    def name(self) -> str:
        """The queue's name."""
        return self._name

    @property
    def href(self) -> str | None:
        """The queue's href, when it came from a listing."""
        return self._href

    @property
    def metadata_dict(self) -> dict[str, Any]:
        """The queue's metadata as a new dict."""
        return dict(self.metadata())

    def _call(
        self, operation: str, *, params: Mapping[str, Any] | None = None, body: Any = NO_BODY,
        retry: bool | None = None, **path: str,
    ) -> Response:
        return self.client._call(
            operation, params=params, body=body, retry=retry, queue_name=self._name, **path
        )

    # -- the queue itself ---------------------------------------------------

    def exists(self) -> bool:
        """Whether the queue exists on the server.

        Zaqar v2 has no existence endpoint (``HEAD`` is 405 and ``GET``
        answers 200 for any name), so this sends an empty JSON-patch, which
        changes nothing and answers 404 for a missing queue.
        """
        try:
            self._call("queue_update", body=[])
        except ResourceNotFound:
            return False
        return True

    def ensure_exists(self, force_create: bool = False) -> None:
        """Create the queue now when ``force_create`` (otherwise the server creates it lazily)."""
        if force_create:
            self._call("queue_create")

    def create(self, metadata: Mapping[str, Any] | None = None) -> bool:
        """Create the queue (``PUT``); True if it was new, False if it existed."""
        body: Any = dict(metadata) if metadata is not None else NO_BODY
        return self._call("queue_create", body=body).status_code == 201

    def metadata(
        self, new_meta: Mapping[str, Any] | None = None, force_reload: bool = False
    ) -> dict[str, Any]:
        """Get the metadata, or replace it entirely with ``new_meta``.

        Reserved keys (``_default_message_ttl``...) left out of ``new_meta``
        return to their server defaults.
        """
        if new_meta is None and self._metadata is not None and not force_reload:
            return self._metadata
        current = self._call("queue_get").deserialized_content or {}
        self._metadata = current
        if new_meta is not None:
            changes = metadata_patch(current, new_meta)
            self._metadata = self._call("queue_update", body=changes).deserialized_content
        return self._metadata or {}

    def update_metadata(self, changes: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        """Apply JSON-patch ``changes`` (add/replace/remove on ``/metadata/<key>``)."""
        self._metadata = self._call("queue_update", body=list(changes)).deserialized_content
        return self._metadata or {}

    @property
    def stats(self) -> dict[str, Any]:
        """``{"messages": {"claimed", "free", "total"[, "oldest", "newest"]}}``."""
        result: dict[str, Any] = self._call("queue_get_stats").deserialized_content
        return result

    def delete(self) -> None:
        """Delete the queue with its messages (subscriptions survive on Zaqar)."""
        self._call("queue_delete")

    def purge(self, resource_types: Iterable[str] | None = None) -> None:
        """Remove unclaimed messages and/or subscriptions (default: both)."""
        body: Any = NO_BODY
        if resource_types is not None:
            body = {"resource_types": list(resource_types)}
        self._call("queue_purge", body=body)

    # -- messages -----------------------------------------------------------

    def post(
        self, messages: Mapping[str, Any] | list[Mapping[str, Any]], *, retry: bool | None = None
    ) -> dict[str, Any]:
        """Post one message (a dict) or several (a list); returns ``{"resources": [hrefs]}``.

        Each message is ``{"body": ..., "ttl": seconds, "delay": seconds}``.
        A post is not retried unless ``retry=True`` (a resend may duplicate).
        """
        items = [messages] if isinstance(messages, Mapping) else list(messages)
        response = self._call("message_post", body={"messages": items}, retry=retry)
        result: dict[str, Any] = response.deserialized_content
        return result

    def message(self, message_id: str) -> message_api.Message:
        """Get one message by id (claimed or not)."""
        data = self._call("message_get", message_id=message_id).deserialized_content
        return self.message_module.Message(self, **data)

    def messages(
        self, *messages: str, filter: FilterSpec = None, **params: Any
    ) -> ResourceIterator[message_api.Message]:
        """Messages by id, or a listing that pages through the whole queue.

        Listing parameters: ``limit`` (page size, 1..20), ``marker``, ``echo``,
        ``include_claimed``, ``include_delayed``. ``filter`` (see
        :mod:`zaqarclient.filters`) keeps only messages whose body matches;
        the pages are still fetched whole, since Zaqar cannot filter.
        """
        make = self.message_module.create_object(self)
        keep = _body_filter(filter)
        if messages:
            data = self._call(
                "message_get_many", params={"ids": list(messages)}
            ).deserialized_content
            return ResourceIterator(
                self.client, data, "messages", make, follow=False, keep=keep
            )
        data = self._call("message_list", params=params).deserialized_content
        return ResourceIterator(self.client, data, "messages", make, keep=keep)

    def delete_message(self, message_id: str, claim_id: str | None = None) -> None:
        """Delete one message; a claimed one needs its ``claim_id``."""
        params = {"claim_id": claim_id} if claim_id else None
        self._call("message_delete", params=params, message_id=message_id)

    def delete_messages(self, *messages: str, claim_ids: Iterable[str] | None = None) -> None:
        """Delete messages by id (claimed or not, unless the server requires claim ids)."""
        params: dict[str, Any] = {"ids": list(dict.fromkeys(messages))}
        if claim_ids is not None:
            params["claim_ids"] = list(claim_ids)
        self._call("message_delete_many", params=params)

    def pop(self, count: int = 1) -> ResourceIterator[message_api.Message]:
        """Remove and return up to ``count`` unclaimed messages (1..20)."""
        data = self._call("message_pop", params={"pop": count}).deserialized_content
        make = self.message_module.create_object(self)
        return ResourceIterator(self.client, data, "messages", make, follow=False)

    # -- claims, sharing, subscriptions -------------------------------------

    def claim(
        self,
        id: str | None = None,
        ttl: int | None = None,
        grace: int | None = None,
        limit: int | None = None,
    ) -> claim_api.Claim:
        """Claim up to ``limit`` messages, or load the existing claim ``id``.

        With an ``id`` the claim is fetched at once, so a released, expired or
        unknown claim raises :class:`ResourceNotFound` here rather than
        later. (``Claim(queue, id=...)`` builds one without fetching.)
        """
        claim = claim_api.Claim(self, id=id, ttl=ttl, grace=grace, limit=limit)
        if id is not None:
            claim.reload()
        return claim

    def signed_url(
        self,
        paths: Iterable[str] | None = None,
        ttl_seconds: int | None = None,
        methods: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """Ask the server to pre-sign access to this queue.

        Returns ``{"project", "paths", "methods", "expires", "signature"}``,
        which the ``signed-url`` auth backend accepts as its options.
        """
        body: dict[str, Any] = {}
        if ttl_seconds is not None:
            expires = datetime.now(UTC) + timedelta(seconds=ttl_seconds)
            body["expires"] = expires.strftime("%Y-%m-%dT%H:%M:%S")
        if paths is not None:
            body["paths"] = list(paths)
        if methods is not None:
            body["methods"] = list(methods)
        result: dict[str, Any] = self._call("signed_url_create", body=body).deserialized_content
        return result

    def consumer(
        self, handler: Callable[[message_api.Message], object], **options: Any
    ) -> Consumer:
        """A :class:`~zaqarclient.queues.v2.consumer.Consumer` running ``handler`` per message."""
        from zaqarclient.queues.v2.consumer import Consumer

        return Consumer(self, handler, **options)

    def subscriptions(
        self, detailed: bool = False, marker: str | None = None, limit: int = 20
    ) -> ResourceIterator[Subscription]:
        """The queue's subscriptions, all pages."""
        return self.client.subscriptions(
            queue_name=self._name, detailed=detailed, marker=marker, limit=limit
        )


def _body_filter(spec: FilterSpec) -> Callable[[dict[str, Any]], bool] | None:
    """A ``keep`` predicate on a listed message's body, or None for no filter."""
    compiled = as_filter(spec)
    if compiled is None:
        return None
    return lambda item: compiled.matches(item.get("body"))


def create_object(parent: Client) -> Callable[[dict[str, Any]], Queue]:
    """A factory turning listing entries into :class:`Queue` objects."""
    return lambda args: Queue(
        parent, args["name"], href=args.get("href"), metadata=args.get("metadata"),
        auto_create=False,
    )
