"""v2 subscription resources: create, list, get, update, delete, confirm."""

from __future__ import annotations

import uuid
from typing import Any

from zaqarclient.server import views
from zaqarclient.server.context import Ctx
from zaqarclient.server.domain.errors import NoPoolFound
from zaqarclient.server.domain.validation import page_limit
from zaqarclient.server.protocol import (
    HTTPError,
    ServerResponse,
    bad_request_api,
    unavailable,
)


def _document(ctx: Ctx) -> Any:
    return ctx.json_body() if ctx.clen else {}


def _not_created() -> HTTPError:
    return unavailable("Subscription could not be created.")


def create(ctx: Ctx) -> ServerResponse:
    services = ctx.services
    subscriptions = services.subscriptions
    target = ctx.target
    doc = _document(ctx)
    # Zaqar's handler creates the queue before it reads the document.
    try:
        services.queues.ensure(target)
    except NoPoolFound:
        raise _not_created() from None
    if not isinstance(doc, dict):
        raise _not_created()
    if "subscriber" not in doc:
        raise bad_request_api("Missing parameter subscriber in body.")
    subscriber = doc["subscriber"]
    if subscriber and not isinstance(subscriber, str):
        # Zaqar's validation parses it as a URL and fails with a non-validation error.
        raise _not_created()
    subscriptions.check(doc)
    options = doc.get("options", {})
    ttl = doc.get("ttl", subscriptions.default_ttl)
    if ttl is None or not subscriber or not isinstance(subscriber, str):
        # No ttl: the storage cannot compute the expiry; no subscriber: no
        # notification driver for an empty scheme. Both are 503s in Zaqar.
        raise _not_created()
    if subscriber.startswith("trust+") and (
        not isinstance(options, dict) or "trust_id" not in options
    ):
        if not services.config.tokens:
            # Without a trust_id Zaqar's HTTP handler asks keystone for a trust, which a
            # no-auth deployment cannot give (a 503).
            raise _not_created()
        # Behind Keystone (token mode stands for it) Zaqar creates the trust and
        # stores its id in the options; no Keystone here, so the id is made up.
        options = {**options, "trust_id": uuid.uuid4().hex}
    sub, created = subscriptions.create(target, subscriber, ttl, options)
    if not created and sub.confirmed:
        raise HTTPError(
            409, "Resource conflict",
            "Such subscription already exists.Subscriptions are unique by project + queue + "
            "subscriber URI.",
            headers=[("location", ctx.path)],
        )
    subscriptions.request_confirmation(
        sub, ctx.project, ctx.prefix, subscriptions.confirmation_expiry(ttl)
    )
    return ctx.json(201, {"subscription_id": sub.id}, [("location", ctx.path)])


def list_(ctx: Ctx) -> ServerResponse:
    services = ctx.services
    q = ctx.query
    marker = q.get("marker")
    limit = page_limit(q.get_int("limit"), services.config.max_subscriptions_per_page)
    subs = services.subscriptions.page(ctx.target, marker, limit)
    now = services.clock.now()
    links = [{"rel": "next", "href": q.next_href(ctx.path, subs[-1].id)}] if subs else []
    return ctx.json(200, {
        "subscriptions": [views.subscription(s, now) for s in subs], "links": links,
    })


def get(ctx: Ctx) -> ServerResponse:
    services = ctx.services
    sub = services.subscriptions.get(ctx.target, ctx.params["subscription_id"])
    return ctx.json(200, views.subscription(sub, services.clock.now()))


def update(ctx: Ctx) -> ServerResponse:
    subscriptions = ctx.services.subscriptions
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
    subscriptions.check(doc)
    fields = {k: doc[k] for k in ("subscriber", "ttl", "options") if doc.get(k) is not None}
    if not fields:
        raise _not_updated(sid)  # the storage's assertion, the same catch-all
    subscriptions.update(ctx.target, sid, fields)
    return ctx.empty(204, location=ctx.path)


def _not_updated(sid: str) -> HTTPError:
    return HTTPError(
        400, "Unable to update subscription", f"Subscription {sid} could not be updated."
    )


def delete(ctx: Ctx) -> ServerResponse:
    ctx.services.subscriptions.delete(ctx.target, ctx.params["subscription_id"])
    return ctx.empty()


def confirm(ctx: Ctx) -> ServerResponse:
    subscriptions = ctx.services.subscriptions
    sid = ctx.params["subscription_id"]
    doc = _document(ctx)
    if not isinstance(doc, dict):
        # Zaqar calls .get() on the body: a non-object fails outside validation.
        raise HTTPError(400, "Unable to confirm subscription",
                        f"Subscription {sid} could not be confirmed.")
    confirmed = doc.get("confirmed")
    sub = subscriptions.confirm(ctx.target.scope, sid, confirmed)
    if confirmed is False:
        expires = subscriptions.confirmation_expiry(subscriptions.default_ttl)
        subscriptions.request_confirmation(sub, ctx.project, ctx.prefix, expires,
                                           unsubscribe=True)
    return ctx.empty(204, location=ctx.path)
