"""v2 admin resources: pools and flavors (catalogue records whose stores must answer)."""

from __future__ import annotations

from typing import Any

from zaqarclient.server.context import Ctx
from zaqarclient.server.domain.catalogue import (
    EmptyPoolList,
    PoolInUse,
    UnknownPool,
    UnsupportedPool,
    check_object,
)
from zaqarclient.server.domain.validation import page_limit
from zaqarclient.server.protocol import HTTPError, ServerResponse, bad_request_body
from zaqarclient.server.request import load_json
from zaqarclient.server.storage.base import Flavor, Pool

# The fields a PATCH may change, in the order Zaqar reads them.
PATCH_FIELDS = ("weight", "uri", "flavor", "options")


def load_object(ctx: Ctx) -> dict[str, Any]:
    """The body as a JSON object (the catalogue's parse texts)."""
    return check_object(load_json(ctx.body))


def pool_view(pool: Pool, href: str, detailed: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": pool.name, "uri": pool.uri, "weight": pool.weight,
                           "flavor": pool.flavor or None, "href": href}
    if detailed:
        doc["options"] = pool.options
    return doc


def list_pools(ctx: Ctx) -> ServerResponse:
    services = ctx.services
    q = ctx.query
    marker = q.get("marker")
    limit = page_limit(q.get_int("limit"), services.config.max_pools_per_page, queue_style=True)
    detailed = bool(q.get_bool("detailed"))
    pools = services.catalogue.list_pools(marker, limit)
    return pool_listing(ctx, pools, detailed)


def pool_listing(ctx: Ctx, pools: list[Pool], detailed: bool) -> ServerResponse:
    """A page of pools with its `next` link and Content-Location (v2 and v1.1 alike)."""
    q = ctx.query
    items = [pool_view(p, f"{ctx.path}/{p.name}", detailed) for p in pools]
    links = [{"rel": "next", "href": q.next_href(ctx.path, pools[-1].name)}] if pools else []
    location = ctx.path + ("?" + ctx.req.query if ctx.req.query else "")
    return ctx.json(200, {"links": links, "pools": items}, [("content-location", location)])


def get_pool(ctx: Ctx) -> ServerResponse:
    pool = ctx.services.catalogue.get_pool(ctx.params["pool_name"])
    return ctx.json(200, pool_view(pool, ctx.path, bool(ctx.query.get_bool("detailed"))))


def put_pool(ctx: Ctx) -> ServerResponse:
    return store_pool(ctx, with_flavor=True)


def store_pool(ctx: Ctx, with_flavor: bool) -> ServerResponse:
    """Validate and register a pool; v1.1 (`with_flavor=False`) accepts `flavor` but drops it."""
    doc = load_object(ctx)
    try:
        ctx.services.catalogue.put_pool(ctx.params["pool_name"], doc, with_flavor)
    except UnsupportedPool as err:
        raise HTTPError(400, "Unable to create pool", err.text) from None
    return ctx.empty(201, location=ctx.path)


def patch_pool(ctx: Ctx) -> ServerResponse:
    doc = load_object(ctx)
    pool = ctx.services.catalogue.patch_pool(ctx.params["pool_name"], doc, PATCH_FIELDS)
    if pool is None:
        raise bad_request_body("One of `uri`, `weight`, `flavor`, or `options` needs to be "
                               "specified")
    return ctx.json(200, pool_view(pool, ctx.path, False))


def delete_pool(ctx: Ctx) -> ServerResponse:
    try:
        ctx.services.catalogue.delete_pool(ctx.params["pool_name"])
    except PoolInUse as err:
        raise HTTPError(403, "Unable to delete", err.text) from None
    return ctx.empty()


# ----------------------------------------------------------------------- flavors

def _flavor_view(ctx: Ctx, flavor: Flavor, href: str, detailed: bool) -> dict[str, Any]:
    catalogue = ctx.services.catalogue
    doc: dict[str, Any] = {"name": flavor.name, "href": href,
                           "pool_list": catalogue.pools_of(flavor.name)}
    if detailed:
        doc["capabilities"] = catalogue.capabilities(flavor.name)
    return doc


def list_flavors(ctx: Ctx) -> ServerResponse:
    services = ctx.services
    q = ctx.query
    marker = q.get("marker")
    limit = page_limit(q.get_int("limit"), services.config.max_flavors_per_page,
                       queue_style=True)
    detailed = q.get_bool("detailed")
    flavors = services.catalogue.list_flavors(ctx.project, marker, limit)
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
    flavor = ctx.services.catalogue.get_flavor(ctx.project, ctx.params["flavor_name"])
    return ctx.json(200, _flavor_view(ctx, flavor, ctx.path, True))


def _pool_list_refused(ctx: Ctx, err: EmptyPoolList | UnknownPool, title: str) -> HTTPError:
    if isinstance(err, EmptyPoolList):
        return HTTPError(400, "Unable to create", err.text, headers=[("location", ctx.path)])
    return HTTPError(400, title, err.text)


def put_flavor(ctx: Ctx) -> ServerResponse:
    doc = load_object(ctx)
    try:
        ctx.services.catalogue.put_flavor(ctx.project, ctx.params["flavor_name"], doc)
    except (EmptyPoolList, UnknownPool) as err:
        raise _pool_list_refused(ctx, err, "Unable to create") from None
    return ctx.empty(201, location=ctx.path)


def patch_flavor(ctx: Ctx) -> ServerResponse:
    catalogue = ctx.services.catalogue
    name = ctx.params["flavor_name"]
    doc = load_object(ctx)
    try:
        pools = catalogue.patch_flavor(ctx.project, name, doc)
    except (EmptyPoolList, UnknownPool) as err:
        raise _pool_list_refused(ctx, err, "updatefail") from None
    return ctx.json(200, {"name": name, "pool_list": pools,
                          "capabilities": catalogue.capabilities(name), "href": ctx.path})


def delete_flavor(ctx: Ctx) -> ServerResponse:
    ctx.services.catalogue.delete_flavor(ctx.project, ctx.params["flavor_name"])
    return ctx.empty()
