"""Pools and flavors: the admin catalogue, with Zaqar's schema checks and texts.

A pool is a record whose store must answer when it is registered
(:func:`~zaqarclient.server.pool_stores.can_connect`, a blocking probe of up
to ``pool_connect_timeout``): the serving layer runs the routes that register
pools off its event loop. Flavors group pools; a flavor's capabilities are
its first pool's.
"""

from __future__ import annotations

from typing import Any

from zaqarclient.server.config import Config
from zaqarclient.server.domain.errors import BadDocument, Conflict, DoesNotExist, Refused
from zaqarclient.server.domain.placement import Placement
from zaqarclient.server.pool_stores import can_connect, redacted
from zaqarclient.server.storage.base import Conflict as StoredConflict
from zaqarclient.server.storage.base import Flavor, Pool, Storage

POOL_KEYS: dict[str, type] = {"uri": str, "weight": int, "flavor": str, "options": dict}
_MAX_WEIGHT = 2**32 - 1
_MAX_TEXT = 255


def schema_error(detail: str) -> BadDocument:
    # Zaqar's text is a Python repr of a jsonschema error; clients match on the status.
    return BadDocument(detail)


def check_object(doc: Any) -> dict[str, Any]:
    """The decoded body as a JSON object, as the catalogue's schemas demand."""
    if not isinstance(doc, dict):
        raise schema_error(f"{doc!r} is not of type 'object'")
    return doc


def check_pool_field(key: str, value: Any) -> None:
    """One field of a pool document against Zaqar's pool schema."""
    kind: type = POOL_KEYS[key]
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        raise schema_error(f"{value!r} is not of type '{kind.__name__}'")
    if key == "weight" and not 0 <= value <= _MAX_WEIGHT:
        raise schema_error(f"{value!r} is out of range for 'weight'")
    if key in ("uri", "flavor") and len(value) > _MAX_TEXT:
        raise schema_error(f"{value!r} is too long")
    if key == "uri" and ":" not in value:
        raise schema_error(f"{value!r} is not a 'uri'")


class PoolInUse(Refused):
    """The last pool of a flavor cannot be deleted (MongoDB's catalogue)."""


class UnsupportedPool(Refused):
    """A pool whose driver's capabilities differ from its flavor's (or the first pool's)."""


class EmptyPoolList(Refused):
    """A flavor needs at least one pool."""


class UnknownPool(Refused):
    """A flavor's pool list names a pool that does not exist."""


