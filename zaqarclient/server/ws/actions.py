"""The websocket actions: one function per action, answering `(status, body)`.

Shapes follow Zaqar's websocket endpoints (zaqar-api.md 9.5), which differ
from HTTP: string confirmations, `claim_id` in message views, no hrefs or
links, 404 stats for a missing queue, 409 for a duplicate subscription.
Endpoint errors are `{"exception": <text>, "error": <summary or None>}`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlparse

from zaqarclient.server import views
from zaqarclient.server.context import Ctx
from zaqarclient.server.ids import client_key
from zaqarclient.server.pooling import NoPoolFound, check_queue_placement
from zaqarclient.server.protocol import HTTPError, ServerRequest
from zaqarclient.server.storage.base import (
    ClaimMissing,
    MessageClaimed,
    MessageView,
    NewMessage,
    NotClaimed,
    StorageError,
)
from zaqarclient.server.validation import (
    NAME_RE,
    check_claim_grace,
    check_claim_ttl,
    check_message,
    check_queue_metadata,
    check_subscription,
)

if TYPE_CHECKING:
    from zaqarclient.server.app import App

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


class Call:
    """One validated request: the app, its headers and body, and the connection's subscriber."""

    __slots__ = ("app", "body", "headers", "project", "subscriber")

    def __init__(
        self, app: App, headers: dict[str, Any], body: dict[str, Any], subscriber: str
    ) -> None:
        self.app = app
        self.headers = headers
        self.body = body
        self.project: str = headers.get("X-Project-ID", "")
        self.subscriber = subscriber

    @property
    def queue(self) -> str:
        return str(self.body.get("queue_name", ""))

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


def _invalid(exc: HTTPError | ValueError) -> Failure:
    text = exc.description if isinstance(exc, HTTPError) else str(exc)
    return Failure(400, str(text))


def _limit(limit: int | None, maximum: int, queue_style: bool = False) -> None:
    if limit is not None and not 0 < limit <= maximum:
        verb = "no greater than" if queue_style else "may not be greater than"
        raise Failure(400, f"Limit must be at least 1 and {verb} {maximum}.")


def _identify(call: Call) -> None:
    config = call.app.config
    if len(call.project) > config.max_project_length:
        raise Failure(
            400, f"Project ids may not be more than {config.max_project_length} characters long."
        )
    if len(call.queue) > config.max_name_length:
        raise Failure(
            400, f"Queue names may not be more than {config.max_name_length} characters long."
        )
    if not NAME_RE.match(call.queue):
        raise Failure(
            400, "Queue names may only contain ASCII letters, digits, underscores, and dashes."
        )


def _client_id(call: Call) -> str:
    config = call.app.config
    client_id = str(call.headers.get("Client-ID"))
    if config.client_id_uuid_safe == "off":
        if not config.min_length_client_id <= len(client_id) <= config.max_length_client_id:
            raise Failure(
                400, f"Length of client id must be at least {config.min_length_client_id} and "
                f"no greater than {config.max_length_client_id}."
            )
    elif config.client_id_uuid_safe == "strict":
        uuid.UUID(client_id)  # ValueError -> 400, as Zaqar's handler catches it
    return client_key(client_id)


def _message(view: MessageView, claim_id: str | None = None) -> dict[str, Any]:
    return {"id": view.id, "claim_id": claim_id, "ttl": view.ttl, "age": view.age,
            "body": view.body}


def _checked(item: Any, name: str, kind: type | None, default: Any) -> Any:
    """Zaqar's typed field read (bool passes as int); a non-object item crashes as in Zaqar."""
    try:
        value = item[name]
    except KeyError:
        if default is None:
            raise Failure(400, f'Bad request. Missing "{name}" field.') from None
        value = default
    if kind is None or isinstance(value, kind):
        return value
    raise Failure(400, f'Bad request. The value of the "{name}" field must be a {kind.__name__}.')


# ------------------------------------------------------------------ queues


def queue_list(call: Call) -> Reply:
    options = _options(call)
    limit = options.get("limit")
    _limit(limit, call.app.config.max_queues_per_page, queue_style=True)
    _no_stray(options, ("marker", "limit", "detailed"), "Queue.list")
    detailed = bool(options.get("detailed"))
    marker = options.get("marker")
    try:
        records = call.app.storage.queue_list(
            call.project, marker, limit or call.app.config.default_page_size, None, {}
        )
    except StorageError as exc:
        raise Failure(503, str(exc), "Queues could not be listed.") from None
    queues = []
    for rec in records:
        item: dict[str, Any] = {"name": rec.name}
        if detailed:
            item["metadata"] = rec.metadata
        queues.append(item)
    return Reply(200, {"queues": queues})


