"""SDK operations as Zaqar websocket actions, and websocket replies as results.

Request building: :func:`build` turns a :class:`Request` (path params, query
params, JSON body) into one action and its body. Reply reading:
:func:`read_reply` turns the reply's status and body into a
:class:`~zaqarclient.transport.contract.Result` in the SDK's terms: the
status Zaqar sent, the body (``message_get``'s message unwrapped from
``messages``), the ids a post or claim created and, for listings, a
:class:`~zaqarclient.transport.contract.Cursor` to the next page. Nothing is
dressed up as HTTP: no hrefs, links, ``Location`` or made-up statuses
(answers that differ from HTTP's, such as a 404 carrying zero stats, are the
operation layer's to read).

Paging: websocket listings carry no links and no marker. Queue and
subscription listings page with the last name/id as marker, as the server
does. Message listings use the last message id: Zaqar's ws ``message_list``
computes the next marker and drops it, and the redis and sqlalchemy stores'
markers are message ids, so this pages correctly there; a store whose
markers are not ids (mongo's counters) cannot be paged over websocket, and a
page that contains its own marker ends the listing instead of looping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from zaqarclient.errors import InvalidOperation
from zaqarclient.transport.contract import Cursor, JSONObject, JSONValue, Result
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


def _coerce(name: str, value: JSONValue) -> JSONValue:
    if name in _INT_PARAMS and isinstance(value, str):
        return int(value)
    if name in _BOOL_PARAMS and isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    if name in ("ids", "claim_ids") and isinstance(value, str):
        return [part for part in value.split(",") if part]
    return value


def _asks_for_nothing(value: object) -> bool:
    """True for a switched-off flag: ``False``, or its text form (``"false"``)."""
    if isinstance(value, str):
        return value.lower() in ("false", "0", "no", "off")
    return value is False


def build(request: Request) -> tuple[str, JSONObject]:
    """``(action, body)`` for ``request``; raises :class:`InvalidOperation` if unsupported.

    Path params become body fields; query params are renamed, typed (``"5"``
    to 5, ``"true"`` to True, comma lists to lists) or refused; a JSON object
    body is merged in (``queue_create``'s is the queue's ``metadata``).
    """
    action = action_for(request.operation)
    body: JSONObject = {}
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


# -- replies ---------------------------------------------------------------------

#: The body field holding each listing's items, and the item field its marker is.
_LISTINGS = {
    "queue_list": ("queues", "name"),
    "message_list": ("messages", "id"),
    "subscription_list": ("subscriptions", "id"),
}


def read_reply(
    request: Request, status: int, body: JSONValue, *, request_id: str | None, method: str,
    url: str,
) -> Result:
    """The result of ``request`` from its reply's ``status`` and ``body``."""
    data = body
    created: tuple[str, ...] = ()
    cursor: Cursor | None = None
    if status < 300 and isinstance(body, Mapping):
        data, created, cursor = _read_success(request, status, body)
    return Result(
        request, status, data=data, request_id=request_id, created=created, cursor=cursor,
        method=method, url=url,
    )


def _read_success(
    request: Request, status: int, body: Mapping[str, JSONValue]
) -> tuple[JSONValue, tuple[str, ...], Cursor | None]:
    op = request.operation
    if op == "message_get":
        return body.get("messages"), (), None
    if op == "message_post":
        return body, tuple(str(i) for i in body.get("message_ids") or []), None
    if op == "claim_create":
        # An empty queue answers 204 with an id that claims nothing: no claim was made.
        claim_id = body.get("claim_id") if status != 204 else None
        return body, ((str(claim_id),) if claim_id else ()), None
    if op == "subscription_create":
        subscription_id = body.get("subscription_id")
        return body, ((str(subscription_id),) if subscription_id else ()), None
    listing = _LISTINGS.get(op)
    if listing is None:
        return body, (), None
    key, marker_field = listing
    items = [item for item in body.get(key) or [] if isinstance(item, Mapping)]
    marker = request.params.get("marker")
    if op == "message_list" and marker and any(m.get("id") == marker for m in items):
        items = []  # the store ignored an id marker: stop rather than loop
    data = {**body, key: items}
    if not items:
        return data, (), None
    last = str(items[-1].get(marker_field))
    following = Request(op, dict(request.path_params), {**request.params, "marker": last})
    return data, (), Cursor(following, last)
