"""Deliberate differences: steps where two servers may disagree, and why.

Keep these lists short. The real Zaqar here runs the Redis driver (with the
SQLAlchemy management store) while the reference server follows MongoDB
semantics (zaqar-api.md), so the only entries are driver differences seen on the
real server; everything else must agree. With pooling on (devstack, the v2
sessions) queue listing and metadata come from the management store, so those
entries are SQLAlchemy's. Each entry names the record fields allowed to differ;
the other fields of that step are still compared.
"""

from __future__ import annotations

from tests.differential.compare import ALL_FIELDS, Known

REDIS = "redis driver (real Zaqar) vs mongo semantics (reference): "
SQL = "sqlalchemy management store (real Zaqar) vs mongo semantics (reference): "
REFERENCE = "deliberate reference-server difference (zaqarclient.server.DIFFERENCES): "

HEALTH = Known(REDIS + "health is driver-specific; redis omits message_volume")

V2_KNOWN: dict[str, Known] = {
    "queues-list-with-count": Known(SQL + 'with_count gives "count": true, mongo the number'),
    "queues-list-name-filter": Known(SQL + "the name filter is ignored by its queue listing"),
    "queues-list-meta-filter": Known(SQL + "metadata filters are ignored by its queue listing"),
    "messages-list-bad-marker": Known(
        REDIS + "redis lists from the start after an unknown marker; mongo's non-numeric "
        "marker gives an empty page"
    ),
    "message-get-wrong-queue": Known(
        REDIS + "redis finds a message by id in any queue of the project; mongo scopes by queue",
        ALL_FIELDS,
    ),
    "messages-pop-1": Known(REDIS + "redis pop reports the internal claim id, mongo null"),
    "messages-list-include-claimed": Known(
        REDIS + "redis fails with 503 (zrank on a None marker) for include_claimed without marker",
        ALL_FIELDS,
    ),
    "queue-stats-msgs": Known(REDIS + "redis stats oldest/newest carry the whole message"),
    "queue-stats-claimed": Known(REDIS + "redis stats oldest/newest carry the whole message"),
    "delayed-stats": Known(REDIS + "redis stats oldest/newest carry the whole message"),
    "delayed-pop": Known(REDIS + "redis pop skips delayed messages; mongo pops them"),
    "messages-post-item-not-object": Known(
        REFERENCE + "a non-object message gives 400; Zaqar crashes with 500", ALL_FIELDS
    ),
}

# The edge-case session (session_v2_edges.py).
V2_EDGES_KNOWN: dict[str, Known] = {
    "q-queues-unknown-param": V2_KNOWN["queues-list-meta-filter"],
    "q-queues-filter-encoded-comma": V2_KNOWN["queues-list-meta-filter"],
    "ids-dup": Known(
        REDIS + "redis fetches each listed id (a repeated id comes back twice); mongo "
        "selects with $in (once)"
    ),
    "id-delete-cid-24hex": Known(
        REDIS + "redis claim ids are UUIDs, so a 24-hex claim_id is an unknown claim; mongo "
        "takes it as an ObjectId and reports the message as not claimed",
        ("description", "body"),
    ),
}

POOLING_KNOWN: dict[str, Known] = {
    "pool-put-uri-in-use": Known(
        SQL + "a URI used by another pool gives 500 (mongo catalogue: 409)", ALL_FIELDS
    ),
    "pool-delete-in-use": Known(
        SQL + "a pool used by a flavor is deleted (204); mongo refuses with 403", ALL_FIELDS
    ),
}

# Pooling without a virtual pool (session_pooling_no_virtual_pool.py).
NO_VIRTUAL_POOL_KNOWN: dict[str, Known] = {
    "topic-put-with-pool": Known(
        SQL + "it has no topic controller, so a pooled Zaqar cannot create topics (503); "
        "mongo's catalogue can", ALL_FIELDS,
    ),
    "topic-delete-t1": Known(
        SQL + "it has no topic controller, so a pooled Zaqar cannot delete topics (503)",
        ALL_FIELDS,
    ),
    "queue-put-unflavored-all-pools-flavored": Known(
        SQL + "a queue without a flavor may go to any pool, flavored ones too; mongo's "
        "catalogue offers only pools without a flavor (none here: 503)", ALL_FIELDS,
    ),
}

# The v1.1 server is Zaqar 21.0.0 on Redis; its storage drivers are the same code as
# 23.0.1's, so the storage differences are those of the v2 session.
V1_1_KNOWN: dict[str, Known] = {
    "health-no-role": HEALTH,
    "health-admin": HEALTH,
    "messages-list-bad-marker": V2_KNOWN["messages-list-bad-marker"],
    "message-get-wrong-queue": V2_KNOWN["message-get-wrong-queue"],
    "messages-pop-1": V2_KNOWN["messages-pop-1"],
    "messages-pop-rest": V2_KNOWN["messages-pop-1"],
    "messages-list-include-claimed": V2_KNOWN["messages-list-include-claimed"],
    "queue-stats-msgs": V2_KNOWN["queue-stats-msgs"],
    "queue-stats-claimed": V2_KNOWN["queue-stats-claimed"],
    "messages-post-item-not-object": V2_KNOWN["messages-post-item-not-object"],
    "bulk-claim-get-emptied": Known(
        REDIS + "a claim whose messages were all deleted is still found (200, no "
        "messages); mongo finds claims through their messages (404)",
        ALL_FIELDS,
    ),
}

# The v1.1 edge-case session (session_v1_1_edges.py): the v2 edge session's storage
# differences, on the same steps.
V1_1_EDGES_KNOWN: dict[str, Known] = {
    "ids-dup": V2_EDGES_KNOWN["ids-dup"],
    "id-delete-cid-24hex": V2_EDGES_KNOWN["id-delete-cid-24hex"],
    "id-get-real-missing-queue": Known(
        REDIS + "redis checks that the queue exists before reading a message (queue not "
        "found); mongo looks the message up by id and queue (message not found)",
        ("description", "body"),
    ),
    "pop-dup": V2_KNOWN["messages-pop-1"],
    "q-msgs-link-marker-first": Known(
        REDIS + "redis markers are message ids, so marker=1 is unknown and the page starts "
        "at the first message; mongo markers are the queue's message counter, so the page "
        "starts after the first message"
    ),
    "q-msgs-marker-non-utf8": V2_KNOWN["messages-list-bad-marker"],
}

V1_1_POOLING_KNOWN: dict[str, Known] = {
    "pools-list-limit-negative": Known(
        SQL + "a negative limit lists every pool; pymongo returns abs(limit) of them"
    ),
}
