"""Request validation of the websocket API: the action table and a small type checker.

Zaqar validates each request with JSON Schema (Draft 4); only `type`,
`required` and the action name matter, so a plain table does the same job.
JSON Schema's `integer` is never a boolean, unlike Python's `int`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

_HEADER_NAMES = ("User-Agent", "Date", "Accept", "Client-ID", "X-Project-ID", "X-Auth-Token")
_CLIENT = ("Client-ID", "X-Project-ID")


class ActionSpec(NamedTuple):
    """What the schema of one action demands."""

    headers: tuple[str, ...]  # required header names
    body: dict[str, str]  # body field -> JSON type
    required: tuple[str, ...]  # required body fields
    needs_body: bool  # `body` itself is required
    handled: bool = True  # False: the schema passes but Zaqar has no handler


def _spec(body: str = "", required: str = "", needs_body: bool = True) -> ActionSpec:
    fields = dict(item.split(":") for item in body.split()) if body else {}
    return ActionSpec(_CLIENT, fields, tuple(required.split()), needs_body)


def _unhandled(body: str = "", required: str = "", bare: bool = False) -> ActionSpec:
    if bare:
        return ActionSpec((), {}, (), False, handled=False)
    return _spec(body, required)._replace(handled=False)


QN = "queue_name:string"

ACTIONS: dict[str, ActionSpec] = {
    "get_home_doc": _unhandled(bare=True),
    "check_node_health": _unhandled(bare=True),
    "ping_node": _unhandled(bare=True),
    "authenticate": ActionSpec(("X-Project-ID", "X-Auth-Token"), {}, (), False),
    "queue_list": _spec("marker:string limit:integer detailed:boolean", needs_body=False),
    "queue_create": _spec(QN, "queue_name"),
    "queue_delete": _spec(QN, "queue_name"),
    "queue_get": _spec(QN, "queue_name"),
    "queue_get_stats": _spec(QN, "queue_name"),
    "queue_purge": _spec(f"{QN} resource_types:array", "queue_name"),
    "message_list": _spec(
        f"{QN} marker:string limit:integer echo:boolean include_claimed:boolean", "queue_name"
    ),
    "message_get": _spec(f"{QN} message_id:string", "queue_name message_id"),
    "message_get_many": _spec(f"{QN} message_ids:array", "queue_name message_ids"),
    "message_post": _spec(f"{QN} messages:array", "queue_name messages"),
    "message_delete": _spec(
        f"{QN} message_id:string claim_id:string", "queue_name message_id"
    ),
    "message_delete_many": _spec(
        f"{QN} message_ids:array claim_ids:array pop:integer", "queue_name"
    ),
    "claim_create": _spec(f"{QN} limit:integer ttl:integer grace:integer", "queue_name"),
    "claim_get": _spec(f"{QN} claim_id:string", "queue_name claim_id"),
    "claim_update": _spec(f"{QN} claim_id:string ttl:integer", "queue_name claim_id"),
    "claim_delete": _spec(f"{QN} claim_id:string", "queue_name claim_id"),
    "pool_list": _unhandled("pool_name:string limit:integer marker:string", "pool_name"),
    "pool_create": _unhandled(
        "pool_name:string weight:integer uri:string options:object", "pool_name"
    ),
    "pool_update": _unhandled(
        "pool_name:string weight:integer uri:string options:object", "pool_name"
    ),
    "pool_get": _unhandled("pool_name:string detailed:boolean", "pool_name"),
    "pool_delete": _unhandled("pool_name:string", "pool_name"),
    "flavor_list": _unhandled("flavor_name:string limit:integer marker:string", "flavor_name"),
    "flavor_create": _unhandled(
        "flavor_name:string pool_name:string capabilities:object", "flavor_name pool_name"
    ),
    "flavor_update": _unhandled(
        "flavor_name:string pool_name:string capabilities:object", "flavor_name"
    ),
    "flavor_get": _unhandled("flavor_name:string detailed:boolean", "flavor_name"),
    "flavor_delete": _unhandled("flavor_name:string", "flavor_name"),
    "subscription_list": _spec(QN, "queue_name"),
    "subscription_create": _spec(
        f"{QN} subscriber:string ttl:integer options:object", "queue_name"
    ),
    "subscription_delete": _spec(f"{QN} subscription_id:string", "queue_name subscription_id"),
    "subscription_get": _spec(f"{QN} subscription_id:string", "queue_name subscription_id"),
}


def is_type(value: Any, kind: str) -> bool:
    """JSON Schema Draft 4 type test."""
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return True


def valid(spec: ActionSpec, payload: dict[str, Any]) -> bool:
    """Whether `payload` (the whole request object) satisfies the action's schema."""
    headers = payload.get("headers")
    if not isinstance(headers, dict):
        return False
    for name in spec.headers:
        if name not in headers:
            return False
    for name in _HEADER_NAMES:
        if name in headers and not isinstance(headers[name], str):
            return False
    if "body" not in payload:
        return not spec.needs_body
    body = payload["body"]
    if not spec.body and not spec.required and not spec.needs_body:
        return True  # these schemas say nothing about `body`
    if not isinstance(body, dict):
        return False
    for name in spec.required:
        if name not in body:
            return False
    return all(
        is_type(body[name], kind) for name, kind in spec.body.items() if name in body
    )
