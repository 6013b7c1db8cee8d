"""One OpenStack notification as the bridge sees it, from the bus or from a file.

The document that routes and filters address has the keys of oslo.messaging's
notification envelope::

    {"event_type": "compute.instance.update", "priority": "info",
     "publisher_id": "compute.host1", "message_id": "...", "timestamp": "...",
     "payload": {...}, "context": {...}}

``priority`` is lower-cased (the bus carries ``INFO``); ``context`` is the
request context the service sent, with its secrets (nova sends the caller's
``auth_token``) replaced by ``***`` before anything else sees it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: oslo.messaging's notification priorities, as its dispatcher names them.
PRIORITIES = ("audit", "debug", "info", "warn", "error", "critical", "sample")
_PRIORITY_ALIASES = {"warning": "warn"}

# Context keys that hold credentials (nova: auth_token; others: *_password, *_secret).
SECRET_KEY = re.compile(r"token|password|passwd|secret|credential|signature|api_key", re.I)
REDACTED = "***"


class InvalidNotification(ValueError):
    """A record is not a notification; the message says what is missing."""


def normalise_priority(priority: Any) -> str:
    """``INFO`` -> ``info``, ``WARNING`` -> ``warn``; unknown ones are kept lower-cased."""
    text = str(priority or "").strip().lower()
    return _PRIORITY_ALIASES.get(text, text)


def redact(value: Any) -> Any:
    """``value`` with every secret-named key's value replaced by ``***`` (nested too)."""
    if isinstance(value, Mapping):
        return {
            key: REDACTED if SECRET_KEY.search(str(key)) and item else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _parse_time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # oslo.messaging stamps naive UTC (str(timeutils.utcnow())).
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass
class Notification:
    """A notification: its envelope fields, payload and (redacted) context."""

    event_type: str
    priority: str
    payload: Any
    publisher_id: str = ""
    message_id: str = ""
    timestamp: str = ""
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def document(self) -> dict[str, Any]:
        """What routes, filters and ``fields`` address."""
        return {
            "event_type": self.event_type,
            "priority": self.priority,
            "publisher_id": self.publisher_id,
            "message_id": self.message_id,
            "timestamp": self.timestamp,
            "payload": self.payload,
            "context": self.context,
        }

    def emitted_at(self) -> datetime | None:
        """When the service emitted it (the envelope's timestamp), if known."""
        return _parse_time(self.timestamp)

    def lag(self, now: datetime | None = None) -> float | None:
        """Seconds since it was emitted, or None without a usable timestamp."""
        emitted = self.emitted_at()
        if emitted is None:
            return None
        return ((now or datetime.now(UTC)) - emitted).total_seconds()

    def summary(self) -> str:
        """``event_type`` and id, for logs (never the payload: it may be large)."""
        return f"{self.event_type or '?'} ({self.priority or '?'}, id {self.message_id or '?'})"

    @classmethod
    def from_listener(cls, priority: str, message: Mapping[str, Any]) -> Notification:
        """From what oslo.messaging's batch listener hands an endpoint."""
        metadata = message.get("metadata") or {}
        context = message.get("ctxt")
        return cls(
            event_type=str(message.get("event_type") or ""),
            priority=normalise_priority(priority),
            payload=message.get("payload"),
            publisher_id=str(message.get("publisher_id") or ""),
            message_id=str(metadata.get("message_id") or ""),
            timestamp=str(metadata.get("timestamp") or ""),
            context=redact(dict(context)) if isinstance(context, Mapping) else {},
        )

    @classmethod
    def from_record(cls, record: Any) -> Notification:
        """From one JSON record of a ``--dry-run`` file.

        Accepted: the envelope (``event_type``, ``priority``, ``payload``,
        ``publisher_id``, ``message_id``, ``timestamp``, and ``ctxt`` or
        ``context``; nova's documentation samples have this shape), and the
        AMQP body as it sits on the bus (``{"oslo.version", "oslo.message"}``
        with the context in ``_context_*`` keys).
        """
        if isinstance(record, Mapping) and isinstance(record.get("oslo.message"), str):
            try:
                inner = json.loads(record["oslo.message"])
            except ValueError as error:
                raise InvalidNotification(f"'oslo.message' is not JSON: {error}") from None
            if not isinstance(inner, Mapping):
                raise InvalidNotification("'oslo.message' is not a JSON object")
            context = {k[len("_context_"):]: v for k, v in inner.items()
                       if k.startswith("_context_")}
            record = {k: v for k, v in inner.items() if not k.startswith("_context_")}
            record["ctxt"] = context
        if not isinstance(record, Mapping):
            kind = type(record).__name__
            raise InvalidNotification(f"a notification is a JSON object, got {kind}")
        missing = [key for key in ("event_type", "priority", "payload") if key not in record]
        if missing:
            raise InvalidNotification(f"no {', '.join(repr(key) for key in missing)} in the record")
        context = record.get("ctxt", record.get("context"))
        return cls(
            event_type=str(record["event_type"] or ""),
            priority=normalise_priority(record["priority"]),
            payload=record["payload"],
            publisher_id=str(record.get("publisher_id") or ""),
            message_id=str(record.get("message_id") or ""),
            timestamp=str(record.get("timestamp") or ""),
            context=redact(dict(context)) if isinstance(context, Mapping) else {},
        )
