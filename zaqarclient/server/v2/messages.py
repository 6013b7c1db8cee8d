"""v2 message resources: post, list, get by ids, bulk delete, pop, get one, delete one."""

from __future__ import annotations

from zaqarclient.server import views
from zaqarclient.server.context import Ctx
from zaqarclient.server.protocol import (
    HTTPError,
    ServerResponse,
    bad_request_api,
    bad_request_body,
    not_found,
    unavailable,
)
from zaqarclient.server.request import checked_field
from zaqarclient.server.storage.base import (
    ClaimMissing,
    MessageClaimed,
    Missing,
    NewMessage,
    NotClaimed,
    StorageError,
)
from zaqarclient.server.v2.common import base, ensure_queue, scope
from zaqarclient.server.validation import check_message, page_limit


def post(ctx: Ctx) -> ServerResponse:
    config = ctx.app.config
    meta = ensure_queue(ctx)
    default_ttl = meta.get("_default_message_ttl") or config.default_message_ttl
    queue_delay = meta.get("_default_message_delay")
    cap = meta.get("_max_messages_post_size")
    size = ctx.clen
    if size is not None:
        if cap and isinstance(cap, int):
            least = min(cap, config.max_messages_post_size)
            if size > least:
                raise bad_request_api(
                    "Message collection size is too large. The max size for current queue is "
                    f"{least}. It is calculated by max size = min(max_messages_post_size_config: "
                    f"{config.max_messages_post_size}, max_messages_post_size_queue: {cap})."
                )
        if size > config.max_messages_post_size:
            raise bad_request_api(
                f"Message collection size is too large. Max size {config.max_messages_post_size}"
            )
    doc = ctx.json_body()
    if not isinstance(doc, dict) or "messages" not in doc:
        raise bad_request_api("No messages were found in the request body.")
    raw = doc["messages"]
    if not isinstance(raw, list):
        raise bad_request_body("Document type not supported.")
    batch: list[NewMessage] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request_body("Document type not supported.")
        ttl = checked_field(item, "ttl", int, default_ttl)
        body = checked_field(item, "body", object, None)
        delay = checked_field(item, "delay", int, queue_delay) if queue_delay else 0
        batch.append(NewMessage(body, ttl, delay))
    if not batch:
        raise bad_request_api("No messages to enqueu.")
    for new in batch:
        check_message(new.ttl, new.delay, config)
    try:
        ids = ctx.app.storage.message_post(
            scope(ctx), ctx.queue, batch, ctx.client_key, config.enable_checksum
        )
    except Missing as exc:
        raise not_found(str(exc)) from None
    except StorageError:
        raise unavailable("Messages could not be enqueued.") from None
    ctx.app.notifier.messages_posted(ctx, batch, bool(queue_delay))
    return ctx.json(
        201,
        {"resources": [f"{ctx.path}/{mid}" for mid in ids]},
        [("location", f"{ctx.path}?ids={','.join(ids)}")],
    )


def get_collection(ctx: Ctx) -> ServerResponse:
    ids = ctx.query.get_list("ids")
    if ids is not None:
        return get_by_ids(ctx, ids)
    return list_page(ctx, delayed_param=True)


def list_page(ctx: Ctx, delayed_param: bool) -> ServerResponse:
    """One page of messages; v1.1 (`delayed_param=False`) never lists delayed ones."""
    q = ctx.query
    marker = q.get("marker")
    raw_limit = q.get_int("limit")
    echo = q.get_bool("echo")
    include_claimed = q.get_bool("include_claimed")
    include_delayed = q.get_bool("include_delayed") if delayed_param else False
    limit = page_limit(raw_limit, ctx.app.config.max_messages_per_page)
    store = ctx.app.storage
    meta = store.queue_get(scope(ctx), ctx.queue)
    if delayed_param and not (meta or {}).get("_default_message_delay"):
        include_delayed = True
        q.read["include_delayed"] = True
    try:
        number = int(marker) if marker is not None else None
    except ValueError:
        return ctx.json(200, {"messages": [], "links": []})
    views_ = store.message_list(
        scope(ctx), ctx.queue, number, limit, None if echo else ctx.client_key,
        bool(include_claimed), bool(include_delayed),
    )
    if not views_:
        return ctx.json(200, {"messages": [], "links": []})
    where = base(ctx)
    return ctx.json(200, {
        "messages": [views.message(v, where) for v in views_],
        "links": [{"rel": "next", "href": q.next_href(ctx.path, views_[-1].marker)}],
    })


