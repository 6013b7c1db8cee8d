"""Operation tables: where each SDK operation goes over HTTP, and whether a resend is safe.

A :class:`Route` is the operation layer's description of one operation; the
route tables themselves live with their API version
(:mod:`zaqarclient.queues.v2.api`, :mod:`zaqarclient.queues.v1_1.api`). The
pipeline reads ``idempotent`` (may a failed call be resent) and ``answers``
(statuses besides 2xx that are this operation's normal answer); the HTTP
transports read ``method``, ``path`` and ``content_type``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zaqarclient.errors import UnsupportedVersion

#: Content type Zaqar requires for queue PATCH (JSON-patch).
JSON_PATCH = "application/openstack-messaging-v2.0-json-patch"


@dataclass(frozen=True, slots=True)
class Route:
    """Where an operation goes over HTTP.

    ``path`` is relative to the version root and may hold ``{name}`` fields;
    ``idempotent`` says whether a retry can never do harm; ``answers`` lists
    statuses outside 2xx that are a normal answer (``GET /`` answers 300).
    """

    method: str
    path: str
    idempotent: bool = True
    content_type: str = "application/json"
    answers: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Api:
    """An API version: its URL label and operation table."""

    label: str
    version: str
    routes: dict[str, Route]
    #: Why an operation is missing from this version, for the error message.
    missing: dict[str, str] = field(default_factory=dict)

    def route(self, operation: str) -> Route:
        """The route of ``operation``, or :class:`UnsupportedVersion` naming the version."""
        try:
            return self.routes[operation]
        except KeyError:
            hint = self.missing.get(operation, "")
            raise UnsupportedVersion(
                f"Operation {operation!r} is not available in Zaqar API {self.version}"
                + (f": {hint}" if hint else "")
            ) from None
