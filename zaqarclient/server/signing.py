"""Signed (pre-signed) URLs: bit-exact with Zaqar (section 7 of zaqar-api.md)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from typing import TYPE_CHECKING, Any

from zaqarclient.server.protocol import ServerRequest

if TYPE_CHECKING:
    from zaqarclient.server.app import App

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


def verify_request(app: App, req: ServerRequest, path: str) -> bool:
    """Check the URL-* headers of a request (any failure means a bare 404)."""
    headers = req.headers
    key = app.config.secret_key
    if not key:
        return False
    methods = headers.get("url-methods", "").split(",")
    paths = headers.get("url-paths", "").split(",")
    if req.method not in methods:
        return False
    try:
        if not any(p and re.search(p, path) for p in paths):
            return False
    except re.error:
        return False
    project = headers.get("x-project-id")
    try:
        expected = sign(
            key, paths, project=project, methods=methods, expires=headers.get("url-expires"),
            now=app.clock.now(),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(expected["signature"], headers.get("url-signature", ""))


def format_naive(ts: float) -> str:
    """A UTC timestamp in the form Zaqar passes to `sign` (str of a naive datetime)."""
    return str(datetime.datetime.fromtimestamp(ts, datetime.UTC).replace(tzinfo=None))
