"""The services of one reference server, built once and handed to every request.

:class:`Services` is what the adapters (HTTP v2, v1.1, websocket) work
with: the configuration and clock, the domain services that hold Zaqar's
rules (:mod:`zaqarclient.server.domain`), and the infrastructure a few
adapters need directly (the trace log, the notifier's connection sinks, the
state of the serving side). Each domain service gets exactly the
dependencies it uses at construction, never the whole bundle.
"""

from __future__ import annotations

import dataclasses

from zaqarclient.server.clock import Clock
from zaqarclient.server.config import Config
from zaqarclient.server.domain.catalogue import Catalogue
from zaqarclient.server.domain.claims import Claims
from zaqarclient.server.domain.messages import Messages
from zaqarclient.server.domain.placement import Placement
from zaqarclient.server.domain.queues import Queues
from zaqarclient.server.domain.shares import Shares
from zaqarclient.server.domain.subscriptions import Subscriptions
from zaqarclient.server.notify import Notifier
from zaqarclient.server.state import Runtime
from zaqarclient.server.storage.base import Storage
from zaqarclient.server.traces import TraceLog


@dataclasses.dataclass(slots=True, eq=False)
class Services:
    """Everything a request may use; ``runtime`` is set by the server that serves it."""

    config: Config
    clock: Clock
    storage: Storage
    notifier: Notifier
    traces: TraceLog
    placement: Placement
    queues: Queues
    messages: Messages
    claims: Claims
    subscriptions: Subscriptions
    shares: Shares
    catalogue: Catalogue
    runtime: Runtime | None = None

    def close(self) -> None:
        """Stop deliveries, then close the store."""
        self.notifier.close()
        self.storage.close()


def build_services(config: Config, clock: Clock, storage: Storage) -> Services:
    """Wire the services of one server around its config, clock and store."""
    notifier = Notifier(config)
    placement = Placement(config, storage)
    subscriptions = Subscriptions(config, clock, storage, notifier)
    return Services(
        config=config,
        clock=clock,
        storage=storage,
        notifier=notifier,
        traces=TraceLog(config.profiler_hmac_keys),
        placement=placement,
        queues=Queues(config, storage, placement),
        messages=Messages(config, storage, subscriptions),
        claims=Claims(config, storage),
        subscriptions=subscriptions,
        shares=Shares(config, clock),
        catalogue=Catalogue(config, storage, placement),
    )
