"""v2 claim resources: create, get, renew, release."""

from __future__ import annotations

from typing import Any

from zaqarclient.server import views
from zaqarclient.server.context import Ctx
from zaqarclient.server.domain.fields import checked_field
from zaqarclient.server.protocol import ServerResponse, bad_request_body


def _ttl_grace(ctx: Ctx, doc: Any) -> tuple[int, int]:
    claims = ctx.services.claims
    if not isinstance(doc, dict):
        raise bad_request_body("Document type not supported.")
    ttl = checked_field(doc, "ttl", int, claims.default_ttl)
    grace = checked_field(doc, "grace", int, claims.default_grace)
    return ttl, grace


def create(ctx: Ctx) -> ServerResponse:
    claims = ctx.services.claims
    limit = ctx.query.get_int("limit")
    if not ctx.clen:
        ttl, grace = claims.default_ttl, claims.default_grace
    else:
        ttl, grace = _ttl_grace(ctx, ctx.json_body())
    claim = claims.create(ctx.target, ttl, grace, limit)
    if claim.id is None or not claim.messages:
        return ctx.empty()
    where = ctx.base
    return ctx.json(
        201, {"messages": [views.message(v, where) for v in claim.messages]},
        [("location", f"{ctx.path}/{claim.id}")],
    )


def get(ctx: Ctx) -> ServerResponse:
    claim = ctx.services.claims.get(ctx.target, ctx.params["claim_id"])
    where = ctx.base
    return ctx.json(200, {
        "age": claim.age, "ttl": claim.ttl,
        "messages": [views.message(v, where) for v in claim.messages],
        "href": ctx.path,
    })


def renew(ctx: Ctx) -> ServerResponse:
    ttl, grace = _ttl_grace(ctx, ctx.json_body())
    ctx.services.claims.renew(ctx.target, ctx.params["claim_id"], ttl, grace)
    return ctx.empty()


def release(ctx: Ctx) -> ServerResponse:
    ctx.services.claims.release(ctx.target, ctx.params["claim_id"])
    return ctx.empty()
