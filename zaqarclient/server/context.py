"""Per-request context of the HTTP adapters: the request, the services, and what the
pipeline learned about the caller (project, Client-ID, roles)."""

from __future__ import annotations

from typing import Any

from zaqarclient.server.domain.target import Target
from zaqarclient.server.ids import client_key
from zaqarclient.server.protocol import (
    JSON_CT,
    ServerRequest,
    ServerResponse,
    body_too_large,
    dumps,
)
from zaqarclient.server.request import Query, content_length, parse_json
from zaqarclient.server.services import Services


class Ctx:
    """One HTTP request on its way through a handler."""

    __slots__ = (
        "_query", "_target", "clen", "client_id", "params", "path", "prefix", "project", "req",
        "roles", "services",
    )

    def __init__(
        self, services: Services, req: ServerRequest, path: str, params: dict[str, str],
        prefix: str,
    ) -> None:
        self.services = services
        self.req = req
        self.path = path
        self.params = params
        self.prefix = prefix
        self.project = ""
        self.client_id = ""
        self.roles: tuple[str, ...] = ()
        self._query: Query | None = None
        self._target: Target | None = None
        if req.oversize and "content-length" not in req.headers:
            raise body_too_large(services.config.body_limit())
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
    def is_topic(self) -> bool:
        """Whether the route is a topic route (``/v2/topics/{topic_name}/...``)."""
        return "topic_name" in self.params

    @property
    def target(self) -> Target:
        """The queue (or topic) of the path, in the caller's project (read by handlers only,
        once the pipeline has set ``project``)."""
        if self._target is None:
            topic = "topic_name" in self.params
            self._target = Target(
                self.project, self.params["topic_name" if topic else "queue_name"], topic
            )
        return self._target

    @property
    def base(self) -> str:
        """`/v2/queues/{q}` (or `/v2/topics/{t}`), for building hrefs."""
        kind = "topics" if "topic_name" in self.params else "queues"
        return f"{self.prefix}/{kind}/{self.queue}"

    @property
    def client_key(self) -> str:
        return client_key(self.client_id)

    def header(self, name: str) -> str | None:
        return self.req.headers.get(name)

    @property
    def body(self) -> bytes:
        """The request body; 413 when it was too large to keep."""
        if self.req.oversize:
            raise body_too_large(self.services.config.body_limit())
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
