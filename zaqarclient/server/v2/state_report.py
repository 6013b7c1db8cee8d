"""``GET /v2/report``: the server's state report (not a Zaqar route; admin mode only)."""

from __future__ import annotations

from zaqarclient.server import report
from zaqarclient.server.context import Ctx
from zaqarclient.server.policy import is_admin
from zaqarclient.server.protocol import JSON_CT, ServerResponse, dumps, forbidden
from zaqarclient.server.state import collect


def get_report(ctx: Ctx) -> ServerResponse:
    """Write the report and answer it (``?format=json``: the data only).

    Admin only, whatever the policy setting: the report lists every project's queues.
    """
    if not is_admin(ctx.roles):
        raise forbidden()
    if ctx.query.get("format") == "json":
        return ServerResponse(200, [("content-type", JSON_CT)], dumps(collect(ctx.services)))
    text = report.write(ctx.services)
    return ServerResponse(200, [("content-type", "text/plain; charset=utf-8")],
                          text.encode("utf-8"))