class Catalogue:
    """Pool and flavor records in ``storage``; flavors are per project."""

    def __init__(self, config: Config, storage: Storage, placement: Placement) -> None:
        self._config = config
        self._storage = storage
        self._placement = placement

    # ------------------------------------------------------------------ pools

    def check_connection(self, uri: str) -> None:
        """Zaqar's ``can_connect`` before a pool is stored (blocks; the password is not echoed)."""
        if not can_connect(uri, self._config.pool_connect_timeout):
            raise BadDocument(f"cannot connect to {redacted(uri)}")

    def list_pools(self, marker: str | None, limit: int) -> list[Pool]:
        return self._storage.pool_list(marker, limit)

    def get_pool(self, name: str) -> Pool:
        pool = self._storage.pool_get(name)
        if pool is None:
            raise self.pool_missing(name)
        return pool

    @staticmethod
    def pool_missing(name: str) -> DoesNotExist:
        return DoesNotExist(f"Pool {name} does not exist")

    def put_pool(self, name: str, doc: dict[str, Any], with_flavor: bool) -> None:
        """Validate and register (or replace) a pool from its document.

        ``with_flavor`` False (v1.1) accepts a ``flavor`` field but drops it.
        """
        for key in doc:
            if key not in POOL_KEYS:
                raise schema_error(
                    f"Additional properties are not allowed ({key!r} was unexpected)"
                )
        for key in ("uri", "weight"):
            if key not in doc:
                raise schema_error(f"{key!r} is a required property")
        for key, value in doc.items():
            check_pool_field(key, value)
        self.check_connection(doc["uri"])
        flavor = doc.get("flavor") if with_flavor else None
        if not self._placement.capabilities_match(doc["uri"], flavor):
            raise UnsupportedPool(400, "The pool being added does not support the minimum set "
                                       "of capabilities")
        self._store_pool(Pool(name, doc["uri"], doc["weight"], flavor, doc.get("options", {})))

    def patch_pool(self, name: str, doc: dict[str, Any], fields: tuple[str, ...]) -> Pool | None:
        """Change the ``fields`` present in ``doc``; the pool, or None when none is present."""
        present = [k for k in fields if k in doc]
        if not present:
            return None
        for key in present:
            check_pool_field(key, doc[key])
        if "uri" in doc:
            self.check_connection(doc["uri"])
        pool = self.get_pool(name)
        for key in present:
            if doc[key] is not None:
                setattr(pool, key, doc[key])
        self._store_pool(pool)
        return pool

    def _store_pool(self, pool: Pool) -> None:
        try:
            self._storage.pool_put(pool)
        except StoredConflict as exc:
            raise Conflict(str(exc)) from None

    def delete_pool(self, name: str) -> None:
        """Remove a pool; the last pool of a flavor stays (MongoDB's catalogue refuses it)."""
        pool = self._storage.pool_get(name)
        if pool is not None and pool.flavor and self.pools_of(pool.flavor) == [pool.name]:
            raise PoolInUse(403, f"This pool is used by flavors {pool.flavor}; It cannot be "
                                 "deleted.")
        self._storage.pool_delete(name)

    # ------------------------------------------------------------------ flavors

    def pools_of(self, flavor: str) -> list[str]:
        """The names of the pools in ``flavor``."""
        return [p.name for p in self._placement.pools() if p.flavor == flavor]

    def capabilities(self, flavor: str) -> list[str]:
        return self._placement.flavor_capabilities(flavor)

    def list_flavors(self, project: str, marker: str | None, limit: int) -> list[Flavor]:
        return self._storage.flavor_list(project, marker, limit)

    def find_flavor(self, project: str, name: str) -> Flavor | None:
        return self._storage.flavor_get(project, name)

    def get_flavor(self, project: str, name: str) -> Flavor:
        flavor = self._storage.flavor_get(project, name)
        if flavor is None:
            raise DoesNotExist(f"Flavor {name} does not exist")
        return flavor

    def check_pool_list(self, name: str, doc: dict[str, Any], creating: bool) -> list[str]:
        """The ``pool_list`` of a flavor document: names of existing pools, at least one."""
        pools = doc["pool_list"]
        if not isinstance(pools, list) or not all(isinstance(p, str) for p in pools):
            raise schema_error(f"{pools!r} is not of type 'array'")
        if not pools:
            raise EmptyPoolList(400, "Bad Request")
        for pool in pools:
            if self._storage.pool_get(pool) is None:
                verb = "could not be created" if creating else "cant be updated"
                raise UnknownPool(400, f"Flavor {name} {verb}, error:Pool {pool} does not exist")
        return pools

    def put_flavor(self, project: str, name: str, doc: dict[str, Any]) -> None:
        """Create (or replace) a flavor of the project from its document."""
        for key in doc:
            if key not in ("pool_list", "capabilities"):
                raise schema_error(
                    f"Additional properties are not allowed ({key!r} was unexpected)"
                )
        if "pool_list" not in doc:
            raise schema_error("'pool_list' is a required property")
        pools = self.check_pool_list(name, doc, creating=True)
        self._storage.flavor_put(Flavor(project, name, pools, doc.get("capabilities") or {}))
        self._assign(name, pools)

    def patch_flavor(self, project: str, name: str, doc: dict[str, Any]) -> list[str]:
        """Replace the pool list of a flavor; the new list."""
        if "pool_list" not in doc:
            raise BadDocument("`pool_list` needs to be specified")
        raw = doc["pool_list"]
        if isinstance(raw, list) and not raw:
            raise EmptyPoolList(400, "Bad Request")
        flavor = self.get_flavor(project, name)
        pools = self.check_pool_list(name, doc, creating=False)
        flavor.pool_list = pools
        self._storage.flavor_put(flavor)
        self._assign(name, pools)
        return pools

    def store_flavor(self, flavor: Flavor) -> None:
        """Store a flavor record as it is (v1.1's flavors have no pool assignment)."""
        self._storage.flavor_put(flavor)

    def delete_flavor(self, project: str, name: str, unassign: bool = True) -> None:
        """Remove a flavor; its pools keep existing without a flavor.

        ``unassign`` False (v1.1, whose flavors never assign pools) leaves the
        pools' ``flavor`` fields as they are, as Zaqar 21's v1.1 resource does.
        """
        if unassign:
            self._assign(name, [])
        self._storage.flavor_delete(project, name)

    def _assign(self, flavor: str, pools: list[str]) -> None:
        """Make ``pools`` exactly the pools of ``flavor``."""
        for pool in self._placement.pools():
            wanted = flavor if pool.name in pools else (
                None if pool.flavor == flavor else pool.flavor)
            if wanted != pool.flavor:
                pool.flavor = wanted
                self._storage.pool_put(pool)
