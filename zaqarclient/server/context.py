"""Per-request context handed to every handler."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zaqarclient.server.ids import client_key
from zaqarclient.server.protocol import (
    JSON_CT,
    ServerRequest,
    ServerResponse,
    body_too_large,
    dumps,
)
from zaqarclient.server.request import Query, content_length, parse_json

if TYPE_CHECKING:
    from zaqarclient.server.app import App


class Ctx:
    """The request plus what the pipeline learned about it (project, client, roles)."""

    __slots__ = (
        "_query", "app", "clen", "client_id", "params", "path", "prefix", "project", "req",
        "roles",
    )

    def __init__(
        self, app: App, req: ServerRequest, path: str, params: dict[str, str], prefix: str
    ) -> None:
        self.app = app
        self.req = req
        self.path = path
        self.params = params
        self.prefix = prefix
        self.project = ""
        self.client_id = ""
        self.roles: tuple[str, ...] = ()
        self._query: Query | None = None
        if req.oversize and "content-length" not in req.headers:
            raise body_too_large(app.config.body_limit())
        self.clen = content_length(req.headers, req.body)

    @property
    def query(self) -> Query:
        if self._query is None:
            self._query = Query(self.req.query)
        return self._query

    @property
    def queue(self) -> str:
        return self.params.get("queue_name") or self.params.get("topic_name") or ""

    @property
    def client_key(self) -> str:
        return client_key(self.client_id)

    def header(self, name: str) -> str | None:
        return self.req.headers.get(name)

    @property
    def body(self) -> bytes:
        """The request body; 413 when it was too large to keep."""
        if self.req.oversize:
            raise body_too_large(self.app.config.body_limit())
        return self.req.body

    def json_body(self) -> Any:
        return parse_json(self.body, self.clen)

    def json(
        self, status: int, doc: Any, headers: list[tuple[str, str]] | None = None
    ) -> ServerResponse:
        out = [("content-type", JSON_CT)]
        if headers:
            out.extend(headers)
        return ServerResponse(status, out, dumps(doc))

    def empty(self, status: int = 204, location: str | None = None) -> ServerResponse:
        return ServerResponse(status, [("location", location)] if location else [], b"")
