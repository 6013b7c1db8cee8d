"""Routing rules: which notifications go to which project's queue, and what of them.

A rules file is YAML::

    routes:
      - name: instances                          # optional; used in metrics
        match: {event_type: "compute.instance.*", priority: [info]}
        project: payload.tenant_id               # where the owning project is
        queue: "notifications"                   # may use {event_type} {project} ...
        fields: [event_type, timestamp, payload.instance_id, payload.state]
        ttl: 3600                                # optional, 60..1209600
      - match: {event_type: "compute.metrics.update"}
        discard: true                            # acknowledged, counted, not posted

The first route whose ``match`` (a :mod:`zaqarclient.filters` spec; a list
of ``PATH=PATTERN`` strings works too) accepts a notification wins.
``priority`` patterns match case-insensitively. ``fields`` is an allow-list:
the posted message body holds those fields and nothing else, each under its
last path segment (``payload.state`` -> ``state``) unless given as
``{name: path}``; versioned payloads are looked through and their
``nova_object`` envelopes removed. Paths that name credentials
(``context.auth_token``...) are refused.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zaqarclient.bridge.notification import PRIORITIES, SECRET_KEY, Notification, normalise_priority
from zaqarclient.errors import ConfigurationError, InvalidNameError
from zaqarclient.filters import MISSING, Condition, FieldPath, Filter, FilterError, plain
from zaqarclient.queues.v2.queues import validate_name

MIN_TTL, MAX_TTL = 60, 1209600
QUEUE_PLACEHOLDERS = ("event_type", "project", "priority", "publisher_id")
_ROUTE_KEYS = frozenset({"name", "match", "project", "queue", "fields", "ttl", "discard"})


class RulesError(ConfigurationError):
    """The rules file is unusable; the message names the route and the problem."""


@dataclass(frozen=True)
class Delivery:
    """Post ``body`` to ``queue`` of ``project``."""

    route: str
    project: str
    queue: str
    body: dict[str, Any]
    ttl: int | None

    @property
    def message(self) -> dict[str, Any]:
        """The Zaqar message to post."""
        return {"body": self.body} if self.ttl is None else {"body": self.body, "ttl": self.ttl}


@dataclass(frozen=True)
class DeadLetter:
    """Cannot be delivered, ever: why, and by which route (if one matched)."""

    reason: str
    route: str | None = None


@dataclass(frozen=True)
class Discarded:
    """A ``discard: true`` route took it."""

    route: str


Outcome = Delivery | DeadLetter | Discarded


@dataclass(frozen=True)
class Route:
    """One compiled rule."""

    name: str
    match: Filter
    project: FieldPath | None
    queue: str
    fields: tuple[tuple[str, FieldPath], ...]
    ttl: int | None
    discard: bool = False

    @property
    def priorities(self) -> frozenset[str]:
        """Bus priorities this route can match (all of them if it does not say)."""
        wanted = [c for c in self.match.conditions if c.path.text == "priority" and not c.negate]
        if not wanted:
            return frozenset(PRIORITIES)
        return frozenset(
            p for p in PRIORITIES if all(c.matches({"priority": p}) for c in wanted)
        )

    def apply(self, notification: Notification) -> Outcome:
        """What this route makes of a notification it matched."""
        if self.discard:
            return Discarded(self.name)
        document = notification.document
        assert self.project is not None  # checked when compiled
        project = self.project.resolve(document)
        if project is MISSING or project is None or project == "":
            return DeadLetter(f"no project at {self.project.text}", self.name)
        if not isinstance(project, str):
            return DeadLetter(f"the project at {self.project.text} is not a string", self.name)
        values = {
            "event_type": notification.event_type,
            "project": project,
            "priority": notification.priority,
            "publisher_id": notification.publisher_id,
        }
        queue = self.queue.format_map(values)
        try:
            validate_name(queue)
        except InvalidNameError as error:
            return DeadLetter(f"queue name {queue!r} is not valid: {error}", self.name)
        body: dict[str, Any] = {}
        for key, path in self.fields:
            value = path.resolve(document)
            if value is not MISSING:
                body[key] = plain(value)
        return Delivery(self.name, project, queue, body, self.ttl)


@dataclass(frozen=True)
class Rules:
    """The routes of one rules file, in order."""

    routes: tuple[Route, ...]

    def route(self, notification: Notification) -> Outcome:
        """The first matching route's outcome; a dead letter when none matches."""
        document = notification.document
        for route in self.routes:
            if route.match.matches(document):
                return route.apply(notification)
        return DeadLetter("no route matches")

    @property
    def priorities(self) -> list[str]:
        """The bus priorities some route can match, in oslo.messaging's order."""
        wanted = frozenset().union(*(route.priorities for route in self.routes))
        return [p for p in PRIORITIES if p in wanted]


