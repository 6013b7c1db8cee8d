"""Auth backends: ``noauth``, ``keystone`` and ``signed-url``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zaqarclient.auth.base import AuthBackend, NoAuth, TLSOptions
from zaqarclient.auth.keystone import KeystoneAuth
from zaqarclient.auth.signed_url import SignedURLAuth
from zaqarclient.errors import ConfigurationError

__all__ = ["AuthBackend", "KeystoneAuth", "NoAuth", "SignedURLAuth", "TLSOptions", "get_backend"]

BACKENDS: dict[str, type[AuthBackend]] = {
    "noauth": NoAuth,
    "keystone": KeystoneAuth,
    "signed-url": SignedURLAuth,
}


def get_backend(
    backend: str = "keystone",
    options: Mapping[str, Any] | None = None,
    session: Any = None,
    *,
    has_endpoint: bool = True,
) -> AuthBackend:
    """Build the backend named ``backend`` (python-zaqarclient's names).

    ``has_endpoint`` tells the keystone backend whether the client was given
    its URL (a given token is then used as it is).
    """
    cls = BACKENDS.get(backend)
    if cls is None:
        raise ConfigurationError(
            f"Unknown auth backend {backend!r}; use one of {', '.join(sorted(BACKENDS))}"
        )
    if options is not None and not isinstance(options, Mapping):
        raise ConfigurationError("auth_opts['options'] must be a dict")
    if cls is KeystoneAuth:
        return KeystoneAuth(options, session=session, has_endpoint=has_endpoint)
    return cls(options)
