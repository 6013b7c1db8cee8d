"""v2 queue (and topic) resources: list, create, get, patch, delete, stats, purge."""

from __future__ import annotations

import re
from typing import Any

from zaqarclient.server import views
from zaqarclient.server.context import Ctx
from zaqarclient.server.name_filter import InvalidNameFilter, compile_name_filter
from zaqarclient.server.pooling import NoPoolFound, check_queue_placement
from zaqarclient.server.protocol import (
    HTTPError,
    ServerResponse,
    bad_request_api,
    bad_request_body,
    conflict,
    not_found,
    unavailable,
)
from zaqarclient.server.request import parse_json
from zaqarclient.server.storage.base import StorageError, topic_scope
from zaqarclient.server.v2.common import base, is_topic, scope
from zaqarclient.server.validation import check_queue_metadata, page_limit

PATCH_CT = "application/openstack-messaging-v2.0-json-patch"
_LIST_FIELDS = ("marker", "limit", "detailed", "name", "with_count")
_OPS = ("add", "remove", "replace")



def _does_not_exist(ctx: Ctx) -> HTTPError:
    """Zaqar's storage text for a missing queue, or topic on the topic routes."""
    kind = "Topic" if is_topic(ctx) else "Queue"
    return not_found(f"{kind} {ctx.queue} does not exist for project {ctx.project}")

def list_queues(ctx: Ctx) -> ServerResponse:
    topic = "topics" in ctx.path.rsplit("/", 1)[-1]
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
    marker = q.get("marker")
    limit = q.get_int("limit")
    detailed = q.get_bool("detailed")
    name = q.get("name")
    with_count = False if topic else q.get_bool("with_count")
    limit = page_limit(limit, ctx.app.config.max_queues_per_page, queue_style=True)
    try:
        name_filter = compile_name_filter(name) if name else None
    except InvalidNameFilter as exc:
        raise bad_request_api(str(exc)) from None
    store = ctx.app.storage
    scope_ = topic_scope(ctx.project) if topic else ctx.project
    try:
        records = store.queue_list(scope_, marker, limit, name_filter, filters)
        count = store.queue_count(scope_) if with_count else 0
    except StorageError:
        raise unavailable("Queues could not be listed.") from None
    items = []
    for rec in records:
        item: dict[str, Any] = {"name": rec.name}
        if detailed:
            item["metadata"] = views.merged_metadata(rec.metadata, ctx.app.config, topic)
        item["href"] = f"{ctx.path}/{rec.name}"
        items.append(item)
    links = [{"rel": "next", "href": q.next_href(ctx.path, records[-1].name)}] if items else []
    key = "topics" if topic else "queues"
    doc: dict[str, Any] = {key: items, "links": links}
    if count:
        doc["count"] = count
    return ctx.json(200, doc)


def put_queue(ctx: Ctx) -> ServerResponse:
    config = ctx.app.config
    if ctx.clen is not None and ctx.clen > config.max_queue_metadata:
        raise bad_request_api(f"Queue metadata is too large. Max size: {config.max_queue_metadata}")
    metadata: dict[str, Any] = {}
    if ctx.clen:
        doc = ctx.json_body()
        if not isinstance(doc, dict):
            raise bad_request_body("Document type not supported.")
        metadata = doc
    try:
        check_queue_metadata(metadata, config)
    except ValueError as exc:
        raise bad_request_api(str(exc)) from None
    flavor = metadata.get("_flavor")
    kind = "Topic" if is_topic(ctx) else "Queue"
    store = ctx.app.storage
    # Zaqar's pooled queue (and topic) controller registers it in the catalogue.
    if config.pooling and flavor is not None and store.flavor_get(ctx.project, str(flavor)) is None:
        raise bad_request_api(f"Flavor {flavor} does not exist")
    if config.pooling and store.queue_get(scope(ctx), ctx.queue) is None:
        try:
            check_queue_placement(ctx.app, None if flavor is None else str(flavor))
        except NoPoolFound:
            raise unavailable(f"{kind} could not be created.") from None
    try:
        created = store.queue_create(scope(ctx), ctx.queue, metadata)
    except StorageError:
        raise unavailable(f"{kind} could not be created.") from None
    return ctx.empty(201 if created else 204, location=ctx.path)


def get_queue(ctx: Ctx) -> ServerResponse:
    meta = ctx.app.storage.queue_get(scope(ctx), ctx.queue)
    return ctx.json(200, views.merged_metadata(meta, ctx.app.config, is_topic(ctx)))


def delete_queue(ctx: Ctx) -> ServerResponse:
    ctx.app.storage.queue_delete(scope(ctx), ctx.queue)
    return ctx.empty()


