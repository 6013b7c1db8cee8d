"""v2 message resources: post, list, get by ids, bulk delete, pop, get one, delete one."""

from __future__ import annotations

from zaqarclient.server import views
from zaqarclient.server.context import Ctx
from zaqarclient.server.domain.errors import Refused
from zaqarclient.server.domain.fields import checked_field
from zaqarclient.server.domain.validation import page_limit
from zaqarclient.server.protocol import (
    HTTPError,
    ServerResponse,
    bad_request_api,
    bad_request_body,
    not_found,
    unavailable,
)
from zaqarclient.server.storage.base import Missing, NewMessage, StorageError
from zaqarclient.server.v2.common import ensure_queue


def post(ctx: Ctx) -> ServerResponse:
    messages = ctx.services.messages
    meta = ensure_queue(ctx)
    if ctx.clen is not None:
        messages.check_post_size(ctx.clen, meta)
    defaults = messages.post_defaults(meta)
    batch = read_batch(ctx, defaults.ttl, defaults.delay)
    return store_batch(ctx, batch, with_delay=bool(defaults.delay))


def read_batch(ctx: Ctx, default_ttl: int, queue_delay: int) -> list[NewMessage]:
    """The messages of a post body; ``delay`` is read only when the queue has a default one."""
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
    return batch


def store_batch(ctx: Ctx, batch: list[NewMessage], with_delay: bool) -> ServerResponse:
    """Post ``batch`` and answer 201 with the new messages' hrefs."""
    try:
        ids = ctx.services.messages.post(ctx.target, batch, ctx.client_key, with_delay)
    except Missing as exc:
        raise not_found(str(exc)) from None
    except StorageError:
        raise unavailable("Messages could not be enqueued.") from None
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
    services = ctx.services
    q = ctx.query
    marker = q.get("marker")
    raw_limit = q.get_int("limit")
    echo = q.get_bool("echo")
    include_claimed = q.get_bool("include_claimed")
    include_delayed = q.get_bool("include_delayed") if delayed_param else False
    limit = page_limit(raw_limit, services.config.max_messages_per_page)
    target = ctx.target
    if delayed_param and not (services.queues.metadata(target) or {}).get(
        "_default_message_delay"
    ):
        # Only a queue with a default delay hides delayed messages from listings.
        include_delayed = True
        q.read["include_delayed"] = True
    try:
        number = int(marker) if marker is not None else None
    except ValueError:
        return ctx.json(200, {"messages": [], "links": []})
    found = services.messages.page(
        target, number, limit, None if echo else ctx.client_key, bool(include_claimed),
        bool(include_delayed),
    )
    if not found:
        return ctx.json(200, {"messages": [], "links": []})
    where = ctx.base
    return ctx.json(200, {
        "messages": [views.message(v, where) for v in found],
        "links": [{"rel": "next", "href": q.next_href(ctx.path, found[-1].marker)}],
    })


def get_by_ids(ctx: Ctx, ids: list[str]) -> ServerResponse:
    found = ctx.services.messages.get_many(ctx.target, ids)
    if not found:
        raise not_found(
            f"No messages with IDs: {ids!r} found in the queue {ctx.queue} "
            f"for project {ctx.project}."
        )
    where = ctx.base
    return ctx.json(200, {"messages": [views.message(v, where) for v in found]})


def delete_collection(ctx: Ctx) -> ServerResponse:
    return delete_messages(ctx, read_claim_ids=True)


def delete_messages(ctx: Ctx, read_claim_ids: bool) -> ServerResponse:
    """Bulk delete by `ids` or pop; v1.1 (`read_claim_ids=False`) never reads `claim_ids`."""
    messages = ctx.services.messages
    q = ctx.query
    ids = q.get_list("ids")
    claim_ids = (
        q.get_list("claim_ids") if read_claim_ids and messages.claim_ids_required else None
    )
    pop = q.get_int("pop")
    messages.check_bulk_delete(ids, claim_ids, pop)
    if ids:
        try:
            messages.delete_many(ctx.target, ids, claim_ids)
        except StorageError:
            raise unavailable("Messages could not be deleted.") from None
        return ctx.empty()
    assert pop is not None
    popped = messages.pop(ctx.target, pop)
    return ctx.json(200, {"messages": [views.popped(v) for v in popped]})


def get_item(ctx: Ctx) -> ServerResponse:
    view = ctx.services.messages.get(ctx.target, ctx.params["message_id"])
    return ctx.json(200, views.message(view, ctx.base))


def delete_item(ctx: Ctx) -> ServerResponse:
    claim_id = ctx.query.get("claim_id")
    try:
        ctx.services.messages.delete(ctx.target, ctx.params["message_id"], claim_id)
    except Refused as err:
        raise HTTPError(err.status, "Unable to delete", err.summary) from None
    return ctx.empty()
