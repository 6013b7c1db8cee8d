"""API v1.1: the operations it has, and why the others are missing."""

from __future__ import annotations

from zaqarclient.queues.v2 import api as v2
from zaqarclient.transport.routes import Api

_NOT_IN_V1_1 = {
    "queue_update": "queue metadata is set only when the queue is created (no PATCH); use API v2",
    "queue_purge": "purge arrived in API v2",
    "signed_url_create": "pre-signed URLs (share) arrived in API v2",
    "subscription_list": "subscriptions arrived in API v2",
    "subscription_create": "subscriptions arrived in API v2",
    "subscription_get": "subscriptions arrived in API v2",
    "subscription_update": "subscriptions arrived in API v2",
    "subscription_delete": "subscriptions arrived in API v2",
    "subscription_confirm": "subscriptions arrived in API v2",
}

ROUTES = {
    name: route
    for name, route in v2.ROUTES.items()
    if name not in _NOT_IN_V1_1 and not name.startswith("topic")
}

V1_1 = Api(
    label="v1.1",
    version="1.1",
    routes=ROUTES,
    missing={
        **_NOT_IN_V1_1,
        **{name: "topics exist only in API v2" for name in v2.ROUTES if name.startswith("topic")},
    },
)
