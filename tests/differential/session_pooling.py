"""The pools and flavors session, run against servers with ``pooling = True``.

Pools and flavors are global (not per project), so every name carries the run
token ``{run}`` and the session deletes what it created. ``{pool_uri}`` is a
storage URI the server under test can reach (a distinct redis ``dbid`` per run
for the real Zaqar).
"""

from __future__ import annotations

from tests.differential.steps import ADMIN, Step, step, unique_names

POOL = "/v2/pools/pool-{run}"
FLAVOR = "/v2/flavors/flavor-{run}"

POOLS = [
    step("pools-list-not-admin", "GET", "/v2/pools"),
    step("pool-put-not-admin", "PUT", POOL, json={"uri": "{pool_uri}", "weight": 100}),
    step("pool-put", "PUT", POOL, json={"uri": "{pool_uri}", "weight": 100}, headers=ADMIN),
    step("pool-put-again", "PUT", POOL, json={"uri": "{pool_uri}", "weight": 100}, headers=ADMIN),
    step(
        "pool-put-uri-in-use",
        "PUT",
        "/v2/pools/pool2-{run}",
        json={"uri": "{pool_uri}", "weight": 10},
        headers=ADMIN,
    ),
    step(
        "pool-put-no-uri",
        "PUT",
        "/v2/pools/pool3-{run}",
        json={"weight": 10},
        headers=ADMIN,
        ignore=("description", "body"),
        note="the description is a Python repr of a jsonschema error",
    ),
    step(
        "pool-put-group",
        "PUT",
        "/v2/pools/pool3-{run}",
        json={"uri": "{pool_uri}", "weight": 10, "group": "g"},
        headers=ADMIN,
        ignore=("description", "body"),
        note="the description is a Python repr of a jsonschema error",
    ),
    step(
        "pool-put-weight-string",
        "PUT",
        "/v2/pools/pool3-{run}",
        json={"uri": "{pool_uri}", "weight": "heavy"},
        headers=ADMIN,
        ignore=("description", "body"),
        note="the description is a Python repr of a jsonschema error",
    ),
    step("pool-put-bad-json", "PUT", "/v2/pools/pool3-{run}", data="{", headers=ADMIN),
    step("pool-get", "GET", POOL, headers=ADMIN),
    step("pool-get-detailed", "GET", POOL, query="detailed=true", headers=ADMIN),
    step("pool-get-unknown", "GET", "/v2/pools/nopool-{run}", headers=ADMIN),
    step("pools-list-detailed", "GET", "/v2/pools", query="detailed=true&limit=20", headers=ADMIN),
    step("pools-list-limit-0", "GET", "/v2/pools", query="limit=0", headers=ADMIN),
    step("pool-patch", "PATCH", POOL, json={"weight": 50}, headers=ADMIN),
    step("pool-patch-empty", "PATCH", POOL, json={}, headers=ADMIN),
    step(
        "pool-patch-unknown", "PATCH", "/v2/pools/nopool-{run}", json={"weight": 1}, headers=ADMIN
    ),
    step("pool-post-405", "POST", POOL, headers=ADMIN),
]

FLAVORS = [
    step("flavors-list", "GET", "/v2/flavors", query="limit=20"),
    step("flavor-put-not-admin", "PUT", FLAVOR, json={"pool_list": ["pool-{run}"]}),
    step(
        "flavor-put-no-pool-list",
        "PUT",
        FLAVOR,
        json={},
        headers=ADMIN,
        ignore=("description", "body"),
        note="the description is a Python repr of a jsonschema error",
    ),
    step("flavor-put-empty-list", "PUT", FLAVOR, json={"pool_list": []}, headers=ADMIN),
    step(
        "flavor-put-unknown-pool",
        "PUT",
        FLAVOR,
        json={"pool_list": ["nopool-{run}"]},
        headers=ADMIN,
    ),
    step("flavor-put", "PUT", FLAVOR, json={"pool_list": ["pool-{run}"]}, headers=ADMIN),
    step("flavor-get", "GET", FLAVOR),
    step("flavor-get-unknown", "GET", "/v2/flavors/noflavor-{run}"),
    step("flavors-list-detailed", "GET", "/v2/flavors", query="detailed=true&limit=20"),
    step("pool-get-with-flavor", "GET", POOL, headers=ADMIN),
    step("flavor-patch", "PATCH", FLAVOR, json={"pool_list": ["pool-{run}"]}, headers=ADMIN),
    step("flavor-patch-empty", "PATCH", FLAVOR, json={}, headers=ADMIN),
    step(
        "flavor-patch-unknown",
        "PATCH",
        "/v2/flavors/noflavor-{run}",
        json={"pool_list": ["pool-{run}"]},
        headers=ADMIN,
    ),
    step("flavor-patch-empty-list", "PATCH", FLAVOR, json={"pool_list": []}, headers=ADMIN),
    step("queue-put-flavor", "PUT", "/v2/queues/flavored", json={"_flavor": "flavor-{run}"}),
    step(
        "queue-put-unknown-flavor", "PUT", "/v2/queues/unflavored", json={"_flavor": "nope-{run}"}
    ),
    step(
        "queue-post-pooled",
        "POST",
        "/v2/queues/flavored/messages",
        json={"messages": [{"body": 1}]},
    ),
    step("queue-list-pooled", "GET", "/v2/queues/flavored/messages", query="echo=true"),
    step("queue-get-pooled", "GET", "/v2/queues/flavored"),
    step("queue-delete-pooled", "DELETE", "/v2/queues/flavored"),
    step("pool-delete-in-use", "DELETE", POOL, headers=ADMIN),
    step("flavor-delete", "DELETE", FLAVOR, headers=ADMIN),
    step("flavor-delete-unknown", "DELETE", FLAVOR, headers=ADMIN),
    step("pool-delete", "DELETE", POOL, headers=ADMIN),
    step("pool-delete-unknown", "DELETE", POOL, headers=ADMIN),
    step("pool-get-deleted", "GET", POOL, headers=ADMIN),
]

POOLING_SESSION: list[Step] = unique_names(POOLS + FLAVORS)
