"""v1.1 message resources: the post rules and the listing differ from v2.

Posting honours only the global size limit and the configured default ttl,
drops `delay`, and validates before the lazy queue creation. Listing has no
`include_delayed`, so still-delayed messages are never listed. Bulk delete
never reads `claim_ids`.
"""

from __future__ import annotations

from zaqarclient.server.context import Ctx
from zaqarclient.server.protocol import (
    ServerResponse,
    bad_request_api,
    bad_request_body,
    not_found,
    unavailable,
)
from zaqarclient.server.request import checked_field
from zaqarclient.server.storage.base import Missing, NewMessage, StorageError
from zaqarclient.server.v2.common import ensure_queue
from zaqarclient.server.v2.messages import delete_messages, get_by_ids, list_page
from zaqarclient.server.validation import check_message


def post(ctx: Ctx) -> ServerResponse:
    config = ctx.app.config
    if ctx.clen is not None and ctx.clen > config.max_messages_post_size:
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
        ttl = checked_field(item, "ttl", int, config.default_message_ttl)
        body = checked_field(item, "body", object, None)
        batch.append(NewMessage(body, ttl, 0))
    if not batch:
        raise bad_request_api("No messages to enqueu.")
    for new in batch:
        check_message(new.ttl, 0, config)
    ensure_queue(ctx)
    try:
        ids = ctx.app.storage.message_post(
            ctx.project, ctx.queue, batch, ctx.client_key, config.enable_checksum
        )
    except Missing as exc:
        raise not_found(str(exc)) from None
    except StorageError:
        raise unavailable("Messages could not be enqueued.") from None
    # The notifier is a storage pipeline stage in Zaqar, so v1.1 posts notify too.
    ctx.app.notifier.messages_posted(ctx, batch, False)
    return ctx.json(
        201,
        {"resources": [f"{ctx.path}/{mid}" for mid in ids]},
        [("location", f"{ctx.path}?ids={','.join(ids)}")],
    )


def get_collection(ctx: Ctx) -> ServerResponse:
    ids = ctx.query.get_list("ids")
    if ids is not None:
        return get_by_ids(ctx, ids)
    return list_page(ctx, delayed_param=False)


def delete_collection(ctx: Ctx) -> ServerResponse:
    return delete_messages(ctx, read_claim_ids=False)
