"""JSON views of stored records, shaped like Zaqar's responses."""

from __future__ import annotations

import time
from typing import Any

from zaqarclient.server.storage.base import MessageView, Subscription


def message(view: MessageView, base: str) -> dict[str, Any]:
    """The HTTP message representation; `base` is `/v2/queues/{q}`."""
    href = f"{base}/messages/{view.id}"
    if view.claim_id:
        href += "?claim_id=" + view.claim_id
    doc: dict[str, Any] = {
        "id": view.id, "href": href, "ttl": view.ttl, "age": view.age, "body": view.body,
    }
    if view.checksum:
        doc["checksum"] = view.checksum
    return doc


def popped(view: MessageView) -> dict[str, Any]:
    return {
        "id": view.id, "age": view.age, "ttl": view.ttl, "claim_count": view.claim_count,
        "body": view.body, "claim_id": view.claim_id,
    }


def utc(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def stat_entry(view: MessageView, base: str) -> dict[str, Any]:
    return {"age": view.age, "created": utc(view.created),
            "href": f"{base}/messages/{view.id}"}


def subscription(sub: Subscription, now: float) -> dict[str, Any]:
    return {
        "id": sub.id, "source": sub.queue, "subscriber": sub.subscriber, "ttl": sub.ttl,
        "age": int(now - sub.created), "options": sub.options, "confirmed": sub.confirmed,
    }
