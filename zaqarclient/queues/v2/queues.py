"""Queues: metadata, stats, and the message and claim operations on them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from zaqarclient.errors import InvalidNameError
from zaqarclient.filters import FilterSpec, as_filter
from zaqarclient.queues.v2 import claim as claim_api
from zaqarclient.queues.v2 import hrefs
from zaqarclient.queues.v2 import message as message_api
from zaqarclient.queues.v2.consumer import Consumer
from zaqarclient.queues.v2.iterator import ResourceIterator
from zaqarclient.transport.contract import JSONObject, JSONValue, Result
from zaqarclient.transport.error_mapper import not_found
from zaqarclient.transport.errors import ResourceNotFound
from zaqarclient.transport.request import NO_BODY, QueryValue, Request

if TYPE_CHECKING:
    from zaqarclient.queues.v2.client import Client
    from zaqarclient.queues.v2.subscription import Subscription

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_.\-]+$")
NAME_MAX_LENGTH = 64


def validate_name(name: object, kind: str = "queue") -> str:
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


def metadata_patch(
    current: Mapping[str, JSONValue], new: Mapping[str, JSONValue]
) -> list[JSONObject]:
    """JSON-patch operations that turn ``current`` metadata into exactly ``new``."""
    changes: list[JSONObject] = []
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
        metadata: Mapping[str, JSONValue] | None = None,
        auto_create: bool = True,
        force_create: bool = False,
    ) -> None:
        self.client = client
        self._name = validate_name(name, self.kind)
        self._href = href
        self._metadata: JSONObject | None = dict(metadata) if metadata is not None else None
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
    def metadata_dict(self) -> JSONObject:
        """The queue's metadata as a new dict."""
        return dict(self.metadata())

    def request(
        self,
        operation: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        body: JSONValue = NO_BODY,
        retry: bool | None = None,
        **path: str,
    ) -> Request:
        """The request of ``operation`` on this queue (``queue_name`` filled in)."""
        return Request(
            operation, {"queue_name": self._name, **path}, dict(params) if params else {}, body,
            retry=retry,
        )

    def _send(
        self,
        operation: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        body: JSONValue = NO_BODY,
        retry: bool | None = None,
        **path: str,
    ) -> Result:
        return self.client.call(
            self.request(operation, params=params, body=body, retry=retry, **path)
        )

    @property
    def collection(self) -> str:
        """The API collection this resource lives in (``queues``; ``topics`` for topics)."""
        return self.kind + "s"

    def with_href(self, item: Mapping[str, JSONValue]) -> JSONObject:
        """A message (or stats end) of this queue with its href, made from its id if missing."""
        return hrefs.with_message_href(self.client.api, self.collection, self._name, item)

    # -- the queue itself ---------------------------------------------------

    def exists(self) -> bool:
        """Whether the queue exists on the server.

        Zaqar v2 has no existence endpoint (``HEAD`` is 405 and ``GET``
        answers 200 for any name), so this sends an empty JSON-patch, which
        changes nothing and answers 404 for a missing queue.
        """
        try:
            self._send("queue_update", body=[])
        except ResourceNotFound:
            return False
        return True

    def ensure_exists(self, force_create: bool = False) -> None:
        """Create the queue now when ``force_create`` (otherwise the server creates it lazily)."""
        if force_create:
            self._send("queue_create")

    def create(self, metadata: Mapping[str, JSONValue] | None = None) -> bool:
        """Create the queue (``PUT``); True if it was new, False if it existed."""
        body: JSONValue = dict(metadata) if metadata is not None else NO_BODY
        return self._send("queue_create", body=body).status == 201

    def metadata(
        self, new_meta: Mapping[str, JSONValue] | None = None, force_reload: bool = False
    ) -> JSONObject:
        """Get the metadata, or replace it entirely with ``new_meta``.

        Reserved keys (``_default_message_ttl``...) left out of ``new_meta``
        return to their server defaults.
        """
        if new_meta is None and self._metadata is not None and not force_reload:
            return self._metadata
        current = self._send("queue_get").data or {}
        self._metadata = current
        if new_meta is not None:
            changes = metadata_patch(current, new_meta)
            self._metadata = self._send("queue_update", body=changes).data
        return self._metadata or {}

    def update_metadata(self, changes: Iterable[Mapping[str, JSONValue]]) -> JSONObject:
        """Apply JSON-patch ``changes`` (add/replace/remove on ``/metadata/<key>``)."""
        self._metadata = self._send("queue_update", body=list(changes)).data
        return self._metadata or {}

    @property
    def stats(self) -> JSONObject:
        """``{"messages": {"claimed", "free", "total"[, "oldest", "newest"]}}``.

        A missing queue has zero stats: Zaqar's HTTP API answers them with
        200, its websocket API with a 404 that carries them.
        """
        try:
            data: JSONObject = self._send("queue_get_stats").data
        except ResourceNotFound as missing:
            if not (isinstance(missing.body, Mapping)
                    and isinstance(missing.body.get("messages"), Mapping)):
                raise
            data = dict(missing.body)
        stats = data.get("messages")
        if isinstance(stats, Mapping):
            ends = {end: self.with_href(stats[end]) for end in ("oldest", "newest")
                    if isinstance(stats.get(end), Mapping)}
            if ends:
                data = {**data, "messages": {**stats, **ends}}
        return data

    def delete(self) -> None:
        """Delete the queue with its messages (subscriptions survive on Zaqar)."""
        self._send("queue_delete")

    def purge(self, resource_types: Iterable[str] | None = None) -> None:
        """Remove unclaimed messages and/or subscriptions (default: both)."""
        body: JSONValue = NO_BODY
        if resource_types is not None:
            body = {"resource_types": list(resource_types)}
        self._send("queue_purge", body=body)

    # -- messages -----------------------------------------------------------

    def post(
        self,
        messages: Mapping[str, JSONValue] | list[Mapping[str, JSONValue]],
        *,
        retry: bool | None = None,
    ) -> JSONObject:
        """Post one message (a dict) or several (a list); returns ``{"resources": [hrefs]}``.

        Each message is ``{"body": ..., "ttl": seconds, "delay": seconds}``.
        A post is not retried unless ``retry=True`` (a resend may duplicate).
        """
        items = [messages] if isinstance(messages, Mapping) else list(messages)
        result = self._send("message_post", body={"messages": items}, retry=retry)
        data = result.data
        if isinstance(data, dict) and "resources" in data:
            return data  # the HTTP API answers the hrefs (and v1.1 its "partial") itself
        api = self.client.api
        return {"resources": [hrefs.message(api, self.collection, self._name, message_id)
                              for message_id in result.created]}

    def message(self, message_id: str) -> message_api.Message:
        """Get one message by id (claimed or not)."""
        data = self._send("message_get", message_id=message_id).data
        return self.message_module.create_object(self)(data)

    def messages(
        self, *messages: str, filter: FilterSpec = None, **params: QueryValue
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
            result = self._send("message_get_many", params={"ids": list(messages)})
            if not (result.data or {}).get("messages"):
                # The HTTP API answers 404 itself; the websocket API an empty list.
                raise not_found(result, "None of the requested messages was found")
            return ResourceIterator(
                self.client, result, "messages", make, follow=False, keep=keep
            )
        result = self._send("message_list", params=params)
        return ResourceIterator(self.client, result, "messages", make, keep=keep)

    def delete_message(self, message_id: str, claim_id: str | None = None) -> None:
        """Delete one message; a claimed one needs its ``claim_id``."""
        params = {"claim_id": claim_id} if claim_id else None
        self._send("message_delete", params=params, message_id=message_id)

    def delete_messages(self, *messages: str, claim_ids: Iterable[str] | None = None) -> None:
        """Delete messages by id (claimed or not, unless the server requires claim ids)."""
        params: dict[str, QueryValue] = {"ids": list(dict.fromkeys(messages))}
        if claim_ids is not None:
            params["claim_ids"] = list(claim_ids)
        self._send("message_delete_many", params=params)

    def pop(self, count: int = 1) -> ResourceIterator[message_api.Message]:
        """Remove and return up to ``count`` unclaimed messages (1..20)."""
        result = self._send("message_pop", params={"pop": count})

        def make(args: JSONObject) -> message_api.Message:
            # Popped messages are gone: Zaqar gives them no href, and none is made up.
            return message_api.Message(self, **args)

        return ResourceIterator(self.client, result, "messages", make, follow=False)

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
    ) -> JSONObject:
        """Ask the server to pre-sign access to this queue.

        Returns ``{"project", "paths", "methods", "expires", "signature"}``,
        which the ``signed-url`` auth backend accepts as its options.
        """
        body: JSONObject = {}
        if ttl_seconds is not None:
            expires = datetime.now(UTC) + timedelta(seconds=ttl_seconds)
            body["expires"] = expires.strftime("%Y-%m-%dT%H:%M:%S")
        if paths is not None:
            body["paths"] = list(paths)
        if methods is not None:
            body["methods"] = list(methods)
        result: JSONObject = self._send("signed_url_create", body=body).data
        return result

    def consumer(
        self, handler: Callable[[message_api.Message], object], **options: Any
    ) -> Consumer:
        """A :class:`~zaqarclient.queues.v2.consumer.Consumer` running ``handler`` per message."""
        return Consumer(self, handler, **options)

    def subscriptions(
        self, detailed: bool = False, marker: str | None = None, limit: int = 20
    ) -> ResourceIterator[Subscription]:
        """The queue's subscriptions, all pages."""
        return self.client.subscriptions(
            queue_name=self._name, detailed=detailed, marker=marker, limit=limit
        )


def _body_filter(spec: FilterSpec) -> Callable[[JSONObject], bool] | None:
    """A ``keep`` predicate on a listed message's body, or None for no filter."""
    compiled = as_filter(spec)
    if compiled is None:
        return None
    return lambda item: compiled.matches(item.get("body"))


def create_object(parent: Client) -> Callable[[JSONObject], Queue]:
    """A factory turning listing entries into :class:`Queue` objects."""
    return lambda args: Queue(
        parent, args["name"],
        href=args.get("href") or hrefs.resource(parent.api, "queues", args["name"]),
        metadata=args.get("metadata"), auto_create=False,
    )
