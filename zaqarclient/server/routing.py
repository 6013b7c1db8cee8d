"""Route tables: one per API version, each a list of path templates with method handlers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from zaqarclient.server.protocol import ServerResponse

if TYPE_CHECKING:
    from zaqarclient.server.context import Ctx

Handler = Callable[["Ctx"], ServerResponse]
Hook = Callable[["Ctx"], None]

_VAR = re.compile(r"\{(\w+)\}")


class Route:
    """One path template (`/v2/queues/{queue_name}`) with a handler and policy per method."""

    __slots__ = (
        "allow", "handlers", "has_queue", "has_topic", "options_allow", "pattern", "policies",
        "template",
    )

    def __init__(self, template: str) -> None:
        self.template = template
        regex = _VAR.sub(lambda m: f"(?P<{m.group(1)}>[^/]*)", template)
        self.pattern = re.compile("^" + regex + "$")
        self.handlers: dict[str, Handler] = {}
        self.policies: dict[str, str | None] = {}
        self.has_queue = "{queue_name}" in template
        self.has_topic = "{topic_name}" in template
        self.allow = ""
        self.options_allow = ""

    def on(self, method: str, handler: Handler, policy: str | None = None) -> Route:
        self.handlers[method] = handler
        self.policies[method] = policy
        # falcon's 405 lists OPTIONS last; its OPTIONS answer leaves OPTIONS out.
        self.options_allow = ", ".join(sorted(self.handlers))
        self.allow = self.options_allow + ", OPTIONS"
        return self


# Zaqar 23 reads the project through oslo.context, which also takes the tenant headers.
MODERN_PROJECT_HEADERS = ("x-project-id", "x-tenant-id", "x-tenant")


class Router:
    """An ordered list of routes under one version prefix.

    ``project_headers`` are the request headers the project id is read from, in order,
    and ``client_id_header`` is the spelling of Client-ID in the "missing header"
    error: both differ between the Zaqar release a version imitates. ``hooks`` run
    after the header and name checks, before the method check and the handler.
    """

    def __init__(
        self,
        prefix: str,
        project_headers: tuple[str, ...] = MODERN_PROJECT_HEADERS,
        client_id_header: str = "Client-Id",
        hooks: tuple[Hook, ...] = (),
    ) -> None:
        self.prefix = prefix
        self.project_headers = project_headers
        self.client_id_header = client_id_header
        self.hooks = hooks
        self.routes: list[Route] = []
        # Routes by the number of "/" in their template: a variable never spans a
        # "/", so only routes of the path's depth can match it (in table order).
        self._by_depth: dict[int, list[Route]] = {}

    def route(self, template: str) -> Route:
        route = Route(self.prefix + template)
        self.routes.append(route)
        self._by_depth.setdefault(route.template.count("/"), []).append(route)
        return route

    def match(self, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self._by_depth.get(path.count("/"), ()):
            found = route.pattern.match(path)
            if found is not None:
                return route, found.groupdict()
        return None
