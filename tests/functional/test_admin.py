"""Pools and flavors (admin API) through the SDK, on pooling-enabled servers."""

from __future__ import annotations

import itertools
import uuid

import pytest

from tests.conftest import Backend
from zaqarclient.transport import errors as terrors

_DBID = itertools.count(1)


def pool_uri(backend: Backend) -> str:
    return str(backend.extra["pool_uri"]).format(n=next(_DBID) % 15 + 1)


def test_pool_create_get_update_list_delete(pooling_backend: Backend) -> None:
    admin = pooling_backend.client(admin=True)
    name = "pool-" + uuid.uuid4().hex[:8]
    uri = pool_uri(pooling_backend)
    pool = admin.pool(name, uri=uri, weight=10, options={"a": 1})
    shown = pool.get()
    assert (shown["name"], shown["uri"], shown["weight"]) == (name, uri, 10)
    assert shown["options"] == {"a": 1} and shown["flavor"] is None
    pool.update({"weight": 20})
    assert admin.pool(name, auto_create=False).get()["weight"] == 20
    assert name in [p.name for p in admin.pools(detailed=True)]
    pool.delete()
    assert name not in [p.name for p in admin.pools()]
    with pytest.raises(terrors.ResourceNotFound):
        admin.pool(name, auto_create=False).get()


def test_pools_need_the_admin_role(pooling_backend: Backend) -> None:
    with pytest.raises(terrors.ForbiddenError):
        list(pooling_backend.client().pools())


def test_flavor_with_pools(pooling_backend: Backend) -> None:
    admin = pooling_backend.client(admin=True)
    tag = uuid.uuid4().hex[:8]
    pool = admin.pool(f"fp-{tag}", uri=pool_uri(pooling_backend), weight=5)
    flavor = admin.flavor(f"fl-{tag}", pool_list=[pool.name])
    shown = flavor.get()
    assert shown["pool_list"] == [pool.name] and isinstance(shown["capabilities"], list)
    assert admin.pool(pool.name, auto_create=False).get()["flavor"] == flavor.name
    assert flavor.name in [f.name for f in admin.flavors()]
    with pytest.raises(terrors.MalformedRequest):
        admin.flavor(f"bad-{tag}", pool_list=["no-such-pool"])
    flavor.delete()
    pool.delete()
    assert flavor.name not in [f.name for f in admin.flavors()]
