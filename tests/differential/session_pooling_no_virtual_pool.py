"""Pooling without a virtual pool: queues need a registered pool, pool URIs must answer.

Run against a Zaqar with ``pooling = True`` and ``enable_virtual_pool`` off
(``real_zaqar_v2_no_virtual_pool``) that has no pool yet; the session registers
one (``{pool_uri}``, a store both servers reach) and removes it again, so the
steps before and after it see an empty catalogue.
"""

from __future__ import annotations

from tests.differential.steps import ADMIN, Step, step, unique_names

POOL = "/v2/pools/pool-{run}"
FLAVOR = "/v2/flavors/flavor-{run}"
# A port nothing listens on. Real Zaqar's redis client retries for about 4 s before it
# gives up, so the session tries it only once.
NOBODY = "redis://127.0.0.1:1"

WITHOUT_POOLS = [
    step("health-empty-catalogue", "GET", "/v2/health", headers=ADMIN),
    step("queue-put-no-pool", "PUT", "/v2/queues/q1"),
    step("queue-put-no-pool-again", "PUT", "/v2/queues/q1", json={"a": 1}),
    step("queue-put-unknown-flavor", "PUT", "/v2/queues/q1", json={"_flavor": "nope-{run}"}),
    step("topic-put-no-pool", "PUT", "/v2/topics/t1"),
    step("messages-post-lazy-no-pool", "POST", "/v2/queues/q2/messages",
         json={"messages": [{"body": 1}]}),
    step("subscription-post-lazy-no-pool", "POST", "/v2/queues/q3/subscriptions",
         json={"subscriber": "http://127.0.0.1:9/x"}),
    step("queue-get-no-pool", "GET", "/v2/queues/q1"),
    step("queues-list-no-pool", "GET", "/v2/queues"),
    step("queue-stats-no-pool", "GET", "/v2/queues/q1/stats"),
    step("messages-list-no-pool", "GET", "/v2/queues/q2/messages"),
    step("claim-no-pool", "POST", "/v2/queues/q2/claims", json={}),
    step("queue-delete-no-pool", "DELETE", "/v2/queues/q1"),
]

POOL_URIS = [
    step("pool-put-nobody-redis", "PUT", POOL, json={"uri": NOBODY, "weight": 10},
         headers=ADMIN),
    step("pool-put-nobody-mongodb", "PUT", POOL,
         json={"uri": "mongodb://127.0.0.1:1", "weight": 10}, headers=ADMIN),
    step("pool-put-no-driver", "PUT", POOL, json={"uri": "sqlite:///zaqar.db", "weight": 10},
         headers=ADMIN),
    step("pool-put-unknown-scheme", "PUT", POOL, json={"uri": "foo://bar", "weight": 10},
         headers=ADMIN),
    step("pool-put-redis-bad-db", "PUT", POOL,
         json={"uri": "{pool_uri}x", "weight": 10}, headers=ADMIN),
    step("pools-list-still-empty", "GET", "/v2/pools", headers=ADMIN),
]

WITH_A_POOL = [
    step("pool-put", "PUT", POOL, json={"uri": "{pool_uri}", "weight": 10}, headers=ADMIN),
    step("pool-get-unchanged", "GET", POOL, headers=ADMIN),
    step("health-one-pool", "GET", "/v2/health", headers=ADMIN),
    step("queue-put-with-pool", "PUT", "/v2/queues/q1"),
    step("messages-post-lazy-with-pool", "POST", "/v2/queues/q2/messages",
         json={"messages": [{"body": 1}]}),
    step("topic-put-with-pool", "PUT", "/v2/topics/t1"),
    step("flavor-put", "PUT", FLAVOR, json={"pool_list": ["pool-{run}"]}, headers=ADMIN),
    step("flavor-get-capabilities", "GET", FLAVOR),
    step("flavors-list-detailed", "GET", "/v2/flavors", query="detailed=true"),
    step("queue-put-flavored", "PUT", "/v2/queues/q4", json={"_flavor": "flavor-{run}"}),
    step("queue-put-unflavored-all-pools-flavored", "PUT", "/v2/queues/q5"),
    step("queue-delete-q1", "DELETE", "/v2/queues/q1"),
    step("queue-delete-q2", "DELETE", "/v2/queues/q2"),
    step("queue-delete-q4", "DELETE", "/v2/queues/q4"),
    step("topic-delete-t1", "DELETE", "/v2/topics/t1"),
    step("flavor-delete", "DELETE", FLAVOR, headers=ADMIN),
    step("pool-delete", "DELETE", POOL, headers=ADMIN),
    step("health-empty-again", "GET", "/v2/health", headers=ADMIN),
    step("queue-put-no-pool-after", "PUT", "/v2/queues/q6"),
]

NO_VIRTUAL_POOL_SESSION: list[Step] = unique_names(WITHOUT_POOLS + POOL_URIS + WITH_A_POOL)
