"""v2 admin resources: pools and flavors (catalogue records whose stores must answer)."""

from __future__ import annotations

from typing import Any

from zaqarclient.server.context import Ctx
from zaqarclient.server.pool_stores import can_connect, redacted
from zaqarclient.server.pooling import capabilities_match, flavor_capabilities
from zaqarclient.server.protocol import (
    HTTPError,
    ServerResponse,
    bad_request_body,
    conflict,
    not_found,
)
from zaqarclient.server.request import load_json
from zaqarclient.server.storage.base import Conflict, Flavor, Pool
from zaqarclient.server.validation import page_limit

_POOL_KEYS: dict[str, type] = {"uri": str, "weight": int, "flavor": str, "options": dict}


def schema_error(detail: str) -> HTTPError:
    # Zaqar's text is a Python repr of a jsonschema error; clients match on the status.
    return bad_request_body(detail)


def check_pool_field(key: str, value: Any) -> None:
    kind: type = _POOL_KEYS[key]
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        raise schema_error(f"{value!r} is not of type '{kind.__name__}'")
    if key == "weight" and not 0 <= value <= 2**32 - 1:
        raise schema_error(f"{value!r} is out of range for 'weight'")
    if key in ("uri", "flavor") and len(value) > 255:
        raise schema_error(f"{value!r} is too long")
    if key == "uri" and ":" not in value:
        raise schema_error(f"{value!r} is not a 'uri'")


def check_connection(ctx: Ctx, uri: str) -> None:
    """Zaqar's ``can_connect`` before a pool is stored (the password is not echoed)."""
    if not can_connect(uri, ctx.app.config.pool_connect_timeout):
        raise bad_request_body(f"cannot connect to {redacted(uri)}")


def load_object(ctx: Ctx) -> dict[str, Any]:
    doc = load_json(ctx.body)
    if not isinstance(doc, dict):
        raise schema_error(f"{doc!r} is not of type 'object'")
    return doc


def _pool_view(pool: Pool, href: str, detailed: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": pool.name, "uri": pool.uri, "weight": pool.weight,
                           "flavor": pool.flavor or None, "href": href}
    if detailed:
        doc["options"] = pool.options
    return doc


def list_pools(ctx: Ctx) -> ServerResponse:
    q = ctx.query
    marker = q.get("marker")
    limit = page_limit(q.get_int("limit"), ctx.app.config.max_pools_per_page, queue_style=True)
    detailed = bool(q.get_bool("detailed"))
    pools = ctx.app.storage.pool_list(marker, limit)
    items = [_pool_view(p, f"{ctx.path}/{p.name}", detailed) for p in pools]
    links = [{"rel": "next", "href": q.next_href(ctx.path, pools[-1].name)}] if pools else []
    location = ctx.path + ("?" + ctx.req.query if ctx.req.query else "")
    return ctx.json(200, {"links": links, "pools": items}, [("content-location", location)])


def pool_missing(name: str) -> HTTPError:
    return not_found(f"Pool {name} does not exist")


def get_pool(ctx: Ctx) -> ServerResponse:
    name = ctx.params["pool_name"]
    pool = ctx.app.storage.pool_get(name)
    if pool is None:
        raise pool_missing(name)
    return ctx.json(200, _pool_view(pool, ctx.path, bool(ctx.query.get_bool("detailed"))))


def put_pool(ctx: Ctx) -> ServerResponse:
    return store_pool(ctx, with_flavor=True)


def store_pool(ctx: Ctx, with_flavor: bool) -> ServerResponse:
    """Validate and register a pool; v1.1 (`with_flavor=False`) accepts `flavor` but drops it."""
    doc = load_object(ctx)
    for key in doc:
        if key not in _POOL_KEYS:
            raise schema_error(f"Additional properties are not allowed ({key!r} was unexpected)")
    for key in ("uri", "weight"):
        if key not in doc:
            raise schema_error(f"{key!r} is a required property")
    for key, value in doc.items():
        check_pool_field(key, value)
    check_connection(ctx, doc["uri"])
    flavor = doc.get("flavor") if with_flavor else None
    if not capabilities_match(ctx.app, doc["uri"], flavor):
        raise HTTPError(400, "Unable to create pool", "The pool being added does not support "
                                                      "the minimum set of capabilities")
    pool = Pool(ctx.params["pool_name"], doc["uri"], doc["weight"], flavor,
                doc.get("options", {}))
    try:
        ctx.app.storage.pool_put(pool)
    except Conflict as exc:
        raise conflict(str(exc)) from None
    return ctx.empty(201, location=ctx.path)


def patch_pool(ctx: Ctx) -> ServerResponse:
    name = ctx.params["pool_name"]
    doc = load_object(ctx)
    fields = [k for k in ("weight", "uri", "flavor", "options") if k in doc]
    if not fields:
        raise bad_request_body("One of `uri`, `weight`, `flavor`, or `options` needs to be "
                               "specified")
    for key in fields:
        check_pool_field(key, doc[key])
    if "uri" in doc:
        check_connection(ctx, doc["uri"])
    store = ctx.app.storage
    pool = store.pool_get(name)
    if pool is None:
        raise pool_missing(name)
    for key in fields:
        if doc[key] is not None:
            setattr(pool, key, doc[key])
    try:
        store.pool_put(pool)
    except Conflict as exc:
        raise conflict(str(exc)) from None
    return ctx.json(200, _pool_view(pool, ctx.path, False))


