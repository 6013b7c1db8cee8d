"""v2 claim resources: create, get, renew, release."""

from __future__ import annotations

from typing import Any

from zaqarclient.server import views
from zaqarclient.server.context import Ctx
from zaqarclient.server.protocol import ServerResponse, bad_request_body, not_found
from zaqarclient.server.request import checked_field
from zaqarclient.server.v2.common import base, scope
from zaqarclient.server.validation import check_claim_grace, check_claim_ttl, page_limit


def _ttl_grace(ctx: Ctx, doc: Any) -> tuple[int, int]:
    config = ctx.app.config
    if not isinstance(doc, dict):
        raise bad_request_body("Document type not supported.")
    ttl = checked_field(doc, "ttl", int, config.default_claim_ttl)
    grace = checked_field(doc, "grace", int, config.default_claim_grace)
    return ttl, grace


def create(ctx: Ctx) -> ServerResponse:
    config = ctx.app.config
    limit = ctx.query.get_int("limit")
    if not ctx.clen:
        ttl, grace = config.default_claim_ttl, config.default_claim_grace
    else:
        ttl, grace = _ttl_grace(ctx, ctx.json_body())
    check_claim_ttl(ttl, config)
    if limit is not None:
        page_limit(limit, config.max_messages_per_claim_or_pop)
    check_claim_grace(grace, config)
    cid, held = ctx.app.storage.claim_create(
        scope(ctx), ctx.queue, ttl, grace, config.default_claim_limit if limit is None else limit
    )
    if cid is None or not held:
        return ctx.empty()
    where = base(ctx)
    return ctx.json(
        201, {"messages": [views.message(v, where) for v in held]},
        [("location", f"{ctx.path}/{cid}")],
    )


def _missing(ctx: Ctx) -> Exception:
    return not_found(
        f"Claim {ctx.params['claim_id']} does not exist in queue {ctx.queue} "
        f"for project {ctx.project}"
    )


def get(ctx: Ctx) -> ServerResponse:
    claim = ctx.app.storage.claim_get(scope(ctx), ctx.queue, ctx.params["claim_id"])
    if claim is None:
        raise _missing(ctx)
    where = base(ctx)
    return ctx.json(200, {
        "age": claim.age, "ttl": claim.ttl,
        "messages": [views.message(v, where) for v in claim.messages],
        "href": ctx.path,
    })


def renew(ctx: Ctx) -> ServerResponse:
    ttl, grace = _ttl_grace(ctx, ctx.json_body())
    check_claim_ttl(ttl, ctx.app.config)
    if not ctx.app.storage.claim_renew(scope(ctx), ctx.queue, ctx.params["claim_id"], ttl, grace):
        raise _missing(ctx)
    return ctx.empty()


def release(ctx: Ctx) -> ServerResponse:
    ctx.app.storage.claim_release(scope(ctx), ctx.queue, ctx.params["claim_id"])
    return ctx.empty()
