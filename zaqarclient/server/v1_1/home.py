"""The v1.1 JSON-Home document: fewer rels than v2, `/v1.1/` hrefs."""

from __future__ import annotations

import functools
from typing import Any

from zaqarclient.server.context import Ctx
from zaqarclient.server.protocol import ServerResponse, dumps
from zaqarclient.server.v2.home import hints, home_response, resource

_Q = "/v1.1/queues/{queue_name}"
_CLAIM = {"claim_id": "claim_id"}
# No share, purge, message_get or subscription rels; `rel/queue` omits GET although
# the route answers it.
_RELS: list[tuple[str, str, dict[str, str], list[str], bool]] = [
    ("queues", "/v1.1/queues{?marker,limit,detailed}",
     {"marker": "marker", "limit": "queue_limit", "detailed": "detailed"}, ["GET"], False),
    ("queue", _Q, {}, ["PUT", "DELETE"], False),
    ("queue_stats", _Q + "/stats", {}, ["GET"], False),
    ("messages", _Q + "/messages{?marker,limit,echo,include_claimed}",
     {"marker": "marker", "limit": "messages_limit", "echo": "echo",
      "include_claimed": "include_claimed"}, ["GET"], False),
    ("post_messages", _Q + "/messages", {}, ["POST"], True),
    ("messages_delete", _Q + "/messages{?ids,pop}", {"ids": "ids", "pop": "pop"},
     ["DELETE"], False),
    ("message_delete", _Q + "/messages/{message_id}{?claim}",
     {"message_id": "message_id", "claim": "claim_id"}, ["DELETE"], False),
    ("claim", _Q + "/claims/{claim_id}", _CLAIM, ["GET"], False),
    ("post_claim", _Q + "/claims{?limit}", {"limit": "claim_limit"}, ["POST"], True),
    ("patch_claim", _Q + "/claims/{claim_id}", _CLAIM, ["PATCH"], True),
    ("delete_claim", _Q + "/claims/{claim_id}", _CLAIM, ["DELETE"], False),
]
_ADMIN_RELS: list[tuple[str, str, dict[str, str], list[str], bool]] = [
    ("pools", "/v1.1/pools{?detailed,limit,marker}",
     {"detailed": "detailed", "limit": "pool_limit", "marker": "marker"}, ["GET"], False),
    ("pool", "/v1.1/pools/{pool_name}", {"pool_name": "pool_name"},
     ["GET", "PUT", "PATCH", "DELETE"], False),
    ("flavors", "/v1.1/flavors{?detailed,limit,marker}",
     {"detailed": "detailed", "limit": "flavor_limit", "marker": "marker"}, ["GET"], False),
    ("flavor", "/v1.1/flavors/{flavor_name}", {"flavor_name": "flavor_name"},
     ["GET", "PUT", "PATCH", "DELETE"], False),
]


@functools.cache
def build_home(admin: bool) -> bytes:
    resources: dict[str, Any] = {
        "rel/" + rel: resource(template, params, allow, post)
        for rel, template, params, allow, post in _RELS
    }
    resources["rel/ping"] = {"href-template": "/v1.1/ping", "hints": hints(["GET"], False)}
    if admin:
        for rel, template, params, allow, post in _ADMIN_RELS:
            resources["rel/" + rel] = resource(template, params, allow, post)
        resources["rel/health"] = {"href": "/v1.1/health", "hints": hints(["GET"], False)}
    return dumps({"resources": resources})


def home(ctx: Ctx) -> ServerResponse:
    return home_response(build_home(ctx.services.config.admin_mode))