def delete_pool(ctx: Ctx) -> ServerResponse:
    store = ctx.app.storage
    pool = store.pool_get(ctx.params["pool_name"])
    # MongoDB's catalogue refuses only to remove the last pool of a flavor.
    if pool is not None and pool.flavor and _pools_of(ctx, pool.flavor) == [pool.name]:
        raise HTTPError(403, "Unable to delete",
                        f"This pool is used by flavors {pool.flavor}; It cannot be deleted.")
    store.pool_delete(ctx.params["pool_name"])
    return ctx.empty()


# ----------------------------------------------------------------------- flavors

def _pools_of(ctx: Ctx, flavor: str) -> list[str]:
    return [p.name for p in ctx.app.storage.pool_list(None, 10**9) if p.flavor == flavor]


def _flavor_view(ctx: Ctx, flavor: Flavor, href: str, detailed: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": flavor.name, "href": href,
                           "pool_list": _pools_of(ctx, flavor.name)}
    if detailed:
        doc["capabilities"] = flavor_capabilities(ctx.app, flavor.name)
    return doc


def list_flavors(ctx: Ctx) -> ServerResponse:
    q = ctx.query
    marker = q.get("marker")
    limit = page_limit(q.get_int("limit"), ctx.app.config.max_flavors_per_page, queue_style=True)
    detailed = q.get_bool("detailed")
    flavors = ctx.app.storage.flavor_list(ctx.project, marker, limit)
    items = [_flavor_view(ctx, f, f"{ctx.path}/{f.name}", bool(detailed)) for f in flavors]
    links = []
    if flavors:
        # Zaqar's order: the marker and limit given, the new marker, then `detailed`.
        store: dict[str, Any] = {}
        if marker is not None:
            store["marker"] = marker
        if q.get("limit") is not None:
            store["limit"] = limit
        store["marker"] = flavors[-1].name
        if detailed is not None:
            store["detailed"] = "true" if detailed else "false"
        query = "&".join(f"{key}={value}" for key, value in store.items())
        links = [{"rel": "next", "href": f"{ctx.path}?{query}"}]
    return ctx.json(200, {"links": links, "flavors": items})


def get_flavor(ctx: Ctx) -> ServerResponse:
    name = ctx.params["flavor_name"]
    flavor = ctx.app.storage.flavor_get(ctx.project, name)
    if flavor is None:
        raise not_found(f"Flavor {name} does not exist")
    return ctx.json(200, _flavor_view(ctx, flavor, ctx.path, True))


def _pool_list(ctx: Ctx, doc: dict[str, Any], title: str) -> list[str]:
    pools = doc["pool_list"]
    if not isinstance(pools, list) or not all(isinstance(p, str) for p in pools):
        raise schema_error(f"{pools!r} is not of type 'array'")
    if not pools:
        raise HTTPError(400, "Unable to create", "Bad Request", headers=[("location", ctx.path)])
    for name in pools:
        if ctx.app.storage.pool_get(name) is None:
            verb = "could not be created" if title == "Unable to create" else "cant be updated"
            raise HTTPError(400, title, f"Flavor {ctx.params['flavor_name']} {verb}, "
                                        f"error:Pool {name} does not exist")
    return pools


def _assign(ctx: Ctx, flavor: str, pools: list[str]) -> None:
    store = ctx.app.storage
    for pool in store.pool_list(None, 10**9):
        wanted = flavor if pool.name in pools else (None if pool.flavor == flavor else pool.flavor)
        if wanted != pool.flavor:
            pool.flavor = wanted
            store.pool_put(pool)


def put_flavor(ctx: Ctx) -> ServerResponse:
    doc = load_object(ctx)
    for key in doc:
        if key not in ("pool_list", "capabilities"):
            raise schema_error(f"Additional properties are not allowed ({key!r} was unexpected)")
    if "pool_list" not in doc:
        raise schema_error("'pool_list' is a required property")
    pools = _pool_list(ctx, doc, "Unable to create")
    name = ctx.params["flavor_name"]
    ctx.app.storage.flavor_put(Flavor(ctx.project, name, pools, doc.get("capabilities") or {}))
    _assign(ctx, name, pools)
    return ctx.empty(201, location=ctx.path)


def patch_flavor(ctx: Ctx) -> ServerResponse:
    doc = load_object(ctx)
    if "pool_list" not in doc:
        raise bad_request_body("`pool_list` needs to be specified")
    name = ctx.params["flavor_name"]
    pools_raw = doc["pool_list"]
    if isinstance(pools_raw, list) and not pools_raw:
        raise HTTPError(400, "Unable to create", "Bad Request", headers=[("location", ctx.path)])
    store = ctx.app.storage
    flavor = store.flavor_get(ctx.project, name)
    if flavor is None:
        raise not_found(f"Flavor {name} does not exist")
    pools = _pool_list(ctx, doc, "updatefail")
    flavor.pool_list = pools
    store.flavor_put(flavor)
    _assign(ctx, name, pools)
    return ctx.json(200, {"name": name, "pool_list": pools,
                          "capabilities": flavor_capabilities(ctx.app, name), "href": ctx.path})


def delete_flavor(ctx: Ctx) -> ServerResponse:
    name = ctx.params["flavor_name"]
    _assign(ctx, name, [])
    ctx.app.storage.flavor_delete(ctx.project, name)
    return ctx.empty()
