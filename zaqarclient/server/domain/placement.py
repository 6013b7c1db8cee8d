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
  per registered pool, in the shape of that pool's driver. It probes every
  pool's store, so it blocks (up to ``pool_connect_timeout`` per pool).
"""

from __future__ import annotations

import uuid
from typing import Any

from zaqarclient.server.config import Config
from zaqarclient.server.domain.errors import DomainError, NoPoolFound
from zaqarclient.server.pool_stores import DEFAULT_DRIVER, can_connect, driver_for
from zaqarclient.server.storage.base import Pool, Storage

_ALL = 10**9
OPERATIONS = ("create_queue", "post_messages", "claim_messages", "list_messages",
              "delete_messages", "delete_claim", "bulk_delete_messages", "delete_queue")


def capabilities(pools: list[Pool]) -> list[str]:
    """The capability names of the first pool's driver (none without pools)."""
    if not pools:
        return []
    driver = driver_for(pools[0].uri) or DEFAULT_DRIVER
    return list(driver.capabilities)


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


class HealthUnavailable(DomainError):
    """A pool's report cannot be made (swift has none; an unreachable MongoDB fails to
    count messages): Zaqar answers 503."""

    status = 503


class Placement:
    """The pooling catalogue's rules over the pools and flavors in ``storage``."""

    def __init__(self, config: Config, storage: Storage) -> None:
        self._config = config
        self._storage = storage

    def pools(self) -> list[Pool]:
        """Every registered pool, by name."""
        return self._storage.pool_list(None, _ALL)

    def check(self, flavor: str | None) -> None:
        """Raise :class:`NoPoolFound` when a new queue (of ``flavor``) has nowhere to go."""
        if not self._config.pooling:
            return
        pools = self.pools()
        if flavor is not None:
            if any(p.flavor == flavor for p in pools):
                return
        elif any(not p.flavor for p in pools) or self._config.enable_virtual_pool:
            return
        raise NoPoolFound()

    def flavor_capabilities(self, flavor: str) -> list[str]:
        """The capabilities of ``flavor``: its first pool's driver's."""
        return capabilities([p for p in self.pools() if p.flavor == flavor])

    def capabilities_match(self, uri: str, flavor: str | None) -> bool:
        """Zaqar's ``_check_capabilities`` for a pool being put.

        With the MongoDB catalogue a pool without a flavor is compared with the first of
        *all* pools, one with a flavor with the first pool of that flavor.
        """
        pools = [p for p in self.pools() if flavor is None or p.flavor == flavor]
        have = capabilities(pools)
        new = driver_for(uri) or DEFAULT_DRIVER
        return not have or have == list(new.capabilities)

    def health(self) -> dict[str, Any]:
        """The health report: the catalogue's when pooling, else the one store's.

        Raises :class:`HealthUnavailable` where Zaqar answers 503.
        """
        if not self._config.pooling:
            # The store of a non-pooled server: this server models MongoDB's report.
            return self._store_health(self._storage.ping(), with_volume=True)
        timeout = self._config.pool_connect_timeout
        entries: dict[str, Any] = {}
        for pool in self.pools():
            driver = driver_for(pool.uri) or DEFAULT_DRIVER
            if not driver.has_health:
                raise HealthUnavailable(pool.name)
            reachable = can_connect(pool.uri, timeout)
            if not reachable and driver.reports_volume:
                raise HealthUnavailable(pool.name)  # MongoDB's message count raises
            entries[pool.name] = self._store_health(reachable, driver.reports_volume)
        report: dict[str, Any] = {
            "catalog_reachable": all(e["storage_reachable"] for e in entries.values())
        }
        report.update(entries)
        return report

    def _store_health(self, reachable: bool, with_volume: bool) -> dict[str, Any]:
        """One store's health in the shape of its driver (MongoDB's has message_volume)."""
        doc: dict[str, Any] = {"storage_reachable": reachable,
                               "operation_status": _operation_status(reachable)}
        if with_volume:
            claimed, total = self._storage.message_volume()
            doc["message_volume"] = {"free": total - claimed, "claimed": claimed,
                                     "total": total}
        return doc
