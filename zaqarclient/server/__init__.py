"""The reference server: an in-process Zaqar HTTP server for API v2 and v1.1.

`App` is the framework-independent core (`App.handle(ServerRequest)`). On a
socket, `zaqarclient.server.runner` accepts connections on its own asyncio
server: `zaqarclient.server.http_protocol` answers plain HTTP inline (httptools
parsing, one write per batch of answers) and hands websocket upgrades to
`zaqarclient.server.ws.connection` (the `websockets` library's sans-I/O server);
`zaqarclient.server.asgi` mounts the core under any ASGI server.
`zaqarclient.testing.inprocess` mounts the core on a
`requests.Session` with no socket at all.

/v2 follows Zaqar 23.0.1 and /v1.1 follows Zaqar 21.0.0 (the last release with
v1.1), both with the MongoDB driver; the two versions share one storage. Out of
the box the server is configured as devstack configures Zaqar 23.0.1 (profile
``devstack``: admin mode, pooling with a virtual pool, notifications, a
signed-URL key, Zaqar's default policy, v2 only); see
`zaqarclient.server.profiles`. DIFFERENCES lists where this server
deliberately departs from them, with the reason.
"""

from __future__ import annotations

from zaqarclient.server.app import App
from zaqarclient.server.clock import Clock, SystemClock, TestClock
from zaqarclient.server.config import Config, Token
from zaqarclient.server.protocol import ServerRequest, ServerResponse

__all__ = [
    "DIFFERENCES",
    "App",
    "Clock",
    "Config",
    "ServerRequest",
    "ServerResponse",
    "SystemClock",
    "TestClock",
    "Token",
]

DIFFERENCES: tuple[str, ...] = (
    "With /v1.1 on (profile zaqar-21 or open, `--v1-1`), /v2 still answers as Zaqar 23.0.1, "
    "where a Zaqar 21 with v1.1 enabled serves its own v2.",
    "Topic message, claim and subscription routes work like the queue routes on a separate "
    "topic namespace; Zaqar answers them with 500 (its handlers expect `queue_name`).",
    "Messages expire exactly at created + ttl; MongoDB's TTL monitor lets them linger ~60 s.",
    "Stats of a queue whose messages are all delayed answer 200 without oldest/newest; "
    "MongoDB raises and answers 503.",
    "A message inside the `messages` array that is not an object gives 400 `Document type not "
    "supported.`; Zaqar crashes with 500.",
    "A message moved to a dead-letter queue gets a new marker from the DLQ's counter so that "
    "paging the DLQ works; MongoDB keeps the source queue's marker.",
    "Pools hold no data: every queue lives in the server's one store, and a pool is a "
    "catalogue record whose store must answer when it is registered (redis:// and "
    "mongodb:// get a connection attempt bounded by `pool_connect_timeout`, 1 s; "
    "swift:// is accepted without one). The `cannot connect` error does not repeat a "
    "password in the URI.",
    "The health report does not run real operations: each store reports reachability (a "
    "pool's store is probed again), and MongoDB's message_volume counts every message of "
    "the server, for the non-pooled report and for each MongoDB pool alike.",
    "`_enable_encrypt_messages` is stored and validated but bodies are not encrypted.",
    "trust+http(s) subscribers get no Keystone trust: without token auth they are refused "
    "(503) as on a no-auth Zaqar; with it the stored `trust_id` is made up, and the `trust+` "
    "prefix is only stripped when delivering.",
    "A webhook POST gives up after 10 s without an answer and counts as failed (retried per "
    "the retry policy); Zaqar's webhook task sets no timeout and waits forever.",
    "Token auth (`--token`) is a static token table standing in for keystonemiddleware.",
    "Confirmation e-mails use this server's own wording, not Zaqar's templates.",
    "Websocket: actions that pass the schema but have no handler in Zaqar (get_home_doc, "
    "ping_node, check_node_health, pool_*, flavor_*), `authenticate` without token auth and "
    "an unhashable `action` answer nothing and close the connection (1011), as Zaqar's crash "
    "does (copied).",
    "Websocket `message_list` also accepts a message id as `marker` (as Zaqar's Redis and SQL "
    "stores do), so clients can page without links; MongoDB answers an empty page.",
    "Websocket token auth never expires (static tokens), so the 4003 close is never sent.",
    "The queue listing's `name` filter runs in RE2 (linear time) on the caller's queue names "
    "only; MongoDB runs a backtracking regex over `project/queue`, where a top-level `|` "
    "escapes the project. A pattern RE2 cannot run is a 400.",
    "Signed URLs: the signature is checked before the paths are read, and a signed path "
    "opens itself and the paths under it as literal text; Zaqar regex-searches each path "
    "first (a URL for `a.b` opens `aXb`). Over websocket the body's queue must be covered "
    "by a signed path (Zaqar does not compare it); in token mode a signed URL gets no roles.",
    "A signed request must name its project in X-Project-ID, the header its signature is "
    "checked against: scoped by X-Tenant-Id instead, it is a 404 (Zaqar lets a URL signed "
    "for no project act on the X-Tenant-Id project).",
    "Unpaired surrogates, nesting past 900 levels and MessagePack bin or ext values are "
    "refused with 400 where a document is parsed; Zaqar stores some of them (and then fails "
    "every read) or answers 503.",
    "HTTP limits Zaqar's wsgiref server lacks: head size, body size (413), request and idle "
    "timeouts (408) and a connection cap (503); see the server guide.",
    "With `--store sqlite:PATH`, a write the file cannot record is undone in memory and "
    "answered 503 saying it was not applied.",
    "Websocket connection-bound subscriptions are delivered by an in-process sink on the "
    "notifier's worker pool, not through Zaqar's internal HTTP listener; the subscriber URL "
    "keeps Zaqar's shape `http://<host>:<port>/<connection id>` (the HTTP port).",
    "The state report (Zaqar's Guru Meditation Report, on SIGUSR2) is also served to admins "
    "at `GET /v2/report`; Zaqar has no such route (404).",
    "OSprofiler trace headers are recorded (log and state report, HMAC checked against "
    "`--profiler-hmac-key`), not joined: the server sends no spans to an OSprofiler backend.",
)
