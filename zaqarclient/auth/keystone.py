"""Keystone authentication through a keystoneauth1 session.

Three ways in, as in python-zaqarclient:

* ``auth_token``: the token is sent as given. With an explicit Zaqar URL
  Keystone is never contacted (Heat, os-collect-config and Aodh hand the
  client a token they already hold; their Keystone may be unreachable from
  here); without one, Keystone (the caller's session, or ``auth_url``) is
  asked only for the endpoint.
* a keystoneauth1 session from the caller: it supplies the token and, when
  no URL was given, the endpoint from its catalog.
* password (or token) options with ``auth_url``: a session is built on first
  use and reused, so one token serves many calls; keystoneauth refreshes it
  before it expires, and after a ``401`` :meth:`KeystoneAuth.reauthenticate`
  drops it so the transport can resend once.

Nothing talks to Keystone before the first request, and whatever goes wrong
there (refused credentials, an unreachable Keystone, no catalog entry) is
raised as :class:`~zaqarclient.errors.AuthenticationError`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from zaqarclient.auth.base import AuthBackend, AuthFlow, ConnectionFlow, TLSOptions, option
from zaqarclient.errors import AuthenticationError, ConfigurationError, IdentityUnavailable
from zaqarclient.transport.redaction import redact_url

_PASSWORD_FIELDS = (
    "username",
    "user_id",
    "password",
    "project_id",
    "project_name",
    "user_domain_name",
    "user_domain_id",
    "project_domain_name",
    "project_domain_id",
)

T = TypeVar("T")


class KeystoneAuth(AuthBackend):
    """Send ``X-Auth-Token``: a given token, or one from a keystoneauth1 session.

    ``has_endpoint`` says whether the client was given its Zaqar URL; when it
    was not, :meth:`endpoint` reads the catalog through a session.
    """

    name = "keystone"
    dynamic = True

    def __init__(
        self,
        options: Mapping[str, Any] | None = None,
        session: Any = None,
        *,
        has_endpoint: bool = True,
    ) -> None:
        super().__init__(options)
        opts = self.options
        self._static_token: str | None = None
        self._session: Any = session
        self._lock = threading.Lock()
        # One renewal after a 401 at a time: the others see the new token and just resend.
        self._renew_lock = threading.Lock()
        token = option(opts, "auth_token")
        if token:
            self._static_token = str(token)
            self.dynamic = False
        if session is not None and not (token and has_endpoint):
            self.tls = _tls_from_session(session, opts, self.tls)

    @property
    def session(self) -> Any:
        """The keystoneauth1 session (built from the options on first use)."""
        with self._lock:
            if self._session is None:
                self._session = self._build_session()
            return self._session

    def _build_session(self) -> Any:
        opts = self.options
        auth_url = option(opts, "auth_url")
        if not auth_url:
            raise ConfigurationError(
                "keystone auth needs 'auth_url' (or a keystoneauth1 session, or "
                "'auth_token' with an explicit endpoint URL); for a server without "
                "auth use {'backend': 'noauth', 'options': {'os_project_id': ...}}"
            )
        return _build_session(opts, str(auth_url), option(opts, "auth_token"), self.tls)

    def headers(self) -> dict[str, str]:
        """``X-Auth-Token`` (fetched or refreshed as needed) and configured headers."""
        headers = super().headers()
        if self._static_token is not None:
            headers["X-Auth-Token"] = self._static_token
            return headers
        session = self.session
        token = keystone_call(session.get_token, "get a token")
        if not token:
            raise AuthenticationError("Keystone returned no token")
        headers["X-Auth-Token"] = token
        return headers

    def auth_flow(self) -> AuthFlow:
        """The token for a call; after a 401 for it, a new one (unless another call renewed it)."""
        if self._static_token is not None:
            yield from super().auth_flow()
            return
        headers = self.headers()
        result = yield headers
        if result.status == 401 and self._renew_after(headers.get("X-Auth-Token")):
            yield self.headers()

    def needs_fetch(self, rejected: Mapping[str, str] | None = None) -> bool:
        """True when no token is cached, it expires soon, or ``rejected`` holds the cached one."""
        if self._static_token is not None:
            return False
        token = self._cached_token()
        if token is None:
            return True
        if rejected is not None:
            return token == rejected.get("X-Auth-Token")
        plugin = getattr(self._session, "auth", None)
        ref: Any = getattr(plugin, "auth_ref", None)
        life = getattr(plugin, "MIN_TOKEN_LIFE_SECONDS", 120)
        return bool(getattr(plugin, "reauthenticate", True)) and bool(ref.will_expire_soon(life))

    def fetch(self, rejected: Mapping[str, str] | None = None) -> None:
        """Get the token the flow will send (renewing the ``rejected`` one first)."""
        if rejected is not None:
            self._renew_after(rejected.get("X-Auth-Token"))
        self.headers()

    def _cached_token(self) -> str | None:
        """The session's token if it holds one now (no I/O); None for unknown plugins."""
        plugin = getattr(self._session, "auth", None)
        ref = getattr(plugin, "auth_ref", None)
        token = getattr(ref, "auth_token", None)
        return token if isinstance(token, str) else None

    def _renew_after(self, rejected: str | None) -> bool:
        """After a 401 for ``rejected``: drop it, unless a newer one replaced it already.

        True when a resend may help (a new token is, or will be, there).
        """
        with self._renew_lock:
            current = self._cached_token()
            if rejected is not None and current is not None and current != rejected:
                return True  # another call's 401 renewed it: resend with that one
            return self.reauthenticate()

    def endpoint(self) -> str | None:
        """The messaging endpoint from the Keystone catalog."""
        session = self.session
        opts = self.options
        service_type = option(opts, "service_type", "messaging")
        interface = option(opts, "endpoint_type") or option(opts, "interface") or "public"
        url = keystone_call(
            lambda: session.get_endpoint(
                service_type=service_type,
                interface=interface,
                region_name=option(opts, "region_name"),
            ),
            f"find the {service_type!r} endpoint",
        )
        return str(url) if url else None

    def project(self) -> str | None:
        """The project the session's token is scoped to (None with a given token)."""
        if self._static_token is not None:
            return None
        session = self.session
        project = keystone_call(session.get_project_id, "read the token's project")
        return str(project) if project else None

    def connection_flow(self, *, renew: bool = False) -> ConnectionFlow:
        """A websocket's ``authenticate``: the token and its project, once per connection.

        A refused token is fetched again once (a session's may have been
        revoked); ``renew`` (the server closed the last connection because the
        token expired) drops the cached token first.
        """
        if renew:
            self.reauthenticate()
        for attempt in (0, 1):
            headers = self.headers()
            project = headers.get("X-Project-ID") or self.project()
            status = yield {
                "X-Auth-Token": headers.get("X-Auth-Token", ""),
                "X-Project-ID": project or "",
            }
            if status != 401 or attempt or not self.reauthenticate():
                return

    def reauthenticate(self) -> bool:
        """Invalidate the session's token so the next call fetches a new one."""
        if self._static_token is not None or self._session is None:
            return False
        return bool(self._session.invalidate())


