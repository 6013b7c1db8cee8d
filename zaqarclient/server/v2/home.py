"""The versions document (`GET /`), the v2 JSON-Home document and ping/health."""

from __future__ import annotations

import functools
from typing import Any

from zaqarclient.server.config import Config
from zaqarclient.server.context import Ctx
from zaqarclient.server.domain.placement import HealthUnavailable
from zaqarclient.server.protocol import JSON_CT, JSON_HOME_CT, ServerResponse, dumps, unavailable

_V2 = {
    "id": "2", "status": "CURRENT", "updated": "2014-9-24T04:06:47Z",
    "media-types": [{"base": "application/json",
                     "type": "application/vnd.openstack.messaging-v2+json"}],
    "links": [{"href": "/v2/", "rel": "self"}],
}
_V11 = {
    "id": "1.1", "status": "DEPRECATED", "updated": "2016-7-29T02:22:47Z",
    "media-types": [{"base": "application/json",
                     "type": "application/vnd.openstack.messaging-v1_1+json"}],
    "links": [{"href": "/v1.1/", "rel": "self"}],
}
# rel, template, {var: param}, allow, accepts POST bodies
Rel = tuple[str, str, dict[str, str], list[str], bool]
_Q = "/v2/queues/{queue_name}"
_RELS: list[Rel] = [
    ("queues", "/v2/queues{?marker,limit,detailed}",
     {"marker": "marker", "limit": "queue_limit", "detailed": "detailed"}, ["GET"], False),
    ("queue", _Q, {}, ["GET", "PUT", "DELETE", "PATCH"], False),
    ("queue_stats", _Q + "/stats", {}, ["GET"], False),
    ("queue_share", _Q + "/share", {}, ["POST"], True),
    ("queue_purge", _Q + "/purge", {}, ["POST"], True),
    ("messages", _Q + "/messages{?marker,limit,echo,include_claimed}",
     {"marker": "marker", "limit": "messages_limit", "echo": "echo",
      "include_claimed": "include_claimed"}, ["GET"], False),
    ("post_messages", _Q + "/messages", {}, ["POST"], True),
    ("messages_delete", _Q + "/messages{?ids,pop}", {"ids": "ids", "pop": "pop"},
     ["DELETE"], False),
    ("message_delete", _Q + "/messages/{message_id}{?claim}",
     {"message_id": "message_id", "claim": "claim_id"}, ["DELETE"], False),
    ("message_get", _Q + "/messages/{message_id}", {"message_id": "message_id"}, ["GET"], False),
    ("claim", _Q + "/claims/{claim_id}", {"claim_id": "claim_id"}, ["GET"], False),
    ("post_claim", _Q + "/claims{?limit}", {"limit": "claim_limit"}, ["POST"], True),
    ("patch_claim", _Q + "/claims/{claim_id}", {"claim_id": "claim_id"}, ["PATCH"], True),
    ("delete_claim", _Q + "/claims/{claim_id}", {"claim_id": "claim_id"}, ["DELETE"], False),
    ("subscriptions_get", _Q + "/subscriptions{?marker,limit}",
     {"marker": "marker", "limit": "subscription_limit"}, ["GET"], False),
    ("subscriptions_post", _Q + "/subscriptions", {"limit": "subscription_limit"},
     ["POST"], True),
    ("subscription", _Q + "/subscriptions/{subscriptions_id}",
     {"subscriptions_id": "subscriptions_id"}, ["GET", "DELETE"], False),
    ("subscription_patch", _Q + "/subscriptions/{subscriptions_id}",
     {"subscriptions_id": "subscriptions_id"}, ["PATCH"], True),
]
_ADMIN_RELS: list[Rel] = [
    ("pools", "/v2/pools{?detailed,limit,marker}",
     {"detailed": "detailed", "limit": "pool_limit", "marker": "marker"}, ["GET"], False),
    ("pool", "/v2/pools/{pool_name}", {"pool_name": "pool_name"},
     ["GET", "PUT", "PATCH", "DELETE"], False),
    ("flavors", "/v2/flavors{?detailed,limit,marker}",
     {"detailed": "detailed", "limit": "flavor_limit", "marker": "marker"}, ["GET"], False),
    ("flavor", "/v2/flavors/{flavor_name}", {"flavor_name": "flavor_name"},
     ["GET", "PUT", "PATCH", "DELETE"], False),
]


def hints(allow: list[str], post: bool) -> dict[str, Any]:
    hints: dict[str, Any] = {"allow": allow, "formats": {"application/json": {}}}
    if post:
        hints["accept-post"] = ["application/json"]
    return hints


def resource(template: str, params: dict[str, str], allow: list[str], post: bool) -> Any:
    """One JSON-Home entry with `href-template`, `href-vars` and hints."""
    href_vars = {"queue_name": "param/queue_name"} if "{queue_name}" in template else {}
    href_vars.update({k: "param/" + v for k, v in params.items()})
    return {"href-template": template, "href-vars": href_vars, "hints": hints(allow, post)}


@functools.cache
def build_home(admin: bool) -> bytes:
    resources: dict[str, Any] = {}
    rels = _RELS + (_ADMIN_RELS if admin else [])
    for rel, template, params, allow, post in rels:
        resources["rel/" + rel] = resource(template, params, allow, post)
        if rel == "subscription_patch":
            resources["rel/ping"] = {"href-template": "/v2/ping", "hints": hints(["GET"], False)}
    if admin:
        resources["rel/health"] = {"href": "/v2/health", "hints": hints(["GET"], False)}
    return dumps({"resources": resources})


def versions(config: Config) -> ServerResponse:
    """``GET /``: the API versions this server enables (a 300, as Zaqar answers)."""
    docs = [_V11, _V2] if config.enable_v1_1 else [_V2]
    return ServerResponse(300, [("content-type", JSON_CT)], dumps({"versions": docs}))


def home_response(body: bytes) -> ServerResponse:
    """A JSON-Home answer (v2 and v1.1 alike)."""
    return ServerResponse(
        200, [("content-type", JSON_HOME_CT), ("cache-control", "max-age=86400")], body
    )


def home(ctx: Ctx) -> ServerResponse:
    return home_response(build_home(ctx.services.config.admin_mode))


def ping(ctx: Ctx) -> ServerResponse:
    return ctx.empty(204 if ctx.services.storage.ping() else 503)


def ping_head(ctx: Ctx) -> ServerResponse:
    return ctx.empty(204)


def health(ctx: Ctx) -> ServerResponse:
    try:
        return ctx.json(200, ctx.services.placement.health())
    except HealthUnavailable:
        raise unavailable("Health status could not be read.") from None
