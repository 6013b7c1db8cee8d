"""v1.1 message resources: the post rules and the listing differ from v2.

Posting honours only the global size limit and the configured default ttl,
drops `delay`, and validates before the lazy queue creation. Listing has no
`include_delayed`, so still-delayed messages are never listed. Bulk delete
never reads `claim_ids`.
"""

from __future__ import annotations

from zaqarclient.server.context import Ctx
from zaqarclient.server.protocol import ServerResponse
from zaqarclient.server.v2.common import ensure_queue
from zaqarclient.server.v2.messages import (
    delete_messages,
    get_by_ids,
    list_page,
    read_batch,
    store_batch,
)


def post(ctx: Ctx) -> ServerResponse:
    messages = ctx.services.messages
    if ctx.clen is not None:
        messages.check_post_size(ctx.clen, None)  # v1.1 knows no per-queue cap
    defaults = messages.post_defaults(None)  # nor queue defaults
    batch = read_batch(ctx, defaults.ttl, queue_delay=0)
    messages.check_batch(batch)  # before the lazy creation, unlike v2
    ensure_queue(ctx)
    # The notifier is a storage pipeline stage in Zaqar, so v1.1 posts notify too.
    return store_batch(ctx, batch, with_delay=False)


def get_collection(ctx: Ctx) -> ServerResponse:
    ids = ctx.query.get_list("ids")
    if ids is not None:
        return get_by_ids(ctx, ids)
    return list_page(ctx, delayed_param=False)


def delete_collection(ctx: Ctx) -> ServerResponse:
    return delete_messages(ctx, read_claim_ids=False)
