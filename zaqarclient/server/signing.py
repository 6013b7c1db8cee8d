"""Signed (pre-signed) URLs: bit-exact with Zaqar (section 7 of zaqar-api.md)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from typing import Any

from zaqarclient.server.protocol import ServerRequest

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _parse_expires(expires: Any) -> datetime.datetime:
    """Parse an ISO-8601 time (any zone) into naive UTC, as oslo's parse_isotime would."""
    text = str(expires).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.UTC).replace(tzinfo=None)
    return parsed


def sign(
    key: str | None,
    paths: list[str],
    project: str | None = None,
    methods: list[str] | None = None,
    expires: Any = None,
    now: float | None = None,
) -> dict[str, Any]:
    """Create a signed URL document; raises ValueError with Zaqar's texts."""
    methods = methods or ["GET"]
    if key is None:
        raise ValueError("The `key` can't be None")
    if not isinstance(paths, list) or not paths:
        raise ValueError("`paths` must be a non-empty list")
    if not isinstance(methods, list):
        raise ValueError("`methods` should be a list")
    utcnow = (
        datetime.datetime.fromtimestamp(now, datetime.UTC).replace(tzinfo=None)
        if now is not None else datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    )
    if expires is not None:
        try:
            as_int = int(expires)
        except (ValueError, TypeError):
            as_int = 0
        if as_int:
            raise ValueError(
                "`expires` should be date format, for example 2016-01-01T00:00:00, "
                f"not integer value: {as_int}"
            )
        try:
            when = _parse_expires(expires)
        except ValueError:
            raise ValueError(f"Unable to parse date string {expires!r}") from None
    else:
        when = utcnow + datetime.timedelta(days=1)
    if when <= utcnow:
        raise ValueError("`expires` is lower than the current time")
    methods = sorted(methods)
    paths = sorted(paths)
    expires_str = when.strftime(DATE_FORMAT)
    # The separator is a literal backslash followed by `n`, exactly as Zaqar signs.
    body = "\\n".join((",".join(paths), ",".join(methods), str(project), expires_str))
    digest = hmac.new(key.encode("utf-8"), body.encode("utf-8"), hashlib.sha256).hexdigest()
    return {"paths": paths, "methods": methods, "project": project, "expires": expires_str,
            "signature": digest}


def authorizes(signed_paths: list[str], path: str) -> bool:
    """True when one signed path is ``path`` itself or a parent of it (whole segments).

    Zaqar regex-searches each signed path in the request path, so the regex
    metacharacter ``.`` of a queue name is live (a URL signed for ``a.b`` also
    opens ``aXb``) and the header's text is run as a pattern. Here the paths
    are compared as literal text, which keeps what the share endpoint's paths
    mean (``.../messages`` opens ``.../messages/<id>``) and nothing more.
    """
    for signed in signed_paths:
        if signed and (path == signed or path.startswith(signed.rstrip("/") + "/")):
            return True
    return False


def verify_request(
    key: str | None, now: float, req: ServerRequest, path: str, project: str | None
) -> bool:
    """Check the URL-* headers of a request against ``key`` at ``now`` (failure: a bare 404).

    The signature is checked before anything else is read from the headers,
    so unsigned header text is never interpreted.
    """
    headers = req.headers
    if not key:
        return False
    methods = headers.get("url-methods", "").split(",")
    paths = headers.get("url-paths", "").split(",")
    try:
        expected = sign(
            key, paths, project=project, methods=methods, expires=headers.get("url-expires"),
            now=now,
        )
    except (ValueError, TypeError, OverflowError):
        return False
    if not same_signature(expected["signature"], headers.get("url-signature", "")):
        return False
    return req.method in methods and authorizes(paths, path)


def same_signature(expected: str, given: object) -> bool:
    """Constant-time comparison that also takes non-ASCII text (never raises)."""
    given_bytes = str(given).encode("utf-8", "surrogatepass")
    return hmac.compare_digest(expected.encode("ascii"), given_bytes)


def format_naive(ts: float) -> str:
    """A UTC timestamp in the form Zaqar passes to `sign` (str of a naive datetime)."""
    return str(datetime.datetime.fromtimestamp(ts, datetime.UTC).replace(tzinfo=None))
