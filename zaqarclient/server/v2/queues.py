"""v2 queue (and topic) resources: list, create, get, patch, delete, stats, purge."""

from __future__ import annotations

from typing import Any

from zaqarclient.server import views
from zaqarclient.server.context import Ctx
from zaqarclient.server.domain.errors import NoPoolFound, ValidationFailed
from zaqarclient.server.domain.patch import NotAPointer, parse_changes
from zaqarclient.server.domain.queues import PURGEABLE, FlavorDoesNotExist
from zaqarclient.server.domain.validation import page_limit
from zaqarclient.server.protocol import (
    HTTPError,
    ServerResponse,
    bad_request_api,
    bad_request_body,
    unavailable,
)
from zaqarclient.server.request import parse_json
from zaqarclient.server.storage.base import StorageError

PATCH_CT = "application/openstack-messaging-v2.0-json-patch"
_LIST_FIELDS = ("marker", "limit", "detailed", "name", "with_count")


def _filters(ctx: Ctx) -> dict[str, Any]:
    """Every unknown query parameter, as a metadata filter (ints compared as ints)."""
    q = ctx.query
    filters: dict[str, Any] = {}
    for key in q.names():
        if key in _LIST_FIELDS:
            continue
        value = q.value(key) or ""
        if isinstance(value, list):
            # Zaqar int()s every filter value first; a list (a repeated name or a
            # comma) raises a TypeError there, which it reports as a 500.
            raise HTTPError(
                500, "Internal server error",
                "int() argument must be a string, a bytes-like object or a real number, "
                "not 'list'",
            )
        try:
            filters[key] = int(value)
        except ValueError:
            filters[key] = value
    return filters


def list_queues(ctx: Ctx) -> ServerResponse:
    services = ctx.services
    topic = "topics" in ctx.path.rsplit("/", 1)[-1]
    q = ctx.query
    filters = _filters(ctx)
    marker = q.get("marker")
    limit = q.get_int("limit")
    detailed = q.get_bool("detailed")
    name = q.get("name")
    with_count = False if topic else bool(q.get_bool("with_count"))
    limit = page_limit(limit, services.config.max_queues_per_page, queue_style=True)
    try:
        page = services.queues.page(ctx.project, topic, marker, limit, name, filters, with_count)
    except StorageError:
        raise unavailable("Queues could not be listed.") from None
    items = []
    for rec in page.records:
        item: dict[str, Any] = {"name": rec.name}
        if detailed:
            item["metadata"] = services.queues.merged_metadata(rec.metadata, topic)
        item["href"] = f"{ctx.path}/{rec.name}"
        items.append(item)
    links = (
        [{"rel": "next", "href": q.next_href(ctx.path, page.records[-1].name)}] if items else []
    )
    doc: dict[str, Any] = {"topics" if topic else "queues": items, "links": links}
    if page.total:
        doc["count"] = page.total
    return ctx.json(200, doc)


def put_queue(ctx: Ctx) -> ServerResponse:
    queues = ctx.services.queues
    queues.check_metadata_size(ctx.clen)
    metadata: dict[str, Any] = {}
    if ctx.clen:
        doc = ctx.json_body()
        if not isinstance(doc, dict):
            raise bad_request_body("Document type not supported.")
        metadata = doc
    target = ctx.target
    try:
        created = queues.create(target, metadata)
    except (ValidationFailed, FlavorDoesNotExist) as exc:
        raise bad_request_api(str(exc)) from None
    except (NoPoolFound, StorageError):
        raise unavailable(f"{target.kind} could not be created.") from None
    return ctx.empty(201 if created else 204, location=ctx.path)


def get_queue(ctx: Ctx) -> ServerResponse:
    queues = ctx.services.queues
    target = ctx.target
    return ctx.json(200, queues.merged_metadata(queues.metadata(target), target.topic))


def delete_queue(ctx: Ctx) -> ServerResponse:
    ctx.services.queues.delete(ctx.target)
    return ctx.empty()


def patch_queue(ctx: Ctx) -> ServerResponse:
    queues = ctx.services.queues
    try:
        queues.check_metadata_size(ctx.clen)
    except ValidationFailed as exc:
        raise bad_request_body(str(exc)) from None
    if ctx.header("content-type") != PATCH_CT:
        raise HTTPError(
            415, "415 Unsupported Media Type",
            f"Accepted media type for PATCH: {{'Accept-Patch': '{PATCH_CT}'}}.",
        )
    if not ctx.clen:
        raise bad_request_body("PATCH body could not be empty for update.")
    changes = parse_json(ctx.body, ctx.clen)
    if not isinstance(changes, list):
        # Zaqar's sanitize() raises a non-HTTP error here, which it turns into a 503.
        raise unavailable("Request body could not be read.")
    try:
        ops = parse_changes(changes)
    except NotAPointer:
        # Zaqar turns any non-validation error of the patch into a 503.
        raise unavailable("Queue could not be updated.") from None
    try:
        meta = queues.patch(ctx.target, ops)
    except ValidationFailed as exc:
        raise bad_request_body(str(exc)) from None
    return ctx.json(200, meta)


def stats(ctx: Ctx) -> ServerResponse:
    target = ctx.target
    result = ctx.services.queues.stats(target)
    if target.topic:
        doc: dict[str, Any] = {"total": result.total}
    else:
        doc = {"claimed": result.claimed, "free": result.total - result.claimed,
               "total": result.total}
    where = ctx.base
    if result.total:
        if result.oldest is not None:
            doc["oldest"] = views.stat_entry(result.oldest, where)
        if result.newest is not None:
            doc["newest"] = views.stat_entry(result.newest, where)
    return ctx.json(200, {"messages": doc})


def purge(ctx: Ctx) -> ServerResponse:
    kinds = ["messages", "subscriptions"]
    if ctx.clen:
        doc = ctx.json_body()
        if not isinstance(doc, dict):
            raise bad_request_body("Document type not supported.")
        if "resource_types" not in doc:
            raise bad_request_api('Post body must contain key "resource_types".')
        kinds = doc["resource_types"]
        if not isinstance(kinds, list) or not set(kinds) <= PURGEABLE:
            raise bad_request_api(
                "Resource types must be a sub set of {'messages', 'subscriptions'}."
            )
    ctx.services.queues.purge(ctx.target, kinds)
    return ctx.empty()
