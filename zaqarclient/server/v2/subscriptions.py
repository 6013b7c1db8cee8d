"""v2 subscription resources: create, list, get, update, delete, confirm."""

from __future__ import annotations

from typing import Any

from zaqarclient.server import views
from zaqarclient.server.context import Ctx
from zaqarclient.server.pooling import NoPoolFound, check_queue_placement
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
        try:
            check_queue_placement(ctx.app, None)
        except NoPoolFound:
            raise unavailable("Subscription could not be created.") from None
        store.queue_create(scope(ctx), ctx.queue, {})
    if not isinstance(doc, dict):
        raise unavailable("Subscription could not be created.")
    if "subscriber" not in doc:
        raise bad_request_api("Missing parameter subscriber in body.")
    subscriber = doc["subscriber"]
    if subscriber and not isinstance(subscriber, str):
        # Zaqar's validation parses it as a URL and fails with a non-validation error.
        raise unavailable("Subscription could not be created.")
    check_subscription(doc, config)
    options = doc.get("options", {})
    ttl = doc.get("ttl", config.default_subscription_ttl)
    if ttl is None or not subscriber or not isinstance(subscriber, str):
        # No ttl: the storage cannot compute the expiry; no subscriber: no
        # notification driver for an empty scheme. Both are 503s in Zaqar.
        raise unavailable("Subscription could not be created.")
    if subscriber.startswith("trust+") and (
        not isinstance(options, dict) or "trust_id" not in options
    ):
        # Without a trust_id Zaqar asks keystone for a trust, which a no-auth
        # deployment cannot give (a 503).
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
    subscriber = doc.get("subscriber")
    if subscriber and not isinstance(subscriber, str):
        # Zaqar's URL parsing fails outside validation: its catch-all 400.
        raise _not_updated(sid)
    check_subscription(doc, ctx.app.config)
    fields = {k: doc[k] for k in ("subscriber", "ttl", "options") if doc.get(k) is not None}
    if not fields:
        raise _not_updated(sid)  # the storage's assertion, the same catch-all
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


def _not_updated(sid: str) -> HTTPError:
    return HTTPError(
        400, "Unable to update subscription", f"Subscription {sid} could not be updated."
    )


def delete(ctx: Ctx) -> ServerResponse:
    ctx.app.storage.subscription_delete(scope(ctx), ctx.queue, ctx.params["subscription_id"])
    return ctx.empty()


def confirm(ctx: Ctx) -> ServerResponse:
    sid = ctx.params["subscription_id"]
    doc = _document(ctx)
    if not isinstance(doc, dict):
        # Zaqar calls .get() on the body: a non-object fails outside validation.
        raise HTTPError(400, "Unable to confirm subscription",
                        f"Subscription {sid} could not be confirmed.")
    confirmed = doc.get("confirmed")
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
