"""API v2: every operation and its HTTP route."""

from __future__ import annotations

from zaqarclient.transport.routes import JSON_PATCH, Api, Route

_Q = "queues/{queue_name}"
_T = "topics/{topic_name}"


def _resource_routes(prefix: str, collection: str, item: str) -> dict[str, Route]:
    """The routes queues and topics share (topics mirror queues on the server)."""
    return {
        f"{prefix}_list": Route("GET", collection),
        f"{prefix}_create": Route("PUT", item),
        f"{prefix}_get": Route("GET", item),
        f"{prefix}_update": Route("PATCH", item, content_type=JSON_PATCH),
        f"{prefix}_delete": Route("DELETE", item),
        f"{prefix}_get_stats": Route("GET", f"{item}/stats"),
        f"{prefix}_purge": Route("POST", f"{item}/purge"),
    }


def _crud(prefix: str, collection: str, item: str, create: str = "PUT") -> dict[str, Route]:
    return {
        f"{prefix}_list": Route("GET", collection),
        f"{prefix}_create": Route(create, item if create == "PUT" else collection),
        f"{prefix}_get": Route("GET", item),
        f"{prefix}_update": Route("PATCH", item),
        f"{prefix}_delete": Route("DELETE", item),
    }


def _message_routes(prefix: str, base: str) -> dict[str, Route]:
    return {
        f"{prefix}_list": Route("GET", f"{base}/messages"),
        f"{prefix}_post": Route("POST", f"{base}/messages", idempotent=False),
        f"{prefix}_get_many": Route("GET", f"{base}/messages"),
        f"{prefix}_delete_many": Route("DELETE", f"{base}/messages"),
        # Pop removes what it returns: resending could lose messages.
        f"{prefix}_pop": Route("DELETE", f"{base}/messages", idempotent=False),
        f"{prefix}_get": Route("GET", f"{base}/messages/{{message_id}}"),
        f"{prefix}_delete": Route("DELETE", f"{base}/messages/{{message_id}}"),
    }


ROUTES: dict[str, Route] = {
    # Zaqar answers its version list with 300 Multiple Choices.
    "versions": Route("GET", "/", answers=frozenset({300})),
    "homedoc": Route("GET", ""),
    # GET of an href the server gave (a ``links`` entry), python-zaqarclient's follow().
    "follow": Route("GET", ""),
    "ping": Route("GET", "ping"),
    "health": Route("GET", "health"),
    **_resource_routes("queue", "queues", _Q),
    "signed_url_create": Route("POST", f"{_Q}/share"),
    **_message_routes("message", _Q),
    # A resent claim POST would claim a second batch: never retried.
    "claim_create": Route("POST", f"{_Q}/claims", idempotent=False),
    "claim_get": Route("GET", f"{_Q}/claims/{{claim_id}}"),
    "claim_update": Route("PATCH", f"{_Q}/claims/{{claim_id}}"),
    "claim_delete": Route("DELETE", f"{_Q}/claims/{{claim_id}}"),
    # Subscriptions are unique per subscriber: a resent POST returns the same id.
    **_crud(
        "subscription",
        f"{_Q}/subscriptions",
        f"{_Q}/subscriptions/{{subscription_id}}",
        create="POST",
    ),
    "subscription_confirm": Route("PUT", f"{_Q}/subscriptions/{{subscription_id}}/confirm"),
    **_crud("pool", "pools", "pools/{pool_name}"),
    **_crud("flavor", "flavors", "flavors/{flavor_name}"),
    **_resource_routes("topic", "topics", _T),
    **_message_routes("topic_message", _T),
    **_crud(
        "topic_subscription",
        f"{_T}/subscriptions",
        f"{_T}/subscriptions/{{subscription_id}}",
        create="POST",
    ),
}

V2 = Api(label="v2", version="2", routes=ROUTES)
