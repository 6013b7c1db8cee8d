"""The websocket actions: one function per action, answering `(status, body)`.

Shapes follow Zaqar's websocket endpoints (zaqar-api.md 9.5), which differ
from HTTP: string confirmations, `claim_id` in message views, no hrefs or
links, 404 stats for a missing queue, 409 for a duplicate subscription.
Endpoint errors are `{"exception": <text>, "error": <summary or None>}`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlparse

from zaqarclient.server import views
from zaqarclient.server.domain.errors import BadDocument, DomainError, NoPoolFound
from zaqarclient.server.domain.fields import checked_field
from zaqarclient.server.domain.queues import FlavorDoesNotExist
from zaqarclient.server.domain.target import Target
from zaqarclient.server.domain.validation import (
    check_client_id,
    check_queue_identification,
    page_limit,
)
from zaqarclient.server.ids import client_key
from zaqarclient.server.services import Services
from zaqarclient.server.storage.base import MessageView, NewMessage, StorageError

# Subscriber schemes that have a notification task in Zaqar; others crash its handler.
TASK_SCHEMES = ("http", "https", "mailto", "trust+http", "trust+https")


class Reply(NamedTuple):
    status: int
    body: Any


class Failure(Exception):
    """An endpoint error: becomes `{"exception", "error"}` with `status`."""

    def __init__(self, status: int, exception: str, error: str | None = None) -> None:
        super().__init__(exception)
        self.status = status
        self.exception = exception
        self.error = error


def failure_of(err: DomainError) -> Failure:
    """How Zaqar's websocket endpoints answer a domain error.

    Its ``BadRequest`` prefixes the text with "Bad request."; an internal
    error carries "Unexpected error." as its summary.
    """
    if isinstance(err, BadDocument):
        return Failure(err.status, f"Bad request. {err.text}", err.summary)
    if err.status >= 500 and err.summary is None:
        return Failure(err.status, err.text, "Unexpected error.")
    return Failure(err.status, err.text, err.summary)


class Call:
    """One validated request: the services, its headers and body, the connection's subscriber."""

    __slots__ = ("body", "headers", "project", "services", "subscriber")

    def __init__(
        self, services: Services, headers: dict[str, Any], body: dict[str, Any],
        subscriber: str,
    ) -> None:
        self.services = services
        self.headers = headers
        self.body = body
        self.project: str = headers.get("X-Project-ID", "")
        self.subscriber = subscriber

    @property
    def queue(self) -> str:
        return str(self.body.get("queue_name", ""))

    @property
    def target(self) -> Target:
        """The queue the body names, in the caller's project (the websocket has no topics)."""
        return Target(self.project, self.queue)

    def int_field(self, name: str) -> int | None:
        value = self.body.get(name)
        return None if value is None else int(value)


# The optional fields Zaqar's listing endpoints read from any body, in the order it reads
# them; the integer ones go through int(), so a ValueError answers 400 where the endpoint
# catches it and a TypeError answers 500.
_OPTIONS = ("marker", "limit", "detailed", "echo", "include_claimed", "include_delayed",
            "ttl", "grace")
_INT_OPTIONS = ("limit", "ttl", "grace")
_TRUE = ("1", "t", "true", "on", "y", "yes")


def _options(call: Call) -> dict[str, Any]:
    """Every listing option present in the body, converted as Zaqar converts them."""
    out: dict[str, Any] = {}
    for name in _OPTIONS:
        value = call.body.get(name)
        if value is None:
            continue
        if name in _INT_OPTIONS:
            out[name] = int(value)
        elif name == "marker" or isinstance(value, bool):
            out[name] = value
        else:  # a lenient string-to-bool: anything unrecognised is False
            out[name] = str(value).strip().lower() in _TRUE
    return out


def _no_stray(options: dict[str, Any], accepted: tuple[str, ...], function: str) -> None:
    """Zaqar hands all the options to the storage listing, which rejects the ones it lacks."""
    for name in options:
        if name not in accepted:
            raise Failure(500, f"{function}() got an unexpected keyword argument '{name}'",
                          "Unexpected error.")


def _page(call: Call, limit: int | None, maximum: int, queue_style: bool = False) -> int:
    """A listing's page size: the given limit within the API's bound, else the default page."""
    if limit is None:
        return call.services.config.default_page_size
    return page_limit(limit, maximum, queue_style)


def _identify(call: Call) -> None:
    """The queue name and project of the body (the websocket has no URL to check them on)."""
    check_queue_identification(call.queue, call.project, call.services.config)


def _client_id(call: Call) -> str:
    client_id = str(call.headers.get("Client-ID"))
    check_client_id(client_id, call.services.config)
    return client_key(client_id)


def _message(view: MessageView, claim_id: str | None = None) -> dict[str, Any]:
    return {"id": view.id, "claim_id": claim_id, "ttl": view.ttl, "age": view.age,
            "body": view.body}


