"""Sharing a queue: pre-signed URLs for some of its paths (``POST /v2/queues/{q}/share``)."""

from __future__ import annotations

from typing import Any

from zaqarclient.server import signing
from zaqarclient.server.clock import Clock
from zaqarclient.server.config import Config
from zaqarclient.server.domain.errors import Crash, ValidationFailed

_KNOWN = frozenset(("paths", "methods", "expires"))
_VALID_PATHS = frozenset(("messages", "subscriptions", "claims"))


def _set_repr(items: set[str]) -> str:
    return "{" + ", ".join(repr(i) for i in sorted(items)) + "}"


class Shares:
    """Signs share requests with the server's ``[signed_url] secret_key`` (None: refused)."""

    def __init__(self, config: Config, clock: Clock) -> None:
        self._config = config
        self._clock = clock

    def share(self, queue_path: str, project: str, doc: Any) -> dict[str, Any]:
        """The signed-URL document for the share request ``doc`` on ``queue_path``.

        ``queue_path`` is the queue's path (``/v2/queues/q``); ``doc`` the decoded
        body. Zaqar's own crashes on malformed bodies are Crash (its 500s).
        """
        if isinstance(doc, list):
            # Zaqar calls .keys() on the body: an array crashes it.
            raise Crash("'list' object has no attribute 'keys'")
        unknown = set(doc) - _KNOWN
        if unknown:
            raise ValidationFailed(f"Unknown keys: {_set_repr(unknown)}")
        paths = doc.get("paths")
        if not paths:
            full = [queue_path + "/messages"]
        else:
            try:
                bad = set(paths) - _VALID_PATHS
            except TypeError as exc:  # not iterable, or unhashable items: a crash in Zaqar
                raise Crash(str(exc)) from None
            if bad:
                raise ValidationFailed(f"Invalid paths: {_set_repr(bad)}")
            full = [f"{queue_path}/{p}" for p in paths]
        try:
            return signing.sign(
                self._config.secret_key, full, project=project, methods=doc.get("methods"),
                expires=doc.get("expires"), now=self._clock.now(),
            )
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from None
