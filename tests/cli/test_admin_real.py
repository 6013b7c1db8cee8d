"""Pools and flavors, against a real pooled Zaqar (always real: they need ``pooling``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.conftest import OSC, new_name

pytestmark = pytest.mark.real_zaqar


@pytest.fixture
def pooled(osc_env: dict[str, str], real_zaqar_v2_pooling: Any) -> OSC:
    return OSC(osc_env, real_zaqar_v2_pooling.url, new_name("proj"), roles="admin")


def test_pools_and_flavors(pooled: OSC, real_zaqar_v2_pooling: Any) -> None:
    redis = real_zaqar_v2_pooling.redis_uri
    first, second, flavor = new_name("pool"), new_name("pool"), new_name("flavor")
    created = pooled.json(
        "messaging",
        "pool",
        "create",
        first,
        f"{redis}?dbid=3",
        "100",
        "--pool-options",
        '{"max_retry_sleep": 1}',
    )
    assert created == {
        "Name": first,
        "Weight": 100,
        "URI": f"{redis}?dbid=3",
        "Flavor": None,
        "Options": {"max_retry_sleep": 1},
    }
    pooled.run("messaging", "pool", "create", second, f"{redis}?dbid=4", "50")
    updated = pooled.json("messaging", "pool", "update", first, "--pool_weight", "70")
    assert updated["Weight"] == 70 and updated["URI"] == f"{redis}?dbid=3"
    assert pooled.json("messaging", "pool", "show", second)["Weight"] == 50
    names = [p["Name"] for p in pooled.json("messaging", "pool", "list", "--detailed")]
    assert {first, second} <= set(names)

    made = pooled.json("messaging", "flavor", "create", flavor, "--pool_list", first)
    assert made["Name"] == flavor and made["Pool list"] == [first]
    # The fixed bug: --capabilities works (pool_list is kept when not given).
    changed = pooled.json(
        "messaging", "flavor", "update", flavor, "--capabilities", '{"durable": true}'
    )
    assert changed["Pool list"] == [first]
    changed = pooled.json(
        "messaging", "flavor", "update", flavor, "--pool-list", f"{first},{second}"
    )
    assert sorted(changed["Pool list"]) == sorted([first, second])
    assert pooled.json("messaging", "flavor", "show", flavor)["Name"] == flavor
    assert flavor in [f["Name"] for f in pooled.json("messaging", "flavor", "list")]

    pooled.run("messaging", "flavor", "delete", flavor)
    pooled.run("messaging", "pool", "delete", first)
    # python-zaqarclient 2.x's unprefixed name: still there, deprecated.
    deleted = pooled.run("pool", "delete", second)
    assert "'openstack pool delete' is deprecated" in deleted.stderr
    pooled.run("messaging", "pool", "delete", second)
    assert pooled.fails("messaging", "pool", "show", first).startswith("404 ")
