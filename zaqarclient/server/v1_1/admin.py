"""v1.1 pools and flavors, as the final v1.1 code (Zaqar <= 21.x) serves them.

Pools behave as in v2 except that listing does not validate `limit`, PUT drops
`flavor` and PATCH answers 200 with an empty body. Where the catalogue drivers
differ (list limits), MongoDB's behaviour is followed. Flavors are broken there and
are reproduced as such: PUT without `capabilities` is a 500, and PATCH checks
the characters of the string "capabilities" instead of the key, so it nearly
always answers 400.
"""

from __future__ import annotations

from typing import Any

from zaqarclient.server.context import Ctx
from zaqarclient.server.domain.catalogue import schema_error
from zaqarclient.server.protocol import HTTPError, ServerResponse, bad_request_body
from zaqarclient.server.storage.base import Flavor
from zaqarclient.server.v2.admin import load_object, pool_listing, store_pool

_DEFAULT_LIMIT = 10
# The fields a v1.1 PATCH may change (no flavor), in the order Zaqar reads them.
_PATCH_FIELDS = ("weight", "uri", "options")


def _key_error(key: str) -> HTTPError:
    # What falcon makes of Zaqar's KeyError: the str() of the exception.
    return HTTPError(500, "Internal server error", repr(key))


def _limit(ctx: Ctx) -> int:
    # No listing validation in v1.1: the storage default is 10 and any integer goes
    # to the catalogue. MongoDB's (pymongo's) rule is followed: 0 is no limit and a
    # negative limit returns one batch of abs(limit) entries. (The SQLAlchemy
    # catalogue treats every limit <= 0 as no limit.)
    limit = ctx.query.get_int("limit")
    if limit is None:
        return _DEFAULT_LIMIT
    return abs(limit) if limit else 10**9


def list_pools(ctx: Ctx) -> ServerResponse:
    q = ctx.query
    marker = q.get("marker")
    limit = _limit(ctx)
    detailed = bool(q.get_bool("detailed"))
    return pool_listing(ctx, ctx.services.catalogue.list_pools(marker, limit), detailed)


def put_pool(ctx: Ctx) -> ServerResponse:
    return store_pool(ctx, with_flavor=False)


def patch_pool(ctx: Ctx) -> ServerResponse:
    doc = load_object(ctx)
    if ctx.services.catalogue.patch_pool(ctx.params["pool_name"], doc, _PATCH_FIELDS) is None:
        raise bad_request_body("One of `uri`, `weight`,or `options` needs to be specified")
    return ctx.empty(200)


def _flavor_view(flavor: Flavor, href: str, detailed: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": flavor.name}
    if detailed:
        doc["capabilities"] = flavor.capabilities or {}
    doc["href"] = href
    return doc


def list_flavors(ctx: Ctx) -> ServerResponse:
    q = ctx.query
    marker = q.get("marker")
    limit = _limit(ctx)
    detailed = bool(q.get_bool("detailed"))
    flavors = ctx.services.catalogue.list_flavors(ctx.project, marker, limit)
    items = [_flavor_view(f, f"{ctx.path}/{f.name}", detailed) for f in flavors]
    links = (
        [{"rel": "next", "href": q.next_href(ctx.path, flavors[-1].name)}] if flavors else []
    )
    return ctx.json(200, {"links": links, "flavors": items})


def get_flavor(ctx: Ctx) -> ServerResponse:
    detailed = bool(ctx.query.get_bool("detailed"))
    flavor = ctx.services.catalogue.get_flavor(ctx.project, ctx.params["flavor_name"])
    return ctx.json(200, _flavor_view(flavor, ctx.path, detailed))


def put_flavor(ctx: Ctx) -> ServerResponse:
    doc = load_object(ctx)
    capabilities = doc.get("capabilities")
    if "capabilities" in doc and not isinstance(capabilities, dict):
        raise schema_error(f"{capabilities!r} is not of type 'object'")
    if capabilities is None:
        raise _key_error("capabilities")  # Zaqar reads data['capabilities'] unconditionally
    catalogue = ctx.services.catalogue
    name = ctx.params["flavor_name"]
    existing = catalogue.find_flavor(ctx.project, name)
    pools = existing.pool_list if existing is not None else []
    catalogue.store_flavor(Flavor(ctx.project, name, pools, capabilities))
    return ctx.empty(201, location=ctx.path)


def patch_flavor(ctx: Ctx) -> ServerResponse:
    doc = load_object(ctx)
    if any(char in doc for char in "capabilities"):
        # A one-letter key passes the check, then the validator lookup of the first
        # "field", the letter c, fails.
        raise _key_error("c")
    raise bad_request_body("`capabilities` needs to be specified")


def delete_flavor(ctx: Ctx) -> ServerResponse:
    ctx.services.catalogue.delete_flavor(ctx.project, ctx.params["flavor_name"], unassign=False)
    return ctx.empty()
