"""The API's paths of resources, for answers that carry ids but no hrefs.

Zaqar's HTTP API answers with hrefs; its websocket API with ids only. The
SDK's objects look the same over both (``Message.href``, ``Queue.href``,
``Queue.post()``'s ``resources``, the stats' ``oldest``/``newest``), so the
resources fill in a missing href with the path the HTTP API would have
given. These are the resource's identity in the API's URL space, never
something to send requests to over websocket.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from zaqarclient.transport.contract import JSONObject, JSONValue
from zaqarclient.transport.routes import Api


def _q(value: object) -> str:
    return quote(str(value), safe="")


def resource(api: Api, collection: str, name: str) -> str:
    """``/v2/queues/<name>`` (or ``topics``, ``pools``...)."""
    return f"/{api.label}/{collection}/{_q(name)}"


def message(api: Api, collection: str, parent: str, message_id: str,
            claim_id: str | None = None) -> str:
    """``/v2/queues/<parent>/messages/<id>``, with ``?claim_id=`` for a claimed message."""
    href = f"{resource(api, collection, parent)}/messages/{_q(message_id)}"
    return f"{href}?claim_id={_q(claim_id)}" if claim_id else href


def with_message_href(
    api: Api, collection: str, parent: str, item: Mapping[str, JSONValue]
) -> JSONObject:
    """``item`` (a message or a stats end) with an href, computed from its id if missing."""
    if item.get("href") or not item.get("id"):
        return dict(item)
    claim_id = item.get("claim_id")
    return {**item, "href": message(api, collection, parent, str(item["id"]),
                                    str(claim_id) if claim_id else None)}