def _place(call: Call, status: int, error: str, flavor: Any = None) -> None:
    """Zaqar's pooling catalogue registers a new queue; no pool for it is a Failure."""
    app = call.app
    if not app.config.pooling:
        return
    if flavor is not None and app.storage.flavor_get(call.project, str(flavor)) is None:
        raise Failure(status, f"Flavor {flavor} does not exist", error)
    try:
        check_queue_placement(app, None if flavor is None else str(flavor))
    except NoPoolFound as exc:
        raise Failure(status, str(exc), error) from None


def queue_create(call: Call) -> Reply:
    config = call.app.config
    metadata = call.body.get("metadata", {})
    _identify(call)
    if len(str(metadata)) > config.max_queue_metadata:
        raise Failure(400, f"Queue metadata is too large. Max size: {config.max_queue_metadata}")
    try:
        check_queue_metadata(metadata, config)
    except ValueError as exc:
        raise _invalid(exc) from None
    if call.app.storage.queue_get(call.project, call.queue) is None:
        flavor = metadata.get("_flavor") if isinstance(metadata, dict) else None
        _place(call, 503, f"Queue {call.queue} could not be created.", flavor)
    created = call.app.storage.queue_create(call.project, call.queue, metadata)
    return Reply(201 if created else 204, f"Queue {call.queue} created.")


def queue_delete(call: Call) -> Reply:
    call.app.storage.queue_delete(call.project, call.queue)
    return Reply(204, f"Queue {call.queue} removed.")


def queue_get(call: Call) -> Reply:
    return Reply(200, call.app.storage.queue_get(call.project, call.queue) or {})


def queue_get_stats(call: Call) -> Reply:
    store = call.app.storage
    if store.queue_get(call.project, call.queue) is None:
        return Reply(404, {"messages": {"claimed": 0, "free": 0, "total": 0}})
    stats = store.queue_stats(call.project, call.queue)
    doc: dict[str, Any] = {
        "claimed": stats.claimed, "free": stats.total - stats.claimed, "total": stats.total,
    }
    if stats.total and stats.oldest is not None and stats.newest is not None:
        for key, view in (("oldest", stats.oldest), ("newest", stats.newest)):
            doc[key] = {"id": view.id, "age": view.age, "created": views.utc(view.created)}
    return Reply(200, {"messages": doc})


def queue_purge(call: Call) -> Reply:
    kinds = call.body.get("resource_types", ["messages", "subscriptions"])
    store = call.app.storage
    if "messages" in kinds:
        while store.message_pop(call.project, call.queue, 100):
            pass
    if "subscriptions" in kinds:
        # Zaqar deletes only the first page (10) of subscriptions.
        for sub in store.subscription_list(call.project, call.queue, None, 10):
            store.subscription_delete(call.project, call.queue, sub.id)
    return Reply(204, {})


# ------------------------------------------------------------------ messages


def message_list(call: Call) -> Reply:
    config = call.app.config
    options = _options(call)
    limit = options.get("limit")
    key = _client_id(call)
    _limit(limit, config.max_messages_per_page)
    _no_stray(options, ("marker", "limit", "echo", "include_claimed", "include_delayed"),
              "MessageController.list")
    marker = options.get("marker")
    try:
        number = int(marker) if marker is not None else None
    except ValueError:
        # Websocket listings carry no marker, so clients page with the last message id
        # (what the Redis and SQL stores use as markers); accept one as a deviation.
        found_marker = call.app.storage.message_get(call.project, call.queue, str(marker))
        if found_marker is None:
            return Reply(200, {"messages": []})
        number = found_marker.marker
    found = call.app.storage.message_list(
        call.project, call.queue, number, limit or config.default_page_size,
        None if options.get("echo") else key, bool(options.get("include_claimed")),
        bool(options.get("include_delayed")),
    )
    return Reply(200, {"messages": [_message(v) for v in found]})


def message_get(call: Call) -> Reply:
    mid = str(call.body.get("message_id"))
    view = call.app.storage.message_get(call.project, call.queue, mid)
    if view is None:
        raise Failure(
            404, f"Message {mid} does not exist in queue {call.queue} for project {call.project}"
        )
    return Reply(200, {"messages": _message(view)})


def message_get_many(call: Call) -> Reply:
    ids = list(call.body.get("message_ids") or [])
    _limit(len(ids), call.app.config.max_messages_per_page)
    found = call.app.storage.message_get_many(
        call.project, call.queue, [i for i in ids if isinstance(i, str)]
    )
    return Reply(200, {"messages": [_message(v) for v in found]})


