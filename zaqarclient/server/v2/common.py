"""Helpers shared by the v2 handlers."""

from __future__ import annotations

from zaqarclient.server.context import Ctx
from zaqarclient.server.pooling import NoPoolFound, check_queue_placement
from zaqarclient.server.protocol import HTTPError, unavailable
from zaqarclient.server.storage.base import topic_scope


def is_topic(ctx: Ctx) -> bool:
    return "topic_name" in ctx.params


def scope(ctx: Ctx) -> str:
    """The storage scope: the project, or the project's topic namespace."""
    return topic_scope(ctx.project) if "topic_name" in ctx.params else ctx.project


def base(ctx: Ctx) -> str:
    """`/v2/queues/{q}` (or `/v2/topics/{t}`) for building hrefs."""
    kind = "topics" if "topic_name" in ctx.params else "queues"
    return f"{ctx.prefix}/{kind}/{ctx.queue}"


def ensure_queue(ctx: Ctx) -> dict[str, object]:
    """Lazy creation (v2): the queue exists after this, whatever happens next."""
    store = ctx.app.storage
    meta = store.queue_get(scope(ctx), ctx.queue)
    if meta is None:
        try:
            check_queue_placement(ctx.app, None)
        except NoPoolFound as exc:
            # Outside the handler's try block in Zaqar: falcon's generic 500.
            raise HTTPError(500, "Internal server error", str(exc)) from None
        try:
            store.queue_create(scope(ctx), ctx.queue, {})
        except Exception:
            raise unavailable("Queue could not be created.") from None
        meta = {}
    return meta