def _field(item: Any, name: str, kind: type, default: Any) -> Any:
    """Zaqar's typed field read, answered as its websocket ``BadRequest``."""
    try:
        return checked_field(item, name, kind, default)
    except BadDocument as err:
        raise failure_of(err) from None


# ------------------------------------------------------------------ queues


def queue_list(call: Call) -> Reply:
    services = call.services
    options = _options(call)
    limit = _page(call, options.get("limit"), services.config.max_queues_per_page,
                  queue_style=True)
    _no_stray(options, ("marker", "limit", "detailed"), "Queue.list")
    detailed = bool(options.get("detailed"))
    try:
        page = services.queues.page(call.project, False, options.get("marker"), limit)
    except StorageError as exc:
        raise Failure(503, str(exc), "Queues could not be listed.") from None
    queues = []
    for rec in page.records:
        item: dict[str, Any] = {"name": rec.name}
        if detailed:
            item["metadata"] = rec.metadata
        queues.append(item)
    return Reply(200, {"queues": queues})


def queue_create(call: Call) -> Reply:
    queues = call.services.queues
    metadata = call.body.get("metadata", {})
    _identify(call)
    queues.check_metadata_size(len(str(metadata)))  # Zaqar measures the Python repr
    try:
        created = queues.create(call.target, metadata, any_flavor=False)
    except (FlavorDoesNotExist, NoPoolFound) as exc:
        raise Failure(503, str(exc), f"Queue {call.queue} could not be created.") from None
    return Reply(201 if created else 204, f"Queue {call.queue} created.")


def queue_delete(call: Call) -> Reply:
    call.services.queues.delete(call.target)
    return Reply(204, f"Queue {call.queue} removed.")


def queue_get(call: Call) -> Reply:
    return Reply(200, call.services.queues.metadata(call.target) or {})


def queue_get_stats(call: Call) -> Reply:
    queues = call.services.queues
    target = call.target
    if queues.metadata(target) is None:
        return Reply(404, {"messages": {"claimed": 0, "free": 0, "total": 0}})
    stats = queues.stats(target)
    doc: dict[str, Any] = {
        "claimed": stats.claimed, "free": stats.total - stats.claimed, "total": stats.total,
    }
    if stats.total and stats.oldest is not None and stats.newest is not None:
        for key, view in (("oldest", stats.oldest), ("newest", stats.newest)):
            doc[key] = {"id": view.id, "age": view.age, "created": views.utc(view.created)}
    return Reply(200, {"messages": doc})


def queue_purge(call: Call) -> Reply:
    kinds = call.body.get("resource_types", ["messages", "subscriptions"])
    call.services.queues.purge(call.target, kinds)
    return Reply(204, {})


# ------------------------------------------------------------------ messages


def message_list(call: Call) -> Reply:
    services = call.services
    options = _options(call)
    key = _client_id(call)
    limit = _page(call, options.get("limit"), services.config.max_messages_per_page)
    _no_stray(options, ("marker", "limit", "echo", "include_claimed", "include_delayed"),
              "MessageController.list")
    marker = options.get("marker")
    target = call.target
    try:
        number = int(marker) if marker is not None else None
    except ValueError:
        # Websocket listings carry no marker, so clients page with the last message id
        # (what the Redis and SQL stores use as markers); accept one as a deviation.
        found_marker = services.messages.find(target, str(marker))
        if found_marker is None:
            return Reply(200, {"messages": []})
        number = found_marker.marker
    found = services.messages.page(
        target, number, limit, None if options.get("echo") else key,
        bool(options.get("include_claimed")), bool(options.get("include_delayed")),
    )
    return Reply(200, {"messages": [_message(v) for v in found]})


def message_get(call: Call) -> Reply:
    view = call.services.messages.get(call.target, str(call.body.get("message_id")))
    return Reply(200, {"messages": _message(view)})


def message_get_many(call: Call) -> Reply:
    ids = list(call.body.get("message_ids") or [])
    found = call.services.messages.get_many(call.target, ids)
    return Reply(200, {"messages": [_message(v) for v in found]})


def message_post(call: Call) -> Reply:
    services = call.services
    messages = services.messages
    raw = call.body.get("messages")
    try:
        meta = services.queues.ensure(call.target, check_name=True)
    except NoPoolFound as exc:
        raise Failure(500, str(exc), "Unexpected error.") from None  # outside Zaqar's try
    messages.check_post_size(len(str(raw)), meta)  # Zaqar measures the Python repr
    # The websocket API reads no delay: its messages are never delayed.
    ttl = messages.post_defaults(meta).ttl
    if not isinstance(raw, list):
        raise Failure(400, "Bad request. Document type not supported.")
    batch = [
        NewMessage(_field(item, "body", object, None), _field(item, "ttl", int, ttl), 0)
        for item in raw
    ]
    key = _client_id(call)
    ids = messages.post(call.target, batch, key, with_delay=False)
    return Reply(201, {"message_ids": ids})