def message_post(call: Call) -> Reply:
    config = call.app.config
    store = call.app.storage
    messages = call.body.get("messages")
    meta = store.queue_get(call.project, call.queue)
    if meta is None:
        _identify(call)
        _place(call, 500, "Unexpected error.")  # outside Zaqar's try block
        store.queue_create(call.project, call.queue, {})
        meta = {}
    cap = meta.get("_max_messages_post_size")
    size = len(str(messages))  # Zaqar measures the Python repr of the list
    if cap and isinstance(cap, int) and size > min(cap, config.max_messages_post_size):
        raise Failure(
            400, "Message collection size is too large. The max size for current queue is "
            f"{min(cap, config.max_messages_post_size)}. It is calculated by max size = "
            f"min(max_messages_post_size_config: {config.max_messages_post_size}, "
            f"max_messages_post_size_queue: {cap})."
        )
    if size > config.max_messages_post_size:
        raise Failure(
            400, f"Message collection size is too large. Max size {config.max_messages_post_size}"
        )
    default_ttl = meta.get("_default_message_ttl") or config.default_message_ttl
    if not isinstance(messages, list):
        raise Failure(400, "Bad request. Document type not supported.")
    batch = [
        NewMessage(_checked(item, "body", None, None), _checked(item, "ttl", int, default_ttl), 0)
        for item in messages
    ]
    key = _client_id(call)
    if not batch:
        raise Failure(400, "No messages to enqueu.")
    try:
        for new in batch:
            check_message(new.ttl, 0, config)
    except HTTPError as exc:
        raise _invalid(exc) from None
    ids = store.message_post(call.project, call.queue, batch, key, config.enable_checksum)
    call.app.notifier.messages_posted(_ctx(call), batch, False)
    return Reply(201, {"message_ids": ids})


def _ctx(call: Call) -> Ctx:
    """A request context for the notifier, as if the post had come over HTTP."""
    path = f"/v2/queues/{call.queue}/messages"
    ctx = Ctx(call.app, ServerRequest("POST", path), path, {"queue_name": call.queue}, "/v2")
    ctx.project = call.project
    ctx.client_id = str(call.headers.get("Client-ID", ""))
    return ctx


def message_delete(call: Call) -> Reply:
    mid = str(call.body.get("message_id"))
    claim_id = call.body.get("claim_id")
    try:
        call.app.storage.message_delete(call.project, call.queue, mid, claim_id)
    except NotClaimed:
        raise Failure(400, f"Message {mid} is no longer claimed",
                      "A claim was specified, but the message is not currently claimed.") from None
    except ClaimMissing:
        raise Failure(
            400, f"Claim {claim_id} does not exist in queue {call.queue} for project "
            f"{call.project}", "The specified claim does not exist or has expired.",
        ) from None
    except MessageClaimed:
        text = f"Message {mid} is claimed" if claim_id is None else (
            f"Message {mid} is not claimed by {claim_id}")
        raise Failure(403, text, "This message is claimed; it cannot be deleted without a valid "
                                 "claim ID.") from None
    return Reply(204, {})


def message_delete_many(call: Call) -> Reply:
    config = call.app.config
    ids = call.body.get("message_ids")
    claim_ids = call.body.get("claim_ids") if config.message_delete_with_claim_id else None
    pop = call.body.get("pop")
    if pop is not None and ids is not None:
        raise Failure(400, "pop and id params cannot be present together in the delete request.")
    if pop is None and ids is None:
        raise Failure(400, 'The request should have either "ids" or "pop" parameter in the '
                           "request, to be able to delete.")
    if config.message_delete_with_claim_id and (
        (ids and claim_ids is None) or (ids is None and claim_ids)
    ):
        raise Failure(400, 'The request should have both "ids" and "claim_ids" parameter in the '
                           "request when message_delete_with_claim_id is True.")
    top = config.max_messages_per_claim_or_pop
    if pop is not None and not 0 < pop <= top:
        raise Failure(400, f"Pop value must be at least 1 and may not be greater than {top}.")
    most = config.max_messages_per_page
    if ids is not None and not 0 < len(ids) <= most:
        raise Failure(
            400, f"ids parameter should have at least 1 and not greater than {most} values."
        )
    store = call.app.storage
    if ids:
        try:
            # MongoDB drops ids that are not ObjectId strings (a number, null) unseen.
            store.message_delete_many(
                call.project, call.queue, [i for i in ids if isinstance(i, str)],
                None if claim_ids is None else [c for c in claim_ids if isinstance(c, str)],
            )
        except StorageError as exc:
            raise Failure(500, str(exc), "Unexpected error.") from None
        return Reply(204, {})
    popped = store.message_pop(call.project, call.queue, int(pop or 0))
    return Reply(200, {"messages": [views.popped(v) for v in popped]})


# ------------------------------------------------------------------ claims


