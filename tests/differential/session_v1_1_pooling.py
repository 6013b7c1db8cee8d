"""The v1.1 pools and flavors session, run against servers with ``pooling = True``.

The real server is Zaqar 21.0.0 with v1.1 enabled (``real_zaqar_v1_1_pooling``).
v1.1 has no policy checks, so no step sends ``X-Roles: admin``. Pools are global,
so names carry the run token ``{run}`` and the session deletes what it created;
``{pool_uri}`` is a storage URI (a redis server) the server under test can reach; the session picks
the ``dbid`` itself. v1.1 flavors are
broken in Zaqar 21 (``capabilities`` is required on PUT, PATCH almost always
fails): those steps pin the breakage.
"""

from __future__ import annotations

from tests.differential.steps import Step, step, unique_names

POOL = "/v1.1/pools/pool-{run}"
URI = "{pool_uri}?dbid=7"  # redis has 16 databases by default
URI2 = "{pool_uri}?dbid=8"
FLAVOR = "/v1.1/flavors/flavor-{run}"
SCHEMA_NOTE = "the description is a Python repr of a jsonschema error"

POOLS = [
    step("pool-put-no-role", "PUT", POOL, json={"uri": URI, "weight": 100}),
    step("pool-put-again", "PUT", POOL, json={"uri": URI, "weight": 100}),
    step(
        "pool-put-flavor-ignored",
        "PUT",
        "/v1.1/pools/pool2-{run}",
        json={"uri": URI2, "weight": 10, "flavor": "nope-{run}"},
    ),
    step(
        "pool-put-no-uri",
        "PUT",
        "/v1.1/pools/pool3-{run}",
        json={"weight": 10},
        ignore=("description", "body"),
        note=SCHEMA_NOTE,
    ),
    step(
        "pool-put-weight-string",
        "PUT",
        "/v1.1/pools/pool3-{run}",
        json={"uri": URI, "weight": "heavy"},
        ignore=("description", "body"),
        note=SCHEMA_NOTE,
    ),
    step("pool-put-bad-json", "PUT", "/v1.1/pools/pool3-{run}", data="{"),
    step(
        "pool-put-array",
        "PUT",
        "/v1.1/pools/pool3-{run}",
        json=[],
        ignore=("description", "body"),
        note=SCHEMA_NOTE,
    ),
    step("pool-get", "GET", POOL),
    step("pool-get-detailed", "GET", POOL, query="detailed=true"),
    step("pool-get-flavor-ignored", "GET", "/v1.1/pools/pool2-{run}"),
    step("pool-get-unknown", "GET", "/v1.1/pools/nopool-{run}"),
    step("pools-list", "GET", "/v1.1/pools", query="limit=20"),
    step("pools-list-detailed", "GET", "/v1.1/pools", query="detailed=true&limit=20"),
    step("pools-list-limit-1", "GET", "/v1.1/pools", query="limit=1"),
    step("pools-list-marker-end", "GET", "/v1.1/pools", query="marker=zzzz"),
    step("pools-list-limit-abc", "GET", "/v1.1/pools", query="limit=abc"),
    step("pools-list-limit-0", "GET", "/v1.1/pools", query="limit=0"),
    step("pools-list-limit-negative", "GET", "/v1.1/pools", query="limit=-1"),
    step("pools-list-limit-50", "GET", "/v1.1/pools", query="limit=50"),
    step("pools-list-detailed-bad", "GET", "/v1.1/pools", query="detailed=maybe"),
    step("pool-get-detailed-bad", "GET", POOL, query="detailed=maybe"),
    step("pool-patch-weight", "PATCH", POOL, json={"weight": 50}),
    step("pool-patch-options", "PATCH", POOL, json={"options": {"a": 1}}),
    step("pool-patch-flavor-only", "PATCH", POOL, json={"flavor": "x"}),
    step("pool-patch-empty", "PATCH", POOL, json={}),
    step(
        "pool-patch-weight-string",
        "PATCH",
        POOL,
        json={"weight": "x"},
        ignore=("description", "body"),
        note=SCHEMA_NOTE,
    ),
    step("pool-patch-unknown", "PATCH", "/v1.1/pools/nopool-{run}", json={"weight": 1}),
    step("pool-get-patched", "GET", POOL, query="detailed=true"),
    step("pool-post-405", "POST", POOL),
    step("pools-delete-405", "DELETE", "/v1.1/pools"),
]

FLAVORS = [
    step("flavors-list-empty", "GET", "/v1.1/flavors"),
    step("flavor-put-no-capabilities", "PUT", FLAVOR, json={}),
    step("flavor-put-pool-list", "PUT", FLAVOR, json={"pool_list": ["pool-{run}"]}),
    step(
        "flavor-put-capabilities-list",
        "PUT",
        FLAVOR,
        json={"capabilities": []},
        ignore=("description", "body"),
        note=SCHEMA_NOTE,
    ),
    step("flavor-put-bad-json", "PUT", FLAVOR, data="{"),
    step("flavor-put", "PUT", FLAVOR, json={"capabilities": {"durable": True}}),
    step("flavor-put-again", "PUT", FLAVOR, json={"capabilities": {"durable": False}}),
    step("flavor-get", "GET", FLAVOR),
    step("flavor-get-detailed", "GET", FLAVOR, query="detailed=true"),
    step("flavor-get-unknown", "GET", "/v1.1/flavors/noflavor-{run}"),
    step("flavors-list", "GET", "/v1.1/flavors"),
    step("flavors-list-detailed", "GET", "/v1.1/flavors", query="detailed=true"),
    step("flavors-list-limit-0", "GET", "/v1.1/flavors", query="limit=0"),
    step("flavors-list-marker-end", "GET", "/v1.1/flavors", query="marker=zzzz&limit=5"),
    step(
        "flavor-other-project",
        "GET",
        FLAVOR,
        headers={"X-Project-ID": "{project}-other"},
        note="flavors are per project",
    ),
    step("flavor-patch-capabilities", "PATCH", FLAVOR, json={"capabilities": {}}),
    step("flavor-patch-empty", "PATCH", FLAVOR, json={}),
    step("flavor-patch-one-letter", "PATCH", FLAVOR, json={"c": 1}),
    step("flavor-patch-unknown", "PATCH", "/v1.1/flavors/noflavor-{run}", json={"x": 1}),
    step("flavor-post-405", "POST", FLAVOR),
    step("flavor-delete", "DELETE", FLAVOR),
    step("flavor-delete-unknown", "DELETE", FLAVOR),
    step("flavor-get-deleted", "GET", FLAVOR),
]

CLEANUP = [
    step("pool-delete", "DELETE", POOL),
    step("pool-delete-2", "DELETE", "/v1.1/pools/pool2-{run}"),
    step("pool-delete-unknown", "DELETE", POOL),
    step("pool-get-deleted", "GET", POOL),
    step("pools-list-final", "GET", "/v1.1/pools", query="limit=20"),
]

V1_1_POOLING_SESSION: list[Step] = unique_names(POOLS + FLAVORS + CLEANUP)
