"""Pre-signed URL access: the ``signed-url`` backend and a local signer.

Zaqar signs ``paths``, ``methods``, the project and the expiry with
HMAC-SHA256 under ``[signed_url] secret_key``. The fields are joined with the
two characters backslash and ``n`` (not a newline), paths and methods sorted.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from zaqarclient.auth.base import AuthBackend, option
from zaqarclient.errors import ConfigurationError

EXPIRES_FORMAT = "%Y-%m-%dT%H:%M:%S"
_SEPARATOR = "\\n"  # a literal backslash followed by "n", as Zaqar signs it


@dataclass(frozen=True, slots=True)
class SignedURL:
    """A signed URL document, as ``POST /v2/queues/{q}/share`` returns it."""

    paths: tuple[str, ...]
    methods: tuple[str, ...]
    project: str | None
    expires: str
    signature: str

    def as_dict(self) -> dict[str, Any]:
        """The document in Zaqar's JSON shape."""
        return {
            "paths": list(self.paths),
            "methods": list(self.methods),
            "project": self.project,
            "expires": self.expires,
            "signature": self.signature,
        }


def format_expires(when: datetime) -> str:
    """Zaqar's expiry format: naive UTC, no fraction."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.strftime(EXPIRES_FORMAT)


def signature(
    key: str, paths: Iterable[str], methods: Iterable[str], project: str | None, expires: str
) -> str:
    """The hex HMAC-SHA256 signature Zaqar computes for these fields."""
    message = _SEPARATOR.join(
        [",".join(sorted(paths)), ",".join(sorted(methods)), str(project), expires]
    )
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def sign(
    key: str,
    queue: str,
    *,
    project: str,
    paths: Iterable[str] = ("messages",),
    methods: Iterable[str] = ("GET",),
    expires: datetime | None = None,
    ttl_seconds: int = 86400,
    version: str = "v2",
) -> SignedURL:
    """Sign access to ``queue`` of ``project`` locally, as the server's share endpoint would.

    ``project`` is required: Zaqar checks a signature against the request's
    ``X-Project-ID``, and one signed without a project (Zaqar's text "None")
    verifies for a request that sends no ``X-Project-ID`` and names its
    project some other way, which would open any project's queue.
    """
    if not isinstance(project, str) or not project:
        raise ConfigurationError(
            f"sign() needs the project the URL is for (a non-empty string), got {project!r}"
        )
    allowed = {"messages", "subscriptions", "claims"}
    kinds = list(paths)
    bad = sorted(set(kinds) - allowed)
    if bad:
        raise ConfigurationError(f"Invalid paths {bad}: use messages, subscriptions or claims")
    full_paths = tuple(sorted(f"/{version}/queues/{queue}/{kind}" for kind in kinds))
    sorted_methods = tuple(sorted(methods))
    when = expires or datetime.now(UTC) + timedelta(seconds=ttl_seconds)
    stamp = format_expires(when)
    return SignedURL(
        paths=full_paths,
        methods=sorted_methods,
        project=project,
        expires=stamp,
        signature=signature(key, full_paths, sorted_methods, project, stamp),
    )


def verify(
    key: str,
    *,
    paths: Iterable[str],
    methods: Iterable[str],
    project: str | None,
    expires: str,
    signature_value: str | None,
    now: datetime | None = None,
) -> bool:
    """True when the signature matches, the expiry is in the future and a project is named.

    ``now`` may be naive (taken as UTC, like Zaqar's expiry) or aware (converted
    to UTC). A missing signature or project is simply not valid.
    """
    if not isinstance(signature_value, str) or not isinstance(expires, str):
        return False
    if not isinstance(project, str) or not project:
        return False
    try:
        when = datetime.strptime(expires.rstrip("Z"), EXPIRES_FORMAT)
    except ValueError:
        return False
    current = now or datetime.now(UTC)
    if current.tzinfo is not None:
        current = current.astimezone(UTC)
    if when <= current.replace(tzinfo=None):
        return False
    expected = signature(key, paths, methods, project, expires.rstrip("Z"))
    return hmac.compare_digest(expected.encode(), signature_value.encode("utf-8", "replace"))


def _as_list(value: Any, name: str) -> list[str]:
    if isinstance(value, str):
        return [part for part in value.split(",") if part]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    raise ConfigurationError(f"signed-url option {name!r} must be a list or a comma string")


class SignedURLAuth(AuthBackend):
    """Authenticate with a pre-signed URL document instead of a token.

    ``options`` can be the document returned by ``Queue.signed_url()`` as is
    (``signature``, ``expires``, ``methods``, ``paths``, ``project``), or
    python-zaqarclient's form with ``os_project_id``.
    """

    name = "signed-url"

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(options)
        opts = self.options
        missing = [k for k in ("signature", "expires", "methods", "paths") if not opts.get(k)]
        if missing:
            raise ConfigurationError(
                "signed-url auth needs the options signature, expires, methods and paths "
                f"(the document Queue.signed_url() returns); missing: {', '.join(missing)}"
            )
        self._headers = {
            "URL-Signature": str(opts["signature"]),
            "URL-Expires": str(opts["expires"]),
            "URL-Methods": ",".join(_as_list(opts["methods"], "methods")),
            "URL-Paths": ",".join(_as_list(opts["paths"], "paths")),
        }
        if self.project_id is None:
            self.project_id = option(opts, "project_id")

    def headers(self) -> dict[str, str]:
        """The URL-* headers plus the signed project."""
        headers = super().headers()
        headers.update(self._headers)
        return headers
