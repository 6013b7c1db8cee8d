"""SDK operations as Zaqar websocket actions, and websocket replies in HTTP shapes.

The resources were written against the HTTP API, so :func:`build` turns a
:class:`Request` (path params, query params, JSON body) into one action
body, and :func:`shape` turns the reply into what the HTTP API would have
answered: hrefs built from ids, ``Location`` headers, ``next`` links and the
HTTP statuses (``queue_get_stats`` of a missing queue is 200, not 404;
``message_get_many`` finding nothing is 404, not 200).

Paging: websocket listings carry no links and no marker. Queue and
subscription listings page with the last name/id as marker, as the server
does. Message listings use the last message id: Zaqar's ws ``message_list``
computes the next marker and drops it, and the redis and sqlalchemy stores'
markers are message ids, so this pages correctly there; a store whose
markers are not ids (mongo's counters) cannot be paged over websocket, and a
page that contains its own marker ends the listing instead of looping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from zaqarclient.errors import InvalidOperation
from zaqarclient.transport.request import NO_BODY, Request

#: Operations Zaqar's websocket API lacks: sending them makes the server
#: raise without answering (or the action does not exist at all).
_NO_ACTION_REASON = "Zaqar's websocket API has no such action"

_PATH_KEYS = ("queue_name", "message_id", "claim_id", "subscription_id")
_INT_PARAMS = frozenset({"limit", "pop"})
_BOOL_PARAMS = frozenset({"detailed", "echo", "include_claimed", "include_delayed"})


@dataclass(frozen=True, slots=True)
class Action:
    """How one SDK operation is sent: the ws action and its accepted query params.

    ``params`` maps a query parameter to its body field; ``dropped`` lists
    parameters the HTTP API knows that have no websocket meaning (ignored).
    """

    name: str
    params: Mapping[str, str]
    dropped: frozenset[str] = frozenset()


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


ACTIONS: dict[str, Action] = {
    "queue_list": Action("queue_list", _same("marker", "limit", "detailed")),
    "queue_create": Action("queue_create", {}),
    "queue_get": Action("queue_get", {}),
    "queue_delete": Action("queue_delete", {}),
    "queue_get_stats": Action("queue_get_stats", {}),
    "queue_purge": Action("queue_purge", {}),
    "message_list": Action(
        "message_list", _same("marker", "limit", "echo", "include_claimed", "include_delayed")
    ),
    "message_get": Action("message_get", {}),
    "message_get_many": Action("message_get_many", {"ids": "message_ids"}),
    "message_post": Action("message_post", {}),
    "message_delete": Action("message_delete", _same("claim_id")),
    "message_delete_many": Action(
        "message_delete_many", {"ids": "message_ids", "claim_ids": "claim_ids"}
    ),
    "message_pop": Action("message_delete_many", _same("pop")),
    "claim_create": Action("claim_create", _same("limit")),
    "claim_get": Action("claim_get", {}),
    "claim_update": Action("claim_update", {}),
    "claim_delete": Action("claim_delete", {}),
    "subscription_create": Action("subscription_create", {}),
    # The redis store's list() takes no ``detailed`` (a 500): never send it.
    "subscription_list": Action(
        "subscription_list", _same("marker", "limit"), dropped=frozenset({"detailed"})
    ),
    "subscription_get": Action("subscription_get", {}),
    "subscription_delete": Action("subscription_delete", {}),
    # No ping action is answered over ws: a one-queue listing proves the
    # server and its storage answer, which is what ping means.
    "ping": Action("queue_list", {}),
}


def action_for(operation: str) -> Action:
    """The websocket action of ``operation``, or :class:`InvalidOperation`."""
    try:
        return ACTIONS[operation]
    except KeyError:
        raise InvalidOperation(
            f"Operation {operation!r} is not available over the websocket transport "
            f"({_NO_ACTION_REASON}); use an http(s):// client for it"
        ) from None


def _coerce(name: str, value: Any) -> Any:
    if name in _INT_PARAMS and isinstance(value, str):
        return int(value)
    if name in _BOOL_PARAMS and isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    if name in ("ids", "claim_ids") and isinstance(value, str):
        return [part for part in value.split(",") if part]
    return value


def _asks_for_nothing(value: Any) -> bool:
    """True for a switched-off flag: ``False``, or its text form in a followed href."""
    if isinstance(value, str):
        return value.lower() in ("false", "0", "no", "off")
    return value is False


def build(request: Request) -> tuple[str, dict[str, Any]]:
    """``(action, body)`` for ``request``; raises :class:`InvalidOperation` if unsupported."""
    action = action_for(request.operation)
    body: dict[str, Any] = {}
    for key, value in request.path_params.items():
        if key in _PATH_KEYS and value:
            body[key] = str(value)
    if request.operation == "ping":
        return action.name, {"limit": 1}
    for name, value in request.params.items():
        if value is None or name in action.dropped:
            continue
        field = action.params.get(name)
        if field is None:
            if _asks_for_nothing(value):
                continue  # with_count=False (or "false" in a next link) needs no support
            raise InvalidOperation(
                f"Parameter {name!r} of {request.operation!r} is not supported over the "
                "websocket transport"
            )
        body[field] = _coerce(name, value)
    if request.body is not NO_BODY and request.body is not None:
        if request.operation == "queue_create":
            body["metadata"] = request.body
        elif isinstance(request.body, Mapping):
            body.update(request.body)
        else:
            raise InvalidOperation(
                f"{request.operation!r} over websocket needs a JSON object body, "
                f"not {type(request.body).__name__}"
            )
    return action.name, body


# -- replies in HTTP shapes -----------------------------------------------------


@dataclass(slots=True)
class Shaped:
    """An HTTP-shaped reply: status, extra headers and the decoded body (None: empty)."""

    status: int
    body: Any
    headers: dict[str, str]


def _q(value: str) -> str:
    return quote(value, safe="")


def _message_href(root: str, queue: str, message: Mapping[str, Any]) -> str:
    href = f"{root}/queues/{_q(queue)}/messages/{_q(str(message.get('id')))}"
    claim_id = message.get("claim_id")
    return f"{href}?claim_id={_q(str(claim_id))}" if claim_id else href


def _with_hrefs(root: str, queue: str, messages: Any) -> list[dict[str, Any]]:
    result = []
    for item in messages or []:
        if isinstance(item, Mapping):
            result.append({**item, "href": _message_href(root, queue, item)})
    return result


def _next_link(path: str, params: Mapping[str, Any], marker: str) -> list[dict[str, str]]:
    query = {k: v for k, v in params.items() if v is not None and k != "marker"}
    parts = [f"{_q(k)}={_q(_text(v))}" for k, v in query.items()]
    parts.append(f"marker={_q(marker)}")
    return [{"rel": "next", "href": f"{path}?{'&'.join(parts)}"}]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def shape(request: Request, root: str, status: int, body: Any) -> Shaped:
    """The HTTP-shaped form of a successful websocket reply to ``request``.

    ``root`` is the version root of hrefs (``/v2``).
    """
    op = request.operation
    queue = str(request.path_params.get("queue_name", ""))
    qroot = f"{root}/queues/{_q(queue)}"
    data = body if isinstance(body, Mapping) else {}
    if status == 204 or op in (
        "queue_create",
        "queue_delete",
        "queue_purge",
        "message_delete",
        "message_delete_many",
        "claim_update",
        "claim_delete",
        "subscription_delete",
    ):
        return Shaped(status, None, {})
    if op == "ping":
        return Shaped(204, None, {})
    if op == "queue_list":
        queues = [
            {**item, "href": f"{root}/queues/{_q(str(item.get('name')))}"}
            for item in data.get("queues") or []
            if isinstance(item, Mapping)
        ]
        links = _next_link(f"{root}/queues", request.params, queues[-1]["name"]) if queues else []
        return Shaped(200, {"queues": queues, "links": links}, {})
    if op == "queue_get_stats":
        stats = dict(data.get("messages") or {})
        for end in ("oldest", "newest"):
            if isinstance(stats.get(end), Mapping):
                stats[end] = {**stats[end], "href": _message_href(root, queue, stats[end])}
        return Shaped(200, {"messages": stats}, {})
    if op == "message_post":
        ids = [str(i) for i in data.get("message_ids") or []]
        hrefs = [f"{qroot}/messages/{_q(i)}" for i in ids]
        location = f"{qroot}/messages?ids={','.join(_q(i) for i in ids)}"
        return Shaped(201, {"resources": hrefs}, {"location": location})
    if op == "message_get":
        item = data.get("messages")
        return Shaped(200, _with_hrefs(root, queue, [item])[0] if item else item, {})
    if op in ("message_list", "message_get_many", "message_pop"):
        messages = _with_hrefs(root, queue, data.get("messages"))
        marker = request.params.get("marker")
        if op == "message_list" and marker and any(m.get("id") == marker for m in messages):
            messages = []  # the store ignored an id marker: stop rather than loop
        result: dict[str, Any] = {"messages": messages}
        if op == "message_list":
            last = str(messages[-1]["id"]) if messages else None
            result["links"] = _next_link(f"{qroot}/messages", request.params, last) if last else []
        return Shaped(200, result, {})
    if op == "claim_create":
        claim_id = data.get("claim_id")
        if not claim_id:
            return Shaped(204, None, {})
        messages = _with_hrefs(root, queue, data.get("messages"))
        return Shaped(201, {"messages": messages}, {"location": f"{qroot}/claims/{_q(claim_id)}"})
    if op == "claim_get":
        claim_id = str(request.path_params.get("claim_id", ""))
        result = {**data, "messages": _with_hrefs(root, queue, data.get("messages"))}
        result["href"] = f"{qroot}/claims/{_q(claim_id)}"
        return Shaped(200, result, {})
    if op == "subscription_list":
        subs = [dict(s) for s in data.get("subscriptions") or [] if isinstance(s, Mapping)]
        links = (
            _next_link(f"{qroot}/subscriptions", request.params, str(subs[-1]["id"]))
            if subs
            else []
        )
        return Shaped(200, {"subscriptions": subs, "links": links}, {})
    return Shaped(status, body, {})


# -- follow(): hrefs back into requests ------------------------------------------

_ROUTES = (
    (re.compile(r"^/v2/queues/?$"), "queue_list"),
    (re.compile(r"^/v2/queues/(?P<queue_name>[^/]+)/messages/?$"), "message_list"),
    (re.compile(r"^/v2/queues/(?P<queue_name>[^/]+)/subscriptions/?$"), "subscription_list"),
)


def request_for_href(href: str) -> Request:
    """The listing :class:`Request` a ``next`` href made by :func:`shape` stands for."""
    parts = urlsplit(href)
    for pattern, operation in _ROUTES:
        match = pattern.match(parts.path)
        if match:
            path = {k: unquote(v) for k, v in match.groupdict().items()}
            params: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
            return Request(operation, path, params)
    raise InvalidOperation(f"Cannot follow {href!r} over the websocket transport")
