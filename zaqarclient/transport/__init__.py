"""Transports: how a :class:`~zaqarclient.transport.request.Request` reaches Zaqar.

:func:`get_transport_for` and :func:`get_transport` are python-zaqarclient's
low-level entry points (see :mod:`zaqarclient.transport.legacy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zaqarclient.transport.legacy import Transport
    from zaqarclient.transport.request import Request

__all__ = ["get_transport", "get_transport_for"]


def get_transport(
    transport: str = "http", version: object = 2, options: Mapping[str, object] | None = None
) -> Transport:
    """A transport for scheme ``transport`` (http, https, ws, wss) and API ``version``.

    ``options`` is a client ``conf`` (``auth_opts``...). Unknown schemes or
    versions raise :class:`~zaqarclient.errors.DriverLoadFailure`.
    """
    # Loaded on use: importing any zaqarclient.transport module should not pull in
    # urllib3, requests and every transport.
    from zaqarclient.transport import legacy

    return legacy.get_transport(transport, version, options)


def get_transport_for(
    url_or_request: str | Request, version: object = 2, options: Mapping[str, object] | None = None
) -> Transport:
    """A transport for a URL's scheme (or a request's ``endpoint``).

    It has ``send(request)``, websocket ``recv()``, ``cleanup()`` and works as a
    context manager, as python-zaqarclient's did.
    """
    # Loaded on use, as in get_transport().
    from zaqarclient.transport import legacy

    return legacy.get_transport_for(url_or_request, version, options)