def load_rules(path: str | Path) -> Rules:
    """Read and compile a rules file; :class:`RulesError` says what is wrong."""
    import yaml  # PyYAML is the optional ``bridge`` extra

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise RulesError(f"cannot read rules file {str(path)!r}: {error.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RulesError(f"rules file {str(path)!r} is not valid YAML: {error}") from None
    return compile_rules(data, source=str(path))


def compile_rules(data: Any, source: str = "rules") -> Rules:
    """Compile already-parsed rules (``{"routes": [...]}``)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("routes"), list):
        raise RulesError(f"{source}: expected a mapping with a 'routes' list")
    unknown = set(data) - {"routes"}
    if unknown:
        raise RulesError(f"{source}: unknown top-level key(s) {sorted(unknown)}; only 'routes'")
    if not data["routes"]:
        raise RulesError(f"{source}: 'routes' is empty, so every notification would be "
                         "dead-lettered")
    routes = [_compile_route(item, index, source) for index, item in enumerate(data["routes"])]
    names = [route.name for route in routes]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise RulesError(f"{source}: route name(s) {repeated} are used more than once")
    return Rules(tuple(routes))


def _compile_route(item: Any, index: int, source: str) -> Route:
    where = f"{source}: route {index + 1}"
    if not isinstance(item, Mapping):
        raise RulesError(f"{where} is not a mapping")
    name = item.get("name", f"route-{index + 1}")
    if not isinstance(name, str) or not name:
        raise RulesError(f"{where}: 'name' must be a non-empty string")
    where = f"{source}: route {index + 1} ({name})"
    unknown = set(item) - _ROUTE_KEYS
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {sorted(unknown)}; known: "
                         f"{sorted(_ROUTE_KEYS)}")
    match = _compile_match(item.get("match"), where)
    if item.get("discard", False) is True:
        extra = set(item) - {"name", "match", "discard"}
        if extra:
            raise RulesError(f"{where}: a discard route takes only 'match', not {sorted(extra)}")
        return Route(name, match, None, "", (), None, discard=True)
    if item.get("discard", False) is not False:
        raise RulesError(f"{where}: 'discard' must be true or false")
    for key in ("project", "queue", "fields"):
        if key not in item:
            raise RulesError(f"{where}: '{key}' is required")
    project = _path(item["project"], f"{where}: 'project'")
    queue = _compile_queue(item["queue"], where)
    fields = _compile_fields(item["fields"], where)
    ttl = item.get("ttl")
    if ttl is not None and (
        isinstance(ttl, bool) or not isinstance(ttl, int) or not MIN_TTL <= ttl <= MAX_TTL
    ):
        raise RulesError(f"{where}: 'ttl' must be a whole number of seconds from {MIN_TTL} "
                         f"to {MAX_TTL}, got {ttl!r}")
    return Route(name, match, project, queue, fields, ttl)


def _compile_match(spec: Any, where: str) -> Filter:
    if spec is None:
        return Filter()
    if not isinstance(spec, (Mapping, list)):
        raise RulesError(f"{where}: 'match' must be a mapping or a list of PATH=PATTERN strings")
    try:
        match = Filter.parse(spec, ignore_case=["priority"])
    except FilterError as error:
        raise RulesError(f"{where}: 'match': {error}") from None
    conditions = []
    for condition in match.conditions:
        if condition.path.text == "priority":
            patterns = tuple(normalise_priority(p) for p in condition.patterns)
            for pattern in patterns:
                if pattern not in PRIORITIES and not any(ch in pattern for ch in "*?["):
                    raise RulesError(f"{where}: priority {pattern!r} is none of "
                                     f"oslo.messaging's {', '.join(PRIORITIES)}")
            condition = Condition(condition.path, patterns, condition.negate, ignore_case=True)
        conditions.append(condition)
    return Filter(conditions)


def _path(text: Any, where: str) -> FieldPath:
    if not isinstance(text, str):
        raise RulesError(f"{where} must be a field path such as payload.tenant_id, got {text!r}")
    try:
        path = FieldPath(text)
    except FilterError as error:
        raise RulesError(f"{where}: {error}") from None
    secret = [segment for segment in path.segments if SECRET_KEY.search(segment)]
    if secret:
        raise RulesError(f"{where}: {path.text!r} names a credential ({secret[0]!r}); the "
                         "bridge never forwards secrets")
    return path


def _compile_queue(template: Any, where: str) -> str:
    if not isinstance(template, str) or not template:
        raise RulesError(f"{where}: 'queue' must be a queue name or template")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise RulesError(f"{where}: 'queue' {template!r} is not a template: {error}") from None
    names = [name for _, name, _, _ in parsed if name is not None]
    unknown = [name for name in names if name not in QUEUE_PLACEHOLDERS]
    if unknown:
        raise RulesError(f"{where}: 'queue' uses {{{unknown[0]}}}; it may use "
                         + ", ".join(f"{{{name}}}" for name in QUEUE_PLACEHOLDERS))
    if not names:
        try:
            validate_name(template)
        except InvalidNameError as error:
            raise RulesError(f"{where}: 'queue': {error}") from None
    return template


def _compile_fields(spec: Any, where: str) -> tuple[tuple[str, FieldPath], ...]:
    if not isinstance(spec, Sequence) or isinstance(spec, str) or not spec:
        raise RulesError(f"{where}: 'fields' must be a non-empty list of field paths (the only "
                         "things a tenant will see)")
    fields: list[tuple[str, FieldPath]] = []
    for entry in spec:
        if isinstance(entry, str):
            path = _path(entry, f"{where}: field")
            fields.append((path.name, path))
        elif isinstance(entry, Mapping) and len(entry) == 1:
            ((key, text),) = entry.items()
            if not isinstance(key, str) or not key:
                raise RulesError(f"{where}: field name {key!r} must be a non-empty string")
            fields.append((key, _path(text, f"{where}: field {key!r}")))
        else:
            raise RulesError(f"{where}: each field is a path or a one-entry mapping "
                             f"{{name: path}}, got {entry!r}")
    keys = [key for key, _ in fields]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise RulesError(f"{where}: more than one field would be called {repeated[0]!r}; "
                         f"rename one with {{other_name: path}}")
    return tuple(fields)
