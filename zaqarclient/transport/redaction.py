"""Keeping secrets (tokens, signatures, passwords) out of logs and errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

REDACTED = "***"

#: Header names whose values are secrets (compared case-insensitively).
SECRET_HEADERS = frozenset(
    {
        "x-auth-token",
        "x-subject-token",
        "x-service-token",
        "authorization",
        "url-signature",
        "proxy-authorization",
        "cookie",
        "set-cookie",
    }
)

#: JSON keys whose values are secrets wherever they appear in a body.
SECRET_KEYS = frozenset(
    {
        "signature",
        "url-signature",
        "password",
        "token",
        "auth_token",
        "os_auth_token",
        "x-auth-token",
        "secret",
        "secret_key",
        "trust_id",
    }
)

_QUERY_SECRET = re.compile(r"(?i)([?&](?:signature|token|password)=)[^&#]*")
# scheme://user:password@ (a password in a URL: endpoints, pool URIs such as mongodb://).
_USERINFO_SECRET = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/?#@\s]*:)[^/?#\s]*@")


def redact_headers(headers: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``headers`` with secret values replaced."""
    return {
        name: (REDACTED if name.lower() in SECRET_HEADERS else value)
        for name, value in headers.items()
    }


def redact_body(value: Any) -> Any:
    """A copy of a decoded JSON ``value`` with secret keys' values and URL passwords replaced."""
    if isinstance(value, str):
        return redact_userinfo(value) if "@" in value else value
    if isinstance(value, dict):
        return {
            key: (
                REDACTED
                if isinstance(key, str) and key.lower() in SECRET_KEYS
                else redact_body(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_body(item) for item in value]
    return value


def redact_userinfo(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` URL in it hidden."""
    return _USERINFO_SECRET.sub(lambda m: m.group(1) + REDACTED + "@", text)


def redact_url(url: str) -> str:
    """``url`` without secrets: query signature/token/password and a userinfo password."""
    if "@" in url:
        url = redact_userinfo(url)
    if "?" not in url:
        return url
    return _QUERY_SECRET.sub(lambda m: m.group(1) + REDACTED, url)
