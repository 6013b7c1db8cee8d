"""`POST /v2/queues/{q}/share`: create a pre-signed URL."""

from __future__ import annotations

from zaqarclient.server.context import Ctx
from zaqarclient.server.protocol import ServerResponse


def share(ctx: Ctx) -> ServerResponse:
    queue_path = ctx.path[: -len("/share")]
    return ctx.json(200, ctx.services.shares.share(queue_path, ctx.project, ctx.json_body()))
