"""v2 subscription resources: create, list, get, update, delete, confirm."""

from __future__ import annotations

from typing import Any

from zaqarclient.server import views
from zaqarclient.server.context import Ctx
from zaqarclient.server.protocol import (
    HTTPError,
    ServerResponse,
    bad_request_api,
    conflict,
    not_found,
    unavailable,
)
from zaqarclient.server.storage.base import Conflict, Missing
from zaqarclient.server.v2.common import scope
from zaqarclient.server.validation import check_subscription, page_limit


def _document(ctx: Ctx) -> Any:
    return ctx.json_body() if ctx.clen else {}


def create(ctx: Ctx) -> ServerResponse:
    config = ctx.app.config
    store = ctx.app.storage
    doc = _document(ctx)
    if store.queue_get(scope(ctx), ctx.queue) is None:
        store.queue_create(scope(ctx), ctx.queue, {})
    if not isinstance(doc, dict):
        raise unavailable("Subscription could not be created.")
    if "subscriber" not in doc:
        raise bad_request_api("Missing parameter subscriber in body.")
    check_subscription(doc, config)
    subscriber = doc["subscriber"]
    options = doc.get("options", {})
    ttl = doc.get("ttl", config.default_subscription_ttl)
    if ttl is None or options is None or not isinstance(subscriber, str):
        raise unavailable("Subscription could not be created.")
    sub, created = store.subscription_create(scope(ctx), ctx.queue, subscriber, ttl, options)
    if not created and sub.confirmed:
        raise HTTPError(
            409, "Resource conflict",
            "Such subscription already exists.Subscriptions are unique by project + queue + "
            "subscriber URI.",
            headers=[("location", ctx.path)],
        )
    ctx.app.notifier.confirmation(ctx, sub, ctx.app.clock.now() + ttl)
    return ctx.json(201, {"subscription_id": sub.id}, [("location", ctx.path)])


def list_(ctx: Ctx) -> ServerResponse:
    q = ctx.query
    marker = q.get("marker")
    limit = page_limit(q.get_int("limit"), ctx.app.config.max_subscriptions_per_page)
    subs = ctx.app.storage.subscription_list(scope(ctx), ctx.queue, marker, limit)
    now = ctx.app.clock.now()
    links = [{"rel": "next", "href": q.next_href(ctx.path, subs[-1].id)}] if subs else []
    return ctx.json(200, {
        "subscriptions": [views.subscription(s, now) for s in subs], "links": links,
    })


def get(ctx: Ctx) -> ServerResponse:
    sid = ctx.params["subscription_id"]
    sub = ctx.app.storage.subscription_get(scope(ctx), ctx.queue, sid)
    if sub is None:
        raise not_found(f"Subscription {sid} does not exist")
    return ctx.json(200, views.subscription(sub, ctx.app.clock.now()))


def update(ctx: Ctx) -> ServerResponse:
    sid = ctx.params["subscription_id"]
    doc = _document(ctx)
    if not doc:
        raise bad_request_api("No subscription to create.")
    if not isinstance(doc, dict):
        raise bad_request_api("Subscriptions must be a dict.")
    check_subscription(doc, ctx.app.config)
    fields = {k: doc[k] for k in ("subscriber", "ttl", "options") if doc.get(k) is not None}
    if not fields:
        raise HTTPError(400, "Unable to update subscription",
                        f"Subscription {sid} could not be updated.")
    try:
        ctx.app.storage.subscription_update(scope(ctx), ctx.queue, sid, fields)
    except Missing as exc:
        raise not_found(str(exc)) from None
    except Conflict:
        raise conflict(
            "Such subscription already exists. Subscriptions are unique by project + queue + "
            "subscriber URI."
        ) from None
    return ctx.empty(204, location=ctx.path)


def delete(ctx: Ctx) -> ServerResponse:
    ctx.app.storage.subscription_delete(scope(ctx), ctx.queue, ctx.params["subscription_id"])
    return ctx.empty()


def confirm(ctx: Ctx) -> ServerResponse:
    sid = ctx.params["subscription_id"]
    doc = _document(ctx)
    confirmed = doc.get("confirmed") if isinstance(doc, dict) else None
    if not isinstance(confirmed, bool):
        raise bad_request_api("The 'confirmed' should be boolean.")
    try:
        sub = ctx.app.storage.subscription_confirm(scope(ctx), sid, confirmed)
    except Missing as exc:
        raise not_found(str(exc)) from None
    if confirmed is False:
        expires = ctx.app.clock.now() + ctx.app.config.default_subscription_ttl
        ctx.app.notifier.confirmation(ctx, sub, expires, unsubscribe=True)
    return ctx.empty(204, location=ctx.path)
