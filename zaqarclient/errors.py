"""The exception tree of zaqarclient.

Every exception the SDK raises derives from :class:`ZaqarError`::

    ZaqarError
    ├── ConfigurationError (ValueError)     bad conf, option or argument
    │   └── InvalidNameError                bad queue/topic name, caught before sending
    ├── DriverLoadFailure                   no transport for the URL's scheme
    ├── InvalidOperation                    the API version or transport lacks it
    │   └── UnsupportedVersion              the API version lacks it
    ├── AuthenticationError                 Keystone gave no token or no endpoint
    │   └── IdentityUnavailable (ConnectionError)  Keystone could not be reached
    ├── ConnectionError                     no response: refused, reset, DNS, TLS
    │   └── TimeoutError                    connect or read timeout
    └── TransportError                      the server answered with an error status
        ├── ClientError                     4xx (specific classes in transport.errors)
        ├── ServerError                     5xx
        └── UnexpectedResponse              a status or body the operation cannot use
            └── InvalidResponseBody         a success status with a body that is not JSON

The status-specific classes (``MalformedRequest`` for 400 up to
``ServiceUnavailableError`` for 503, plus one for every other error status)
live in :mod:`zaqarclient.transport.errors`, under the names
python-zaqarclient used.
"""

from __future__ import annotations

import builtins
from typing import Any


class ZaqarError(Exception):
    """Base class of every error raised by zaqarclient."""


class ConfigurationError(ZaqarError, ValueError):
    """A configuration value, option or argument is invalid."""


class InvalidNameError(ConfigurationError):
    """A queue or topic name is not acceptable to Zaqar."""


class DriverLoadFailure(ZaqarError):
    """No transport is available for the requested URL scheme or API version."""

    def __init__(self, driver: str, ex: BaseException | str) -> None:
        super().__init__(f"Failed to load transport {driver!r}: {ex}")
        self.driver = driver
        self.ex = ex


class InvalidOperation(ZaqarError):
    """The operation is not available with this API version or transport."""


class UnsupportedVersion(InvalidOperation):
    """The operation needs a newer (or another) API version than the client's."""


class AuthenticationError(ZaqarError):
    """Keystone refused the credentials, or its catalog has no Zaqar endpoint.

    ``status`` is Keystone's HTTP status when it answered (401, 400...), else None.
    The keystoneauth1 exception is kept as ``__cause__``.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ConnectionError(ZaqarError, builtins.ConnectionError):
    """The request got no response: connection refused or reset, DNS or TLS failure.

    ``request_sent`` is False when the request surely never reached the
    server (the connection could not be opened), so resending it is safe
    whatever the operation.
    """

    def __init__(
        self, message: str, *, method: str = "", url: str = "", request_sent: bool = True
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.request_sent = request_sent

    def __str__(self) -> str:
        where = f" ({self.method} {self.url})" if self.method else ""
        return f"{self.message}{where}"


class IdentityUnavailable(AuthenticationError, ConnectionError):
    """Keystone could not be reached (refused, DNS, TLS or timeout)."""

    def __init__(self, message: str, *, url: str = "") -> None:
        ConnectionError.__init__(self, message, url=url)
        self.status = None

    def __str__(self) -> str:
        return self.message


class TimeoutError(ConnectionError, builtins.TimeoutError):
    """The server did not answer within the configured timeout."""


class TransportError(ZaqarError):
    """The server answered with an error status.

    Attributes carry what the server said: ``status``, ``title``,
    ``description``, ``method``, ``url`` (secrets removed), ``request_id``
    (``x-openstack-request-id``), ``headers`` and the decoded ``body``.
    """

    code: int = 0

    def __init__(
        self,
        title: str = "",
        description: str = "",
        *,
        status: int | None = None,
        method: str = "",
        url: str = "",
        request_id: str | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        self.status = status if status is not None else self.code
        self.title = title
        self.description = description
        self.method = method
        self.url = url
        self.request_id = request_id
        self.headers = headers or {}
        self.body = body
        super().__init__(self._message())

    def _message(self) -> str:
        parts = []
        if self.request_id:
            parts.append(f"[{self.request_id}]")
        parts.append(f"{self.status}")
        # Falcon titles its own errors "404 Not Found": say the status once.
        if self.title and not self.title.startswith(f"{self.status} "):
            parts.append(self.title)
        elif self.title:
            parts[-1] = self.title
        text = " ".join(parts)
        if self.description:
            text += f": {self.description}"
        if self.method:
            text += f" ({self.method} {self.url})"
        return text

    def __str__(self) -> str:
        return self._message()


class ClientError(TransportError):
    """The server rejected the request (4xx)."""


class ServerError(TransportError):
    """The server failed to process the request (5xx)."""
