"""`POST /v2/queues/{q}/share`: create a pre-signed URL."""

from __future__ import annotations

from zaqarclient.server import signing
from zaqarclient.server.context import Ctx
from zaqarclient.server.protocol import (
    HTTPError,
    ServerResponse,
    bad_request_api,
    bad_request_body,
)

_KNOWN = {"paths", "methods", "expires"}
_VALID_PATHS = {"messages", "subscriptions", "claims"}


def _set_repr(items: set[str]) -> str:
    return "{" + ", ".join(repr(i) for i in sorted(items)) + "}"


def _internal(description: str) -> HTTPError:
    return HTTPError(500, "Internal server error", description)


def share(ctx: Ctx) -> ServerResponse:
    doc = ctx.json_body()
    if isinstance(doc, list):
        # Zaqar calls .keys() on the body: an array crashes it (falcon's 500).
        raise _internal("'list' object has no attribute 'keys'")
    if not isinstance(doc, dict):
        raise bad_request_body("Document type not supported.")
    unknown = set(doc) - _KNOWN
    if unknown:
        raise bad_request_api(f"Unknown keys: {_set_repr(unknown)}")
    root = ctx.path[: -len("/share")]
    paths = doc.get("paths")
    if not paths:
        full = [root + "/messages"]
    else:
        try:
            bad = set(paths) - _VALID_PATHS
        except TypeError as exc:  # not iterable, or unhashable items: a crash in Zaqar
            raise _internal(str(exc)) from None
        if bad:
            raise bad_request_api(f"Invalid paths: {_set_repr(bad)}")
        full = [f"{root}/{p}" for p in paths]
    try:
        data = signing.sign(
            ctx.app.config.secret_key, full, project=ctx.project, methods=doc.get("methods"),
            expires=doc.get("expires"), now=ctx.app.clock.now(),
        )
    except ValueError as exc:
        raise bad_request_api(str(exc)) from None
    return ctx.json(200, data)
