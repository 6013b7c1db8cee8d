"""The notification bridge: OpenStack notifications into the owning projects' Zaqar queues.

    bus (oslo.messaging listener, pool) -> rules (route, allow-listed fields)
        -> Zaqar (one post per queue and batch) -> acknowledge on the bus

Modules, one concern each: :mod:`~zaqarclient.bridge.notification` (the
document routes address), :mod:`~zaqarclient.bridge.rules` (the YAML rules),
:mod:`~zaqarclient.bridge.delivery` (posting, retries, dead letters),
:mod:`~zaqarclient.bridge.targets` (one SDK client per project),
:mod:`~zaqarclient.bridge.deadletter`, :mod:`~zaqarclient.bridge.metrics`,
:mod:`~zaqarclient.bridge.listener` (oslo.messaging) and
:mod:`~zaqarclient.bridge.cli` (``zaqar-notification-bridge``). Only the
listener needs the ``bridge`` extra (oslo.messaging); routing and dry runs
need PyYAML alone.
"""

from zaqarclient.bridge.delivery import Backoff, Bridge, Requeue
from zaqarclient.bridge.notification import Notification
from zaqarclient.bridge.rules import (
    DeadLetter,
    Delivery,
    Discarded,
    Route,
    Rules,
    RulesError,
    compile_rules,
    load_rules,
)

__all__ = [
    "Backoff",
    "Bridge",
    "DeadLetter",
    "Delivery",
    "Discarded",
    "Notification",
    "Requeue",
    "Route",
    "Rules",
    "RulesError",
    "compile_rules",
    "load_rules",
]