def claim_create(call: Call) -> Reply:
    config = call.app.config
    ttl = call.int_field("ttl")
    grace = call.int_field("grace")
    ttl = config.default_claim_ttl if ttl is None else ttl
    grace = config.default_claim_grace if grace is None else grace
    limit = call.int_field("limit")
    try:
        check_claim_ttl(ttl, config)
        _limit(limit, config.max_messages_per_claim_or_pop)
        check_claim_grace(grace, config)
    except HTTPError as exc:
        raise _invalid(exc) from None
    cid, held = call.app.storage.claim_create(
        call.project, call.queue, ttl, grace, config.default_claim_limit if limit is None else limit
    )
    if cid is None or not held:
        return Reply(204, {"claim_id": None})
    return Reply(201, {"claim_id": cid, "messages": [_message(v, cid) for v in held]})


def _no_claim(call: Call, cid: str) -> Failure:
    return Failure(
        404, f"Claim {cid} does not exist in queue {call.queue} for project {call.project}",
        f"Claim {cid} does not exist.",
    )


def claim_get(call: Call) -> Reply:
    cid = str(call.body.get("claim_id"))
    claim = call.app.storage.claim_get(call.project, call.queue, cid)
    if claim is None:
        raise _no_claim(call, cid)
    return Reply(200, {"age": claim.age, "ttl": claim.ttl,
                       "messages": [_message(v, cid) for v in claim.messages]})


def claim_update(call: Call) -> Reply:
    config = call.app.config
    cid = str(call.body.get("claim_id"))
    ttl = _checked(call.body, "ttl", int, config.default_claim_ttl)
    try:
        grace = _checked(call.body, "grace", int, config.default_claim_grace)
    except Failure as exc:  # read outside Zaqar's try block: a 500 with the same text
        raise Failure(500, exc.exception, "Unexpected error.") from None
    try:
        check_claim_ttl(ttl, config)
    except HTTPError as exc:
        raise _invalid(exc) from None
    if not call.app.storage.claim_renew(call.project, call.queue, cid, ttl, grace):
        raise _no_claim(call, cid)
    return Reply(204, f"Claim {cid} updated.")


def claim_delete(call: Call) -> Reply:
    cid = str(call.body.get("claim_id"))
    call.app.storage.claim_release(call.project, call.queue, cid)
    return Reply(204, f"Claim {cid} deleted.")


# ------------------------------------------------------------------ subscriptions


def subscription_list(call: Call) -> Reply:
    options = _options(call)  # ValueError: 400; TypeError (say, a list limit): 500
    limit = options.get("limit")
    _limit(limit, call.app.config.max_subscriptions_per_page)
    _no_stray(options, ("marker", "limit"), "SubscriptionController.list")
    marker = options.get("marker")
    subs = call.app.storage.subscription_list(
        call.project, call.queue, None if marker is None else str(marker),
        limit or call.app.config.default_page_size,
    )
    now = call.app.clock.now()
    return Reply(200, {"subscriptions": [views.subscription(s, now) for s in subs]})


def subscription_create(call: Call) -> Reply:
    config = call.app.config
    store = call.app.storage
    subscriber = call.body.get("subscriber") or call.subscriber
    options = call.body.get("options", {})
    ttl = call.body.get("ttl", config.default_subscription_ttl)
    scheme = urlparse(subscriber).scheme
    if scheme not in TASK_SCHEMES:
        raise Failure(
            500, f"No 'zaqar.notification.tasks' driver found, looking for '{scheme}'",
            "Unexpected error.",
        )
    try:
        check_subscription({"subscriber": subscriber, "options": options, "ttl": ttl}, config)
    except HTTPError as exc:
        raise _invalid(exc) from None
    _identify(call)
    if store.queue_get(call.project, call.queue) is None:
        _place(call, 503, f"Subscription {call.queue} could not be created.")
        store.queue_create(call.project, call.queue, {})
    sub, created = store.subscription_create(call.project, call.queue, subscriber, ttl, options)
    if not created:
        return Reply(409, f"Subscription {call.queue} not created.")
    return Reply(201, {"subscription_id": sub.id,
                       "message": f"Subscription {call.queue} created."})


def subscription_get(call: Call) -> Reply:
    sid = str(call.body.get("subscription_id"))
    sub = call.app.storage.subscription_get(call.project, call.queue, sid)
    if sub is None:
        raise Failure(404, f"Subscription {sid} does not exist",
                      f"Subscription {sid} for queue {call.queue} does not exist.")
    return Reply(200, views.subscription(sub, call.app.clock.now()))


def subscription_delete(call: Call) -> Reply:
    sid = str(call.body.get("subscription_id"))
    call.app.storage.subscription_delete(call.project, call.queue, sid)
    return Reply(204, f"Subscription {sid} removed.")


HANDLERS: dict[str, Callable[[Call], Reply]] = {
    fn.__name__: fn for fn in (
        queue_list, queue_create, queue_delete, queue_get, queue_get_stats, queue_purge,
        message_list, message_get, message_get_many, message_post, message_delete,
        message_delete_many, claim_create, claim_get, claim_update, claim_delete,
        subscription_list, subscription_create, subscription_get, subscription_delete,
    )
}
