"""What a running reference server holds, as plain data (no third-party imports).

:func:`collect` gathers the version, the configuration with its secrets
masked, threads and event-loop tasks, open connections, subscriptions, the
traces received and, per project, each queue's free/claimed/total counts and
its oldest message's age. :mod:`zaqarclient.server.report` renders it with
oslo.reports; ``GET /v2/report`` answers it as JSON.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import platform
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from zaqarclient import __version__
from zaqarclient.server.clock import Clock
from zaqarclient.server.config import Config
from zaqarclient.server.notify import Notifier
from zaqarclient.server.storage.base import Storage
from zaqarclient.server.traces import TraceLog

MASK = "***"
#: Config fields whose values never appear in a report.
SECRET_FIELDS = frozenset({"secret_key", "tokens", "profiler_hmac_keys"})
_TOPIC_SUFFIX = "\x00topic"


@dataclass
class Runtime:
    """The serving side of an App: its event loop and live connections.

    Set by :class:`~zaqarclient.server.runner.ServerThread`; ``connections``
    returns ``(kind, peer)`` pairs and is safe to call from any thread.
    """

    loop: asyncio.AbstractEventLoop | None = None
    connections: Callable[[], list[tuple[str, str]]] = lambda: []
    started: float = field(default_factory=time.time)
    url: str = ""


class Sources(Protocol):
    """What a state report reads (the server's services, or the App holding them)."""

    @property
    def config(self) -> Config: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def storage(self) -> Storage: ...
    @property
    def notifier(self) -> Notifier: ...
    @property
    def traces(self) -> TraceLog: ...
    @property
    def runtime(self) -> Runtime | None: ...


def masked_config(config: Config) -> dict[str, Any]:
    """Every Config field; secrets replaced by ``***`` (kept empty when unset)."""
    values: dict[str, Any] = {}
    for item in dataclasses.fields(config):
        value = getattr(config, item.name)
        if item.name in SECRET_FIELDS and value:
            value = MASK
        elif isinstance(value, tuple):
            value = list(value)
        values[item.name] = value
    return values


def _threads() -> list[dict[str, Any]]:
    return [
        {"name": thread.name, "ident": thread.ident, "daemon": thread.daemon}
        for thread in threading.enumerate()
    ]


def _tasks(loop: asyncio.AbstractEventLoop | None) -> list[str]:
    if loop is None or loop.is_closed():
        return []
    try:
        tasks = asyncio.all_tasks(loop)
    except RuntimeError:  # the loop's task set changed while it was read; try once more
        tasks = asyncio.all_tasks(loop)
    names = []
    for task in tasks:
        coro = task.get_coro()
        names.append(f"{task.get_name()}: {getattr(coro, '__qualname__', repr(coro))}")
    return sorted(names)


def _age(created: float, now: float) -> int:
    return max(int(now - created), 0)


def queues_by_project(storage: Storage, now: float) -> dict[str, dict[str, Any]]:
    """``{project: {"queues": {name: counts}, "topics": {name: counts}}}``."""
    projects: dict[str, dict[str, Any]] = {}
    for scope, name in storage.queue_keys():
        kind = "topics" if scope.endswith(_TOPIC_SUFFIX) else "queues"
        project = scope[: -len(_TOPIC_SUFFIX)] if kind == "topics" else scope
        stats = storage.queue_stats(scope, name)
        entry: dict[str, Any] = {
            "free": stats.total - stats.claimed,
            "claimed": stats.claimed,
            "total": stats.total,
            "oldest_age": _age(stats.oldest.created, now) if stats.oldest else None,
            "subscriptions": len(storage.subscriptions_for(scope, name)),
        }
        projects.setdefault(project, {"queues": {}, "topics": {}})[kind][name] = entry
    return projects


def _subscriptions(projects: dict[str, dict[str, Any]], sessions: int) -> dict[str, int]:
    stored = sum(
        entry["subscriptions"]
        for project in projects.values()
        for kind in ("queues", "topics")
        for entry in project[kind].values()
    )
    return {"stored": stored, "websocket_sessions": sessions}


def collect(sources: Sources) -> dict[str, Any]:
    """The whole state of a server (and of its serving side, when it has one)."""
    runtime = sources.runtime
    connections = runtime.connections() if runtime is not None else []
    projects = queues_by_project(sources.storage, sources.clock.now())
    return {
        "version": {
            "zaqarclient": __version__,
            "python": platform.python_version(),
            "api": ["v2", "v1.1"] if sources.config.enable_v1_1 else ["v2"],
            "pid": os.getpid(),
        },
        "generated_at": time.time(),
        "started_at": runtime.started if runtime is not None else None,
        "url": runtime.url if runtime is not None else "",
        "config": masked_config(sources.config),
        "threads": _threads(),
        "tasks": _tasks(runtime.loop if runtime is not None else None),
        "connections": {
            "http": sorted(peer for kind, peer in connections if kind == "http"),
            "websocket": sorted(peer for kind, peer in connections if kind == "websocket"),
        },
        "subscriptions": _subscriptions(projects, len(sources.notifier.sinks)),
        "traces": {
            "received": sources.traces.total,
            "recent": [record.as_dict() for record in sources.traces.recent()],
        },
        "projects": projects,
    }
