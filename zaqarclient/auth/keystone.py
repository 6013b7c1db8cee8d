"""Keystone authentication through a keystoneauth1 session.

The session is given by the caller or built once from password/token
options and then reused: one token serves many calls, and keystoneauth
refreshes it before it expires. After a ``401`` the transport asks
:meth:`KeystoneAuth.reauthenticate` to drop the token and resends once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zaqarclient.auth.base import AuthBackend, TLSOptions, option
from zaqarclient.errors import ConfigurationError

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


class KeystoneAuth(AuthBackend):
    """Send ``X-Auth-Token`` from a keystoneauth1 session."""

    name = "keystone"
    dynamic = True

    def __init__(self, options: Mapping[str, Any] | None = None, session: Any = None) -> None:
        super().__init__(options)
        opts = self.options
        self._static_token: str | None = None
        self.session: Any = session
        if session is not None:
            self.tls = _tls_from_session(session, opts, self.tls)
            return
        token = option(opts, "auth_token")
        auth_url = option(opts, "auth_url")
        if token and not auth_url:
            # A bare token with an explicit endpoint: used as it is, never refreshed.
            self._static_token = str(token)
            return
        if not auth_url:
            raise ConfigurationError(
                "keystone auth needs 'auth_url' (or a keystoneauth1 session, or "
                "'auth_token' with an explicit endpoint URL); for a server without "
                "auth use {'backend': 'noauth', 'options': {'os_project_id': ...}}"
            )
        self.session = _build_session(opts, str(auth_url), token, self.tls)

    def headers(self) -> dict[str, str]:
        """``X-Auth-Token`` (fetched or refreshed as needed) and configured headers."""
        headers = super().headers()
        if self._static_token is not None:
            headers["X-Auth-Token"] = self._static_token
            return headers
        token = self.session.get_token()
        if not token:
            raise ConfigurationError("keystone session returned no token")
        headers["X-Auth-Token"] = token
        return headers

    def endpoint(self) -> str | None:
        """The messaging endpoint from the Keystone catalog."""
        if self.session is None:
            return None
        opts = self.options
        url = self.session.get_endpoint(
            service_type=option(opts, "service_type", "messaging"),
            interface=option(opts, "endpoint_type") or option(opts, "interface") or "public",
            region_name=option(opts, "region_name"),
        )
        return str(url) if url else None

    def reauthenticate(self) -> bool:
        """Invalidate the session's token so the next call fetches a new one."""
        if self.session is None:
            return False
        return bool(self.session.invalidate())


def _tls_from_session(session: Any, opts: Mapping[str, Any], parsed: TLSOptions) -> TLSOptions:
    """TLS from the caller's session unless the options say otherwise."""
    if any(option(opts, name) is not None for name in ("insecure", "cacert", "cert", "key")):
        return parsed
    verify = getattr(session, "verify", True)
    cert = getattr(session, "cert", None)
    return TLSOptions(verify=verify if verify is not None else True, cert=cert)


def _build_session(opts: Mapping[str, Any], auth_url: str, token: Any, tls: TLSOptions) -> Any:
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
