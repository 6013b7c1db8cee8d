"""Pooling mode: where new queues may go, flavor capabilities and the health report.

Follows Zaqar 23.0.1's pooling catalogue with the MongoDB management store
(``zaqar/storage/pooling.py``). The reference server keeps every queue in
its one store, so a pool is a catalogue record; what pooling changes is
observable all the same:

* a new queue needs a pool: one of its flavor's pools, else a pool without a
  flavor, else (no flavor asked for) the virtual pool when
  ``enable_virtual_pool`` is on. Otherwise Zaqar raises ``NoPoolFound``;
* a flavor's capabilities are those of its first pool's storage driver, and a
  pool whose driver's capabilities differ from its flavor's is refused;
* the health report is the catalogue's: ``catalog_reachable`` and one entry
  per registered pool, in the shape of that pool's driver.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from zaqarclient.server.pool_stores import DEFAULT_DRIVER, can_connect, driver_for
from zaqarclient.server.storage.base import Pool

if TYPE_CHECKING:
    from zaqarclient.server.app import App

_ALL = 10**9
OPERATIONS = ("create_queue", "post_messages", "claim_messages", "list_messages",
              "delete_messages", "delete_claim", "bulk_delete_messages", "delete_queue")


class NoPoolFound(Exception):
    """No pool can take a new queue (Zaqar's ``NoPoolFound``, same text)."""

    def __init__(self) -> None:
        super().__init__("No pools registered")


def _pools(app: App) -> list[Pool]:
    return app.storage.pool_list(None, _ALL)


def check_queue_placement(app: App, flavor: str | None) -> None:
    """Raise :class:`NoPoolFound` when a new queue (of ``flavor``) has nowhere to go."""
    if not app.config.pooling:
        return
    pools = _pools(app)
    if flavor is not None:
        if any(p.flavor == flavor for p in pools):
            return
    elif any(not p.flavor for p in pools) or app.config.enable_virtual_pool:
        return
    raise NoPoolFound()


def capabilities(pools: list[Pool]) -> list[str]:
    """The capability names of the first pool's driver (none without pools)."""
    if not pools:
        return []
    driver = driver_for(pools[0].uri) or DEFAULT_DRIVER
    return list(driver.capabilities)


def flavor_capabilities(app: App, flavor: str) -> list[str]:
    return capabilities([p for p in _pools(app) if p.flavor == flavor])


def capabilities_match(app: App, uri: str, flavor: str | None) -> bool:
    """Zaqar's ``_check_capabilities`` for a pool being put.

    With the MongoDB catalogue a pool without a flavor is compared with the first of
    *all* pools, one with a flavor with the first pool of that flavor.
    """
    pools = [p for p in _pools(app) if flavor is None or p.flavor == flavor]
    have = capabilities(pools)
    new = driver_for(uri) or DEFAULT_DRIVER
    return not have or have == list(new.capabilities)


def _operation_status(reachable: bool) -> dict[str, Any]:
    def status(succeeded: bool) -> dict[str, Any]:
        return {"succeeded": succeeded, "seconds": 0.0,
                "ref": None if succeeded else str(uuid.uuid4())}

    if reachable:
        return {op: status(True) for op in OPERATIONS}
    # The probe queue lives in the management store; its messages cannot be posted
    # or bulk-deleted, so the steps in between are skipped (Zaqar's _get_operation_status).
    return {"create_queue": status(True), "post_messages": status(False),
            "bulk_delete_messages": status(False), "delete_queue": status(True)}


def store_health(app: App, reachable: bool, with_volume: bool) -> dict[str, Any]:
    """One store's health in the shape of its driver (MongoDB's has message_volume)."""
    doc: dict[str, Any] = {"storage_reachable": reachable,
                           "operation_status": _operation_status(reachable)}
    if with_volume:
        claimed, total = app.storage.message_volume()
        doc["message_volume"] = {"free": total - claimed, "claimed": claimed, "total": total}
    return doc


class HealthUnavailable(Exception):
    """A pool's report cannot be made (swift has none; an unreachable MongoDB fails to
    count messages): Zaqar answers 503."""


def pooled_health(app: App) -> dict[str, Any]:
    """``catalog_reachable`` plus each registered pool's own report (virtual pool omitted)."""
    timeout = app.config.pool_connect_timeout
    report: dict[str, Any] = {}
    entries: dict[str, Any] = {}
    for pool in _pools(app):
        driver = driver_for(pool.uri) or DEFAULT_DRIVER
        if not driver.has_health:
            raise HealthUnavailable(pool.name)
        reachable = can_connect(pool.uri, timeout)
        if not reachable and driver.reports_volume:
            raise HealthUnavailable(pool.name)  # MongoDB's message count raises
        entries[pool.name] = store_health(app, reachable, driver.reports_volume)
    report["catalog_reachable"] = all(e["storage_reachable"] for e in entries.values())
    report.update(entries)
    return report