def message_delete(call: Call) -> Reply:
    mid = str(call.body.get("message_id"))
    call.services.messages.delete(call.target, mid, call.body.get("claim_id"))
    return Reply(204, {})


def message_delete_many(call: Call) -> Reply:
    messages = call.services.messages
    ids = call.body.get("message_ids")
    claim_ids = call.body.get("claim_ids") if messages.claim_ids_required else None
    pop = call.body.get("pop")
    messages.check_bulk_delete(ids, claim_ids, pop)
    if ids:
        try:
            messages.delete_many(call.target, ids, claim_ids)
        except StorageError as exc:
            raise Failure(500, str(exc), "Unexpected error.") from None
        return Reply(204, {})
    popped = messages.pop(call.target, int(pop or 0))
    return Reply(200, {"messages": [views.popped(v) for v in popped]})


# ------------------------------------------------------------------ claims


def claim_create(call: Call) -> Reply:
    claims = call.services.claims
    ttl = call.int_field("ttl")
    grace = call.int_field("grace")
    limit = call.int_field("limit")
    claim = claims.create(
        call.target, claims.default_ttl if ttl is None else ttl,
        claims.default_grace if grace is None else grace, limit,
    )
    if claim.id is None or not claim.messages:
        return Reply(204, {"claim_id": None})
    return Reply(201, {"claim_id": claim.id,
                       "messages": [_message(v, claim.id) for v in claim.messages]})


def claim_get(call: Call) -> Reply:
    cid = str(call.body.get("claim_id"))
    claim = call.services.claims.get(call.target, cid)
    return Reply(200, {"age": claim.age, "ttl": claim.ttl,
                       "messages": [_message(v, cid) for v in claim.messages]})


def claim_update(call: Call) -> Reply:
    claims = call.services.claims
    cid = str(call.body.get("claim_id"))
    ttl = _field(call.body, "ttl", int, claims.default_ttl)
    try:
        grace = _field(call.body, "grace", int, claims.default_grace)
    except Failure as exc:  # read outside Zaqar's try block: a 500 with the same text
        raise Failure(500, exc.exception, "Unexpected error.") from None
    claims.renew(call.target, cid, ttl, grace)
    return Reply(204, f"Claim {cid} updated.")


def claim_delete(call: Call) -> Reply:
    cid = str(call.body.get("claim_id"))
    call.services.claims.release(call.target, cid)
    return Reply(204, f"Claim {cid} deleted.")


# ------------------------------------------------------------------ subscriptions


def subscription_list(call: Call) -> Reply:
    services = call.services
    options = _options(call)  # ValueError: 400; TypeError (say, a list limit): 500
    limit = _page(call, options.get("limit"), services.config.max_subscriptions_per_page)
    _no_stray(options, ("marker", "limit"), "SubscriptionController.list")
    marker = options.get("marker")
    subs = services.subscriptions.page(
        call.target, None if marker is None else str(marker), limit
    )
    now = services.clock.now()
    return Reply(200, {"subscriptions": [views.subscription(s, now) for s in subs]})


def subscription_create(call: Call) -> Reply:
    services = call.services
    subscriptions = services.subscriptions
    subscriber = call.body.get("subscriber") or call.subscriber
    options = call.body.get("options", {})
    ttl = call.body.get("ttl", subscriptions.default_ttl)
    scheme = urlparse(subscriber).scheme
    if scheme not in TASK_SCHEMES:
        raise Failure(
            500, f"No 'zaqar.notification.tasks' driver found, looking for '{scheme}'",
            "Unexpected error.",
        )
    subscriptions.check({"subscriber": subscriber, "options": options, "ttl": ttl})
    _identify(call)
    try:
        services.queues.ensure(call.target)
    except NoPoolFound as exc:
        raise Failure(503, str(exc), f"Subscription {call.queue} could not be created.") from None
    sub, created = subscriptions.create(call.target, subscriber, ttl, options)
    if not created:
        return Reply(409, f"Subscription {call.queue} not created.")
    return Reply(201, {"subscription_id": sub.id,
                       "message": f"Subscription {call.queue} created."})


def subscription_get(call: Call) -> Reply:
    services = call.services
    sub = services.subscriptions.get(call.target, str(call.body.get("subscription_id")))
    return Reply(200, views.subscription(sub, services.clock.now()))


def subscription_delete(call: Call) -> Reply:
    sid = str(call.body.get("subscription_id"))
    call.services.subscriptions.delete(call.target, sid)
    return Reply(204, f"Subscription {sid} removed.")


HANDLERS: dict[str, Callable[[Call], Reply]] = {
    fn.__name__: fn for fn in (
        queue_list, queue_create, queue_delete, queue_get, queue_get_stats, queue_purge,
        message_list, message_get, message_get_many, message_post, message_delete,
        message_delete_many, claim_create, claim_get, claim_update, claim_delete,
        subscription_list, subscription_create, subscription_get, subscription_delete,
    )
}
