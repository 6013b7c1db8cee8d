"""python-zaqarclient's transport base class: ``Transport(options)`` with ``send``.

Kept for code written against it (a transport subclass, a test double); the
transports :func:`zaqarclient.transport.get_transport_for` returns derive
from it. ``http_to_zaqar`` is its status-to-error table (every other error
status also raises here, see :func:`zaqarclient.transport.errors.error_class`).
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from zaqarclient.errors import TransportError
from zaqarclient.transport import errors
from zaqarclient.transport.request import Request, Response


class Transport(abc.ABC):
    """A transport built from a client ``conf`` (``options``); a context manager."""

    http_to_zaqar: dict[int, type[TransportError]] = {
        400: errors.MalformedRequest,
        401: errors.UnauthorizedError,
        403: errors.ForbiddenError,
        404: errors.ResourceNotFound,
        409: errors.ConflictError,
        500: errors.InternalServerError,
        503: errors.ServiceUnavailableError,
    }

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.options: dict[str, Any] = dict(options or {})

    @abc.abstractmethod
    def send(self, request: Request) -> Response:
        """Send ``request`` and return the response."""

    def cleanup(self) -> None:  # noqa: B027 - overriding it is optional
        """Release connections (nothing by default)."""

    def close(self) -> None:
        """Same as :meth:`cleanup`."""
        self.cleanup()

    def __enter__(self) -> Transport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()
