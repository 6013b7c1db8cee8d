"""The 5xx answers the fuzzers accept: each one real Zaqar also gives, with its reason.

Like `tests/differential/known.py`, keep this list short. An entry matches an
answer of the reference server by status and text; its `example` is a request
that produces it, which `test_allowed_5xx.py` sends to a real Zaqar (23.0.1
for /v2 and the websocket API, 21.0.0 for /v1.1) to check that it answers 5xx
too. Any other 5xx the fuzzers see is a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Allowed:
    """One deliberate 5xx: how to recognise it, a request that causes it, and why."""

    name: str
    status: int
    text: str  # a regex searched in the answer's description (HTTP) or exception (ws)
    reason: str
    method: str = "GET"
    path: str = ""
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    ws: dict[str, Any] | None = None  # a websocket request envelope's action and body
    real: str = "real_zaqar_v2"  # the fixture of the real Zaqar that gives it too

    def matches(self, status: int, text: str) -> bool:
        return status == self.status and re.search(self.text, text) is not None


FALCON = "Zaqar lets the exception reach falcon, which answers 500 with its text: "
NON_VALIDATION = "Zaqar's handler turns a non-validation error into a 503: "
PATCH_CT = "application/openstack-messaging-v2.0-json-patch"

HTTP: tuple[Allowed, ...] = (
    Allowed("comma-only-scalar", 500, "^list index out of range$",
            FALCON + "falcon's get_param takes the last item of an empty list (`limit=,`)",
            path="/v2/queues?limit=,"),
    Allowed("queue-filter-list", 500, "^int\\(\\) argument must be",
            FALCON + "queue listing int()s each metadata filter; a repeated one is a list",
            path="/v2/queues?k=1,2"),
    Allowed("share-list-body", 500, "'list' object has no attribute 'keys'",
            FALCON + "the share endpoint calls .keys() on the body", method="POST",
            path="/v2/queues/fz/share", body=[]),
    Allowed("share-paths-not-iterable", 500, "object is not iterable|unhashable type",
            FALCON + "the share endpoint builds a set from `paths`", method="POST",
            path="/v2/queues/fz/share", body={"paths": 1}),
    Allowed("patch-object-body", 503, "^Request body could not be read\\.",
            NON_VALIDATION + "sanitize() of a non-list JSON-Patch body", method="PATCH",
            path="/v2/queues/fz", body={}, headers={"Content-Type": PATCH_CT}),
    Allowed("patch-path-not-text", 503, "^Queue could not be updated\\.",
            NON_VALIDATION + "a JSON pointer that is not a string", method="PATCH",
            path="/v2/queues/fz", body=[{"op": "add", "path": 1, "value": 1}],
            headers={"Content-Type": PATCH_CT}),
    Allowed("subscription-unusable", 503, "^Subscription could not be created\\.",
            NON_VALIDATION + "a subscription body the storage or notifier cannot take "
            "(not an object, a non-text subscriber, no ttl, no scheme, a trust without id)",
            method="POST", path="/v2/queues/fz/subscriptions", body=[]),
    Allowed("v1.1-extra-spec", 500, "No 'zaqar.extraspec.tasks' driver found",
            FALCON + "Zaqar 21 loads the EXTRA-SPEC task by name for every request",
            path="/v1.1/queues", headers={"EXTRA-SPEC": "nosuchtask:x"}, real="real_zaqar_v1_1"),
    Allowed("v1.1-admin-key-error", 500, "^'[a-z_]+'$",
            FALCON + "v1.1 pool and flavor writes read required keys with []",
            method="PUT", path="/v1.1/flavors/fz", body={"pool": "p"},
            headers={"X-Roles": "admin"}, real="real_zaqar_v1_1_pooling"),
)

WS: tuple[Allowed, ...] = (
    Allowed("ws-stray-option", 500, "got an unexpected keyword argument",
            "Zaqar hands every listing option to the storage call, which rejects the ones it "
            "lacks (a TypeError its endpoint answers with 500)",
            ws={"action": "queue_list", "body": {"echo": True}}),
    Allowed("ws-unknown-scheme", 500, "No 'zaqar.notification.tasks' driver found",
            "the notifier loads a task for the subscriber's scheme before validating it",
            ws={"action": "subscription_create",
                "body": {"queue_name": "fz", "subscriber": "nope://x", "ttl": 3600}}),
    Allowed("ws-message-not-object", 500, "^string indices must be integers",
            "message_post reads fields of each message with []; a message that is not an "
            "object raises a TypeError outside the endpoint's except clauses",
            ws={"action": "message_post", "body": {"queue_name": "fz", "messages": ["x"]}}),
)


def allowed_http(status: int, description: str) -> Allowed | None:
    """The entry that allows this HTTP answer, if any."""
    return next((a for a in HTTP if a.matches(status, description)), None)


def allowed_ws(status: int, exception: str) -> Allowed | None:
    """The entry that allows this websocket answer, if any."""
    return next((a for a in WS if a.matches(status, exception)), None)