def get_by_ids(ctx: Ctx, ids: list[str]) -> ServerResponse:
    page_limit(len(ids), ctx.app.config.max_messages_per_page)
    found = ctx.app.storage.message_get_many(scope(ctx), ctx.queue, ids)
    if not found:
        raise not_found(
            f"No messages with IDs: {ids!r} found in the queue {ctx.queue} "
            f"for project {ctx.project}."
        )
    where = base(ctx)
    return ctx.json(200, {"messages": [views.message(v, where) for v in found]})


def delete_collection(ctx: Ctx) -> ServerResponse:
    return delete_messages(ctx, read_claim_ids=True)


def delete_messages(ctx: Ctx, read_claim_ids: bool) -> ServerResponse:
    """Bulk delete by `ids` or pop; v1.1 (`read_claim_ids=False`) never reads `claim_ids`."""
    config = ctx.app.config
    q = ctx.query
    ids = q.get_list("ids")
    claim_ids = (
        q.get_list("claim_ids") if read_claim_ids and config.message_delete_with_claim_id
        else None
    )
    pop = q.get_int("pop")
    if pop is not None and ids is not None:
        raise bad_request_api(
            "pop and id params cannot be present together in the delete request."
        )
    if pop is None and ids is None:
        raise bad_request_api(
            'The request should have either "ids" or "pop" parameter in the request, to be '
            "able to delete."
        )
    if config.message_delete_with_claim_id and (
        (ids and claim_ids is None) or (ids is None and claim_ids)
    ):
        raise bad_request_api(
            'The request should have both "ids" and "claim_ids" parameter in the request '
            "when message_delete_with_claim_id is True."
        )
    top = config.max_messages_per_claim_or_pop
    if pop is not None and not 0 < pop <= top:
        raise bad_request_api(f"Pop value must be at least 1 and may not be greater than {top}.")
    most = config.max_messages_per_page
    if ids is not None and not 0 < len(ids) <= most:
        raise bad_request_api(
            f"ids parameter should have at least 1 and not greater than {most} values."
        )
    store = ctx.app.storage
    if ids:
        try:
            store.message_delete_many(scope(ctx), ctx.queue, ids, claim_ids)
        except StorageError:
            raise unavailable("Messages could not be deleted.") from None
        return ctx.empty()
    assert pop is not None
    popped = store.message_pop(scope(ctx), ctx.queue, pop)
    return ctx.json(200, {"messages": [views.popped(v) for v in popped]})


def get_item(ctx: Ctx) -> ServerResponse:
    mid = ctx.params["message_id"]
    view = ctx.app.storage.message_get(scope(ctx), ctx.queue, mid)
    if view is None:
        raise not_found(
            f"Message {mid} does not exist in queue {ctx.queue} for project {ctx.project}"
        )
    return ctx.json(200, views.message(view, base(ctx)))


def delete_item(ctx: Ctx) -> ServerResponse:
    claim_id = ctx.query.get("claim_id")
    try:
        ctx.app.storage.message_delete(scope(ctx), ctx.queue, ctx.params["message_id"], claim_id)
    except NotClaimed:
        raise _undeletable(400, "A claim was specified, but the message is not currently "
                                "claimed.") from None
    except ClaimMissing:
        raise _undeletable(400, "The specified claim does not exist or has expired.") from None
    except MessageClaimed:
        raise _undeletable(403, "This message is claimed; it cannot be deleted without a valid "
                                "claim ID.") from None
    return ctx.empty()


def _undeletable(status: int, description: str) -> HTTPError:
    return HTTPError(status, "Unable to delete", description)
