"""Route tables: one per API version, each a list of path templates with method handlers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from zaqarclient.server.protocol import ServerResponse

if TYPE_CHECKING:
    from zaqarclient.server.context import Ctx

Handler = Callable[["Ctx"], ServerResponse]

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


class Router:
    """An ordered list of routes under one version prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.routes: list[Route] = []

    def route(self, template: str) -> Route:
        route = Route(self.prefix + template)
        self.routes.append(route)
        return route

    def match(self, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            found = route.pattern.match(path)
            if found is not None:
                return route, found.groupdict()
        return None
