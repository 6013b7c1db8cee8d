"""Where notifications that can never be delivered go, with the reason.

A dead letter is written durably *before* its notification is acknowledged
on the bus: a file is appended to and fsync'ed, a Zaqar queue must answer
201. If that fails the batch is requeued, so nothing is dropped silently.
Records hold the whole notification (for the operator, not a tenant) with
its context's secrets already replaced by ``***``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from zaqarclient.bridge.notification import Notification
from zaqarclient.bridge.targets import ProjectClients
from zaqarclient.errors import ConfigurationError
from zaqarclient.queues.v2.queues import validate_name

# Zaqar's default max_messages_post_size; a bigger dead letter loses its payload.
_MAX_QUEUE_RECORD = 200_000


def record(notification: Notification, reason: str, route: str | None) -> dict[str, Any]:
    """The dead-letter document for one notification."""
    return {
        "dead_lettered_at": datetime.now(UTC).isoformat(),
        "reason": reason,
        "route": route,
        "notification": notification.document,
    }


class DeadLetterSink(Protocol):
    """Stores dead-letter records; raises if it could not store all of them."""

    description: str

    def write(self, records: list[dict[str, Any]]) -> None: ...

    def close(self) -> None: ...


class DeadLetterFile:
    """JSON Lines appended to a file, fsync'ed per write."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.description = str(self.path)
        self._lock = threading.Lock()
        # Fail at start-up, not at the first dead letter.
        try:
            with self.path.open("a", encoding="utf-8"):
                pass
        except OSError as error:
            raise ConfigurationError(
                f"cannot open dead-letter file {str(self.path)!r}: {error.strerror}"
            ) from None

    def write(self, records: list[dict[str, Any]]) -> None:
        """Append ``records``; they are on disk when this returns."""
        if not records:
            return
        text = "".join(json.dumps(item, default=str, sort_keys=True) + "\n" for item in records)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())

    def close(self) -> None:
        """Nothing is held open."""


class DeadLetterQueue:
    """Messages in an operator's Zaqar queue (``zaqar:PROJECT/QUEUE``)."""

    def __init__(self, clients: ProjectClients, project: str, queue: str) -> None:
        self.project = project
        self.queue = validate_name(queue)
        self.description = f"zaqar:{project}/{queue}"
        self._clients = clients

    def write(self, records: list[dict[str, Any]]) -> None:
        """Post ``records`` (any error propagates, so the batch is requeued)."""
        if not records:
            return
        messages: list[Mapping[str, Any]] = [{"body": _fit(item)} for item in records]
        queue = self._clients.queue(self.project, self.queue)
        for start in range(0, len(messages), 20):
            queue.post(messages[start:start + 20], retry=False)

    def close(self) -> None:
        """The clients are closed by their owner."""


def _fit(item: dict[str, Any]) -> dict[str, Any]:
    size = len(json.dumps(item, default=str))
    if size <= _MAX_QUEUE_RECORD:
        return item
    notification = dict(item["notification"])
    notification["payload"] = {"omitted": f"payload too large for a Zaqar message ({size} bytes)"}
    return {**item, "notification": notification}


def open_sink(spec: str, clients: ProjectClients | None) -> DeadLetterSink:
    """``zaqar:PROJECT/QUEUE`` or a file path."""
    if spec.startswith("zaqar:"):
        project, sep, queue = spec[len("zaqar:"):].partition("/")
        if not sep or not project or not queue:
            raise ConfigurationError(
                f"dead-letter queue {spec!r} must look like zaqar:PROJECT/QUEUE"
            )
        if clients is None:
            raise ConfigurationError("a dead-letter queue needs a Zaqar to post to")
        return DeadLetterQueue(clients, project, queue)
    return DeadLetterFile(spec)
