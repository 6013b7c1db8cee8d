"""v1.1 queue resources that differ from v2: listing and metadata read (raw metadata)."""

from __future__ import annotations

from typing import Any

from zaqarclient.server.context import Ctx
from zaqarclient.server.domain.validation import page_limit
from zaqarclient.server.protocol import ServerResponse, unavailable
from zaqarclient.server.storage.base import StorageError


def list_queues(ctx: Ctx) -> ServerResponse:
    """Only marker, limit and detailed are read; no filters and never a count."""
    q = ctx.query
    marker = q.get("marker")
    services = ctx.services
    limit = page_limit(q.get_int("limit"), services.config.max_queues_per_page, queue_style=True)
    detailed = q.get_bool("detailed")
    try:
        records = services.queues.page(ctx.project, False, marker, limit).records
    except StorageError:
        raise unavailable("Queues could not be listed.") from None
    items = []
    for rec in records:
        item: dict[str, Any] = {"name": rec.name}
        if detailed:
            item["metadata"] = dict(rec.metadata or {})
        item["href"] = f"{ctx.path}/{rec.name}"
        items.append(item)
    links = [{"rel": "next", "href": q.next_href(ctx.path, records[-1].name)}] if items else []
    return ctx.json(200, {"queues": items, "links": links})


def get_queue(ctx: Ctx) -> ServerResponse:
    """The stored metadata as is; a missing queue reads as `{}`."""
    return ctx.json(200, ctx.services.queues.metadata(ctx.target) or {})