def _pointer(path: Any) -> list[str]:
    """Zaqar's limited JSON pointer; a non-string path fails with a non-validation error."""
    if not isinstance(path, str):
        raise TypeError(f"pointer {path!r} is not a string")
    if not path.startswith("/"):
        raise ValueError(f'Pointer `{path}` does not start with "/".')
    if re.search(r"/\s*?/", path[1:]):
        raise ValueError(f'Pointer `{path}` contains adjacent "/".')
    if len(path) > 1 and path.endswith("/"):
        raise ValueError(f'Pointer `{path}` end with "/".')
    if path[1:].strip() == "/":
        raise ValueError(f"Pointer `{path}` does not contains valid token.")
    if re.search(r"~[^01]", path) or path.endswith("~"):
        raise ValueError(
            f'Pointer `{path}` contains "~" not part of a recognized escape sequence.'
        )
    return [p.replace("~1", "/").replace("~0", "~").strip() for p in path.lstrip("/").split("/")]


def _parse_changes(changes: list[Any]) -> list[tuple[str, str, Any]]:
    out = []
    for raw in changes:
        if not isinstance(raw, dict):
            raise ValueError("Operations must be JSON objects.")
        op = raw.get("op")
        if op is None:
            raise ValueError(
                "Unable to find `op` in JSON Schema change. It must be one of the following: "
                "add, remove, replace."
            )
        if op not in _OPS:
            raise ValueError(
                f"Invalid operation: `{op}`. It must be one of the following: "
                "add, remove, replace."
            )
        if "path" not in raw:
            raise ValueError("Unable to find 'path' in JSON Schema change")
        path = _pointer(raw["path"])
        if len(path) != 2:
            raise ValueError(
                f"Invalid JSON pointer for this resource: '/{'/'.join(path)}, e.g /metadata/key'"
            )
        value = None
        if op != "remove":
            if "value" not in raw:
                raise ValueError(f'Operation "{op}" requires a member named "value".')
            value = raw["value"]
            if path[0].lower() != "metadata":
                raise ValueError("The root of path must be metadata, e.g /metadata/key.")
        out.append((op, path[1], value))
    return out


def patch_queue(ctx: Ctx) -> ServerResponse:
    config = ctx.app.config
    if ctx.clen is not None and ctx.clen > config.max_queue_metadata:
        raise bad_request_body(
            f"Queue metadata is too large. Max size: {config.max_queue_metadata}"
        )
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
        ops = _parse_changes(changes)
    except ValueError as exc:
        raise bad_request_body(str(exc)) from None
    except TypeError:
        # Zaqar turns any non-validation error of the patch into a 503.
        raise unavailable("Queue could not be updated.") from None
    store = ctx.app.storage
    meta = store.queue_get(scope(ctx), ctx.queue)
    if meta is None:
        raise _does_not_exist(ctx)
    reserved = views.reserved_defaults(config)
    for op, key, value in ops:
        if op == "add":
            meta[key] = value
        elif op == "replace":
            if key not in meta and key not in reserved:
                raise conflict(f"Can't replace non-existent object {key}.")
            meta[key] = value
        elif key in meta:
            del meta[key]
        elif key not in reserved:
            raise conflict(f"Can't remove non-existent object {key}.")
    try:
        check_queue_metadata(meta, config)
    except ValueError as exc:
        raise bad_request_body(str(exc)) from None
    try:
        store.queue_set_metadata(scope(ctx), ctx.queue, meta)
    except StorageError:
        raise _does_not_exist(ctx) from None
    return ctx.json(200, views.merged_metadata(meta, config, is_topic(ctx)))


def stats(ctx: Ctx) -> ServerResponse:
    result = ctx.app.storage.queue_stats(scope(ctx), ctx.queue)
    if is_topic(ctx):
        doc: dict[str, Any] = {"total": result.total}
    else:
        doc = {"claimed": result.claimed, "free": result.total - result.claimed,
               "total": result.total}
    where = base(ctx)
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
        if not isinstance(kinds, list) or not set(kinds) <= {"messages", "subscriptions"}:
            raise bad_request_api(
                "Resource types must be a sub set of {'messages', 'subscriptions'}."
            )
    store = ctx.app.storage
    if "messages" in kinds:
        while store.message_pop(scope(ctx), ctx.queue, 100):
            pass
    if "subscriptions" in kinds:
        # Zaqar deletes only the first page (10) of subscriptions.
        for sub in store.subscription_list(scope(ctx), ctx.queue, None, 10):
            store.subscription_delete(scope(ctx), ctx.queue, sub.id)
    return ctx.empty()