def keystone_call(call: Callable[[], T], what: str) -> T:
    """Run a keystoneauth1 call, turning its errors into :class:`AuthenticationError`."""
    # keystoneauth1 takes ~100 ms to import: only clients that talk to Keystone pay it.
    from keystoneauth1 import exceptions as ks_exc

    try:
        return call()
    except (ks_exc.ConnectionError, ks_exc.DiscoveryFailure) as exc:
        url = redact_url(str(getattr(exc, "url", "") or ""))
        raise IdentityUnavailable(
            f"Cannot reach Keystone to {what}: {type(exc).__name__}", url=url
        ) from exc
    except ks_exc.HttpError as exc:
        status = getattr(exc, "http_status", None)
        raise AuthenticationError(
            f"Keystone refused to {what}: {status} {_safe_message(exc)}", status=status
        ) from exc
    except ks_exc.ClientException as exc:
        raise AuthenticationError(
            f"Keystone could not {what}: {type(exc).__name__}: {_safe_message(exc)}"
        ) from exc


def _safe_message(exc: BaseException) -> str:
    # keystoneauth messages quote URLs and server text, never the request body.
    text = str(getattr(exc, "message", "") or exc)
    return redact_url(text)[:300]


def _tls_from_session(session: Any, opts: Mapping[str, Any], parsed: TLSOptions) -> TLSOptions:
    """TLS from the caller's session unless the options say otherwise."""
    if any(option(opts, name) is not None for name in ("insecure", "cacert", "cert", "key")):
        return parsed
    verify = getattr(session, "verify", True)
    cert = getattr(session, "cert", None)
    return TLSOptions(verify=verify if verify is not None else True, cert=cert)


def _build_session(opts: Mapping[str, Any], auth_url: str, token: Any, tls: TLSOptions) -> Any:
    # Loaded on first use, as in keystone_call().
    from keystoneauth1 import session as ks_session
    from keystoneauth1.identity import generic

    plugin: Any
    if token:
        plugin = generic.Token(
            auth_url=auth_url,
            token=str(token),
            project_id=option(opts, "project_id"),
            project_name=option(opts, "project_name"),
            project_domain_id=option(opts, "project_domain_id"),
            project_domain_name=option(opts, "project_domain_name"),
        )
    else:
        fields = {name: option(opts, name) for name in _PASSWORD_FIELDS}
        if not fields["password"]:
            raise ConfigurationError("keystone auth needs 'password' (or 'auth_token')")
        if not (fields["username"] or fields["user_id"]):
            raise ConfigurationError("keystone auth needs 'username' or 'user_id'")
        plugin = generic.Password(
            auth_url=auth_url, **{k: v for k, v in fields.items() if v is not None}
        )
    return ks_session.Session(auth=plugin, verify=tls.verify, cert=tls.cert)
