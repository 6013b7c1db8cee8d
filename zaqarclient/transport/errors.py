"""HTTP error classes, one per status, under python-zaqarclient's names.

``MalformedRequest`` (400) through ``ServiceUnavailableError`` (503) keep the
names existing code catches; the other error statuses get their own classes,
so no error status is ever mistaken for success. :func:`error_class` maps a
status to its class (falling back to ``ClientError``/``ServerError``).
"""

from __future__ import annotations

from zaqarclient.errors import ClientError, ServerError, TransportError

__all__ = [
    "BadGateway",
    "ClientError",
    "ConflictError",
    "ForbiddenError",
    "GatewayTimeout",
    "GoneError",
    "InternalServerError",
    "InvalidResponseBody",
    "MalformedRequest",
    "MethodNotAllowed",
    "NotAcceptable",
    "PayloadTooLarge",
    "ResourceNotFound",
    "ServerError",
    "ServiceUnavailableError",
    "TooManyRequests",
    "TransportError",
    "UnauthorizedError",
    "UnexpectedResponse",
    "UnsupportedMediaType",
    "error_class",
]


class MalformedRequest(ClientError):
    """400: the request was rejected as invalid."""

    code = 400


class UnauthorizedError(ClientError):
    """401: missing, invalid or expired credentials."""

    code = 401


class ForbiddenError(ClientError):
    """403: the credentials do not allow this (policy, claimed message)."""

    code = 403


class ResourceNotFound(ClientError):
    """404: no such resource (also every signed-URL failure on Zaqar)."""

    code = 404


class MethodNotAllowed(ClientError):
    """405: the route exists but not for this method."""

    code = 405


class NotAcceptable(ClientError):
    """406: the server cannot answer in an accepted media type."""

    code = 406


class ConflictError(ClientError):
    """409: the request conflicts with the resource's state."""

    code = 409


class GoneError(ClientError):
    """410: the resource is gone."""

    code = 410


class PayloadTooLarge(ClientError):
    """413: the request body is too large (usually a proxy's limit)."""

    code = 413


class UnsupportedMediaType(ClientError):
    """415: wrong Content-Type (queue PATCH needs the json-patch type)."""

    code = 415


class TooManyRequests(ClientError):
    """429: rate limited; ``retry_after`` holds the server's hint in seconds."""

    code = 429
    retry_after: float | None = None


class InternalServerError(ServerError):
    """500: the server failed unexpectedly."""

    code = 500


class BadGateway(ServerError):
    """502: a proxy in front of Zaqar got a bad answer."""

    code = 502


class ServiceUnavailableError(ServerError):
    """503: the service or its storage is temporarily unavailable."""

    code = 503


class GatewayTimeout(ServerError):
    """504: a proxy in front of Zaqar timed out."""

    code = 504


class UnexpectedResponse(TransportError):
    """A status the operation does not expect (e.g. a redirect)."""


class InvalidResponseBody(UnexpectedResponse):
    """A success status whose body is not JSON (a proxy's HTML page, a cut-off body).

    ``status`` and ``request_id`` are the server's; ``description`` names the
    operation and shows the start of the body.
    """


_BY_STATUS: dict[int, type[TransportError]] = {
    cls.code: cls
    for cls in (
        MalformedRequest,
        UnauthorizedError,
        ForbiddenError,
        ResourceNotFound,
        MethodNotAllowed,
        NotAcceptable,
        ConflictError,
        GoneError,
        PayloadTooLarge,
        UnsupportedMediaType,
        TooManyRequests,
        InternalServerError,
        BadGateway,
        ServiceUnavailableError,
        GatewayTimeout,
    )
}


def error_class(status: int) -> type[TransportError]:
    """The exception class for an error ``status``."""
    found = _BY_STATUS.get(status)
    if found is not None:
        return found
    if 400 <= status < 500:
        return ClientError
    if status >= 500:
        return ServerError
    return UnexpectedResponse
