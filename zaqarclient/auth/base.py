"""The auth backend interface, shared option parsing and TLS settings."""

from __future__ import annotations

import ssl
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from zaqarclient.errors import ConfigurationError

if TYPE_CHECKING:
    from zaqarclient.transport.contract import Result

#: An auth flow yields the auth headers of each send and is sent what came back.
AuthFlow: TypeAlias = Generator[dict[str, str], "Result", None]
#: A connection flow yields the credentials of a connection's ``authenticate`` and is
#: sent the status of its answer.
ConnectionFlow: TypeAlias = Generator[dict[str, str], int, None]


def option(options: Mapping[str, Any], name: str, default: Any = None) -> Any:
    """Read ``name`` or ``os_<name>`` from auth options (python-zaqarclient's rule)."""
    value = options.get(name)
    if value is None:
        value = options.get("os_" + name)
    return default if value is None else value


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def as_bool(value: Any, name: str) -> bool:
    """Interpret a boolean option given as bool, int or string."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise ConfigurationError(f"auth option {name!r} must be a boolean, got {value!r}")


@dataclass(frozen=True, slots=True)
class TLSOptions:
    """TLS settings for ``requests``: ``verify`` (bool or CA bundle path) and ``cert``."""

    verify: bool | str = True
    cert: str | tuple[str, str] | None = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> TLSOptions:
        """Read ``insecure``, ``cacert``, ``cert`` and ``key`` (``os_`` prefixes allowed)."""
        insecure = as_bool(option(options, "insecure", False), "insecure")
        cacert = option(options, "cacert")
        verify: bool | str = False if insecure else (str(cacert) if cacert else True)
        cert = option(options, "cert")
        key = option(options, "key")
        if key and not cert:
            raise ConfigurationError("auth option 'key' needs 'cert' (the client certificate)")
        client_cert: str | tuple[str, str] | None = (str(cert), str(key)) if key else cert
        return cls(verify=verify, cert=client_cert)

    def ssl_context(self) -> ssl.SSLContext:
        """An :class:`ssl.SSLContext` with these settings (for the asyncio transports)."""
        context = ssl.create_default_context(
            cafile=self.verify if isinstance(self.verify, str) else None
        )
        if self.verify is False:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if isinstance(self.cert, tuple):
            context.load_cert_chain(self.cert[0], self.cert[1])
        elif self.cert:
            context.load_cert_chain(self.cert)
        return context


class AuthBackend:
    """How requests are authenticated.

    ``headers()`` gives the auth headers for the next request; when
    ``dynamic`` is false they never change and are computed once.
    ``reauthenticate()`` drops cached credentials after a ``401`` and says
    whether resending can help. The pipeline does not call these itself: it
    runs :meth:`auth_flow`, which a backend may override (a signing scheme, a
    challenge/response) without any transport knowing about it.
    Connection-oriented transports (websocket) also run
    :meth:`connection_flow` on each new connection.
    """

    name = "base"
    dynamic = False
    _static_headers: dict[str, str] | None = None

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.options: Mapping[str, Any] = options or {}
        self.project_id: str | None = _project_id(self.options)
        self.tls = TLSOptions.from_options(self.options)
        roles = option(self.options, "roles")
        if isinstance(roles, (list, tuple)):
            roles = ",".join(str(role) for role in roles)
        self.roles: str | None = str(roles) if roles else None

    def headers(self) -> dict[str, str]:
        """The auth headers to send with a request."""
        headers: dict[str, str] = {}
        if self.project_id is not None:
            headers["X-Project-ID"] = self.project_id
        if self.roles:
            headers["X-Roles"] = self.roles
        return headers

    def auth_flow(self) -> AuthFlow:
        """Authenticate one call: yield its headers; after a 401, maybe once more.

        The pipeline sends with the yielded headers and sends the
        :class:`~zaqarclient.transport.contract.Result` back in; the flow ends
        when it yields nothing more.
        """
        if self.dynamic:
            headers = self.headers()
        else:
            headers = self._static_headers or self._remember_headers()
        result = yield headers
        if result.status == 401 and self.reauthenticate():
            yield self.headers()

    def _remember_headers(self) -> dict[str, str]:
        self._static_headers = self.headers()
        return self._static_headers

    def needs_fetch(self, rejected: Mapping[str, str] | None = None) -> bool:
        """Whether the auth flow's next headers would fetch credentials (blocking I/O).

        For a call's first send, or, with ``rejected`` (the headers a 401
        answered), for its resend. An asyncio driver then runs
        :meth:`fetch` on a worker thread first, once for all its calls
        waiting. The base class never fetches.
        """
        return False

    def fetch(self, rejected: Mapping[str, str] | None = None) -> None:
        """Fetch now what :meth:`needs_fetch` said the flow would (blocking; on a worker thread).

        Afterwards the flow finds the credentials cached.
        """

    def connection_flow(self, *, renew: bool = False) -> ConnectionFlow:
        """Authenticate a new long-lived connection (websocket ``authenticate``).

        Yields the credentials to send, and is sent the answer's status; the
        base class sends nothing, since its headers ride in every request.
        ``renew`` says the server ended the last connection because the
        credentials expired.
        """
        return
        yield {}

    def endpoint(self) -> str | None:
        """The service endpoint from a catalog, when the backend has one."""
        return None

    def reauthenticate(self) -> bool:
        """Drop cached credentials after a 401; true if a resend may succeed."""
        return False

    def close(self) -> None:
        """Release what the backend holds."""


class NoAuth(AuthBackend):
    """No credentials: Zaqar trusts the ``X-Project-ID`` header.

    No project id is invented: without one the server answers
    ``400 Project-Id Missing``. ``roles`` (e.g. ``admin``) sends ``X-Roles``,
    which a no-auth Zaqar reads for its admin policy.
    """

    name = "noauth"


def _project_id(options: Mapping[str, Any]) -> str | None:
    value = option(options, "project_id")
    if value is None:
        value = options.get("project")
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigurationError(f"project_id must be a string, got {type(value).__name__}")
    return value
