"""Auth backends: ``noauth``, ``keystone`` and ``signed-url``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zaqarclient.auth.base import AuthBackend, NoAuth, TLSOptions
from zaqarclient.auth.keystone import KeystoneAuth
from zaqarclient.auth.signed_url import SignedURLAuth
from zaqarclient.errors import ConfigurationError

__all__ = [
    "AuthBackend",
    "KeystoneAuth",
    "NoAuth",
    "SignedURLAuth",
    "TLSOptions",
    "from_conf",
    "get_backend",
]

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


def from_conf(
    conf: Mapping[str, Any], session: Any = None, *, has_endpoint: bool = True
) -> AuthBackend:
    """The backend a client ``conf`` asks for in ``conf['auth_opts']``.

    As in python-zaqarclient, an ``auth_opts`` without ``backend`` means
    keystone. With no ``auth_opts`` at all (and no session) the client uses
    no-auth rather than failing for want of an ``auth_url``.
    """
    auth_opts = conf.get("auth_opts")
    if auth_opts is None:
        name = "keystone" if session is not None else "noauth"
        return get_backend(name, {}, session=session, has_endpoint=has_endpoint)
    if not isinstance(auth_opts, Mapping):
        raise ConfigurationError("conf['auth_opts'] must be a dict such as {'backend': 'noauth'}")
    name = auth_opts.get("backend") or "keystone"
    options = auth_opts.get("options") or {}
    return get_backend(name, options, session=session, has_endpoint=has_endpoint)
