"""The v2 HTTP differential session: every route, the happy paths and the error paths.

Steps run in order against one server and one fresh project, so later steps can
rely on the state earlier ones built (queue ``msgs`` holds the posted messages,
``{m0}``.. are their ids, ``{cid}`` is a claim id from a ``Location``). Keep each
step's name unique and stable: deliberate differences are listed by name.
"""

from __future__ import annotations

from tests.differential.steps import (
    ADMIN,
    JSON_PATCH,
    OTHER_CLIENT_ID,
    Step,
    save_json,
    save_location_id,
    save_next_link,
    save_resource_ids,
    save_share,
    signed_headers,
    step,
    unique_names,
)

NO_CLIENT = {"Client-ID": None}
NO_PROJECT = {"X-Project-ID": None}
PATCH_CT = {"Content-Type": JSON_PATCH}
LONG_NAME = "z" * 64
BAD_IDS = ",".join(f"bogus{i}" for i in range(21))


def _patch(name: str, queue: str, ops: object, **kw: object) -> Step:
    return step(name, "PATCH", f"/v2/queues/{queue}", json=ops, headers=PATCH_CT, **kw)


def _sub_list(name: str) -> Step:
    # Listing order (and so the next marker) is by id: creation order only in mongo.
    return step(
        name,
        "GET",
        "/v2/queues/subs/subscriptions",
        unordered=("subscriptions",),
        mask=("links",),
        note="order not compared",
    )


ROOT = [
    step("versions", "GET", "/", headers={"Client-ID": None, "X-Project-ID": None}),
    step("versions-with-headers", "GET", "/"),
    step("v2-no-slash", "GET", "/v2"),
    step("homedoc", "GET", "/v2/"),
    step("homedoc-no-client-id", "GET", "/v2/", headers=NO_CLIENT),
    step("homedoc-no-project", "GET", "/v2/", headers=NO_PROJECT),
    step("ping", "GET", "/v2/ping"),
    step("ping-head", "HEAD", "/v2/ping"),
    step("ping-no-client-id", "GET", "/v2/ping", headers=NO_CLIENT),
    step("ping-delete-405", "DELETE", "/v2/ping"),
    step("health-not-admin", "GET", "/v2/health"),
    step("health-admin", "GET", "/v2/health", headers=ADMIN),
    step("unknown-route", "GET", "/v2/nothing-here"),
    step("unknown-route-no-headers", "GET", "/v2/nothing/here/at/all", headers=NO_CLIENT),
    step("queues-trailing-slash", "GET", "/v2/queues/"),
]

HEADERS = [
    step("client-id-not-uuid", "GET", "/v2/queues", headers={"Client-ID": "not-a-uuid"}),
    step("client-id-empty", "GET", "/v2/queues", headers={"Client-ID": ""}),
    step(
        "client-id-hex-upper",
        "GET",
        "/v2/queues",
        headers={"Client-ID": "3381AF922B9E11E3B19171861300734C"},
    ),
    step(
        "client-id-urn",
        "GET",
        "/v2/queues",
        headers={"Client-ID": "urn:uuid:3381af92-2b9e-11e3-b191-71861300734c"},
    ),
    step("project-missing", "GET", "/v2/queues", headers=NO_PROJECT),
    step("project-empty", "GET", "/v2/queues", headers={"X-Project-ID": ""}),
    step(
        "project-as-tenant-header",
        "GET",
        "/v2/queues",
        headers={"X-Project-ID": None, "X-Tenant-Id": "{project}"},
    ),
    step("project-257-list", "GET", "/v2/queues", headers={"X-Project-ID": "p" * 257}),
    step("project-257-queue", "GET", "/v2/queues/q1", headers={"X-Project-ID": "p" * 257}),
    step("accept-html-406", "GET", "/v2/queues", headers={"Accept": "text/html"}),
    step("accept-json-params", "GET", "/v2/queues", headers={"Accept": "application/json; q=0.9"}),
    step(
        "form-encoded-400",
        "POST",
        "/v2/queues/formq/messages",
        data="messages=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ),
    step(
        "json-as-text-plain",
        "PUT",
        "/v2/queues/plainq",
        data='{"a": 1}',
        headers={"Content-Type": "text/plain"},
    ),
    step("wrong-method-no-client-id", "POST", "/v2/queues", headers=NO_CLIENT),
    step("wrong-method-405", "POST", "/v2/queues"),
    step("options-queue", "OPTIONS", "/v2/queues/alpha"),
    # oslo CORS, Zaqar's outermost middleware, answers any failed OPTIONS with a bare 200.
    step("options-no-client-id", "OPTIONS", "/v2/queues/alpha", headers=NO_CLIENT),
    step("options-unknown-route", "OPTIONS", "/v2/nothing-here"),
    step("versions-head-405", "HEAD", "/"),
    step("versions-options", "OPTIONS", "/"),
    step("extra-spec-ignored", "GET", "/v2/queues", headers={"EXTRA-SPEC": "sms:1234"}),
    step("head-queue-405", "HEAD", "/v2/queues/alpha"),
]

QUEUES = [
    step("queues-list-first", "GET", "/v2/queues"),
    step("queue-put-alpha", "PUT", "/v2/queues/alpha"),
    step("queue-put-alpha-again", "PUT", "/v2/queues/alpha", json={"ignored": True}),
    step("queue-put-beta-meta", "PUT", "/v2/queues/beta", json={"color": "red", "node": 31}),
    step("queue-put-gamma-ttl", "PUT", "/v2/queues/gamma", json={"_default_message_ttl": 120}),
    step("queue-put-64-chars", "PUT", f"/v2/queues/{LONG_NAME}"),
    step("queue-put-65-chars", "PUT", f"/v2/queues/{'y' * 65}"),
    step("queue-put-space", "PUT", "/v2/queues/bad%20name"),
    step("queue-put-non-ascii", "PUT", "/v2/queues/caf%C3%A9"),
    step("queue-put-array", "PUT", "/v2/queues/badbody", json=[1, 2]),
    step("queue-put-whitespace", "PUT", "/v2/queues/badbody", data="   "),
    step("queue-put-bad-json", "PUT", "/v2/queues/badbody", data="{"),
    step("queue-put-scalar-json", "PUT", "/v2/queues/badbody", data="42"),
    step("queue-put-huge-int", "PUT", "/v2/queues/badbody", data='{"n": 18446744073709551616}'),
    step("queue-put-too-large", "PUT", "/v2/queues/badbody", json={"k": "x" * 65536}),
    step("queue-put-ttl-too-small", "PUT", "/v2/queues/badbody", json={"_default_message_ttl": 10}),
    step("queue-put-ttl-zero", "PUT", "/v2/queues/badbody", json={"_default_message_ttl": 0}),
    step("queue-put-ttl-string", "PUT", "/v2/queues/badbody", json={"_default_message_ttl": "x"}),
    step("queue-put-post-size-0", "PUT", "/v2/queues/badbody", json={"_max_messages_post_size": 0}),
    step("queue-put-delay-901", "PUT", "/v2/queues/badbody", json={"_default_message_delay": 901}),
    step(
        "queue-put-encrypt-string",
        "PUT",
        "/v2/queues/badbody",
        json={"_enable_encrypt_messages": "yes"},
    ),
    step("queue-put-claim-count-str", "PUT", "/v2/queues/badbody", json={"_max_claim_count": "2"}),
    step("queue-get-alpha", "GET", "/v2/queues/alpha"),
    step("queue-get-beta", "GET", "/v2/queues/beta"),
    step("queue-get-gamma", "GET", "/v2/queues/gamma"),
    step("queue-get-missing", "GET", "/v2/queues/missing"),
    step("queues-list", "GET", "/v2/queues"),
    step("queues-list-limit-2", "GET", "/v2/queues", query="limit=2", save=save_next_link("qnext")),
    step("queues-list-next", "GET", "{qnext}"),
    step("queues-list-detailed", "GET", "/v2/queues", query="detailed=true&limit=3"),
    step("queues-list-marker-end", "GET", "/v2/queues", query=f"marker={LONG_NAME}"),
    step("queues-list-limit-0", "GET", "/v2/queues", query="limit=0"),
    step("queues-list-limit-21", "GET", "/v2/queues", query="limit=21"),
    step("queues-list-limit-abc", "GET", "/v2/queues", query="limit=abc"),
    step("queues-list-detailed-bad", "GET", "/v2/queues", query="detailed=maybe"),
    step("queues-list-with-count", "GET", "/v2/queues", query="with_count=true"),
    step("queues-list-name-filter", "GET", "/v2/queues", query="name=alp"),
    step("queues-list-meta-filter", "GET", "/v2/queues", query="color=red&limit=5"),
    step("queue-post-405", "POST", "/v2/queues/alpha"),
    step("queue-stats-empty", "GET", "/v2/queues/alpha/stats"),
    step("queue-stats-missing", "GET", "/v2/queues/missing/stats"),
]

PATCH = [
    _patch("patch-add", "alpha", [{"op": "add", "path": "/metadata/k", "value": 1}]),
    _patch("patch-replace", "alpha", [{"op": "replace", "path": "/metadata/k", "value": 2}]),
    _patch(
        "patch-replace-missing", "alpha", [{"op": "replace", "path": "/metadata/n", "value": 1}]
    ),
    _patch("patch-remove-missing", "alpha", [{"op": "remove", "path": "/metadata/n"}]),
    _patch(
        "patch-remove-reserved", "alpha", [{"op": "remove", "path": "/metadata/_max_claim_count"}]
    ),
    _patch(
        "patch-replace-reserved",
        "alpha",
        [{"op": "replace", "path": "/METADATA/_default_message_ttl", "value": 300}],
    ),
    _patch("patch-remove-k", "alpha", [{"op": "remove", "path": "/metadata/k"}]),
    _patch("patch-empty-list", "alpha", []),
    _patch("patch-empty-list-missing", "nosuchqueue", []),
    _patch("patch-op-move", "alpha", [{"op": "move", "path": "/metadata/k", "value": 1}]),
    _patch("patch-op-missing", "alpha", [{"path": "/metadata/k", "value": 1}]),
    _patch("patch-path-missing", "alpha", [{"op": "add", "value": 1}]),
    _patch("patch-path-no-slash", "alpha", [{"op": "add", "path": "metadata/k", "value": 1}]),
    _patch("patch-path-3-segments", "alpha", [{"op": "add", "path": "/metadata/a/b", "value": 1}]),
    _patch("patch-path-wrong-root", "alpha", [{"op": "add", "path": "/meta/k", "value": 1}]),
    _patch("patch-add-no-value", "alpha", [{"op": "add", "path": "/metadata/k"}]),
    _patch("patch-not-object", "alpha", [1]),
    _patch(
        "patch-reserved-invalid",
        "alpha",
        [{"op": "add", "path": "/metadata/_default_message_ttl", "value": 5}],
    ),
    _patch(
        "patch-too-large", "alpha", [{"op": "add", "path": "/metadata/k", "value": "x" * 65536}]
    ),
    step(
        "patch-content-type-json",
        "PATCH",
        "/v2/queues/alpha",
        json=[],
        headers={"Content-Type": "application/json"},
    ),
    step(
        "patch-content-type-charset",
        "PATCH",
        "/v2/queues/alpha",
        json=[],
        headers={"Content-Type": JSON_PATCH + "; charset=utf-8"},
    ),
    step("patch-no-body", "PATCH", "/v2/queues/alpha", headers=PATCH_CT),
    step("queue-get-alpha-patched", "GET", "/v2/queues/alpha"),
]

MESSAGES = [
    step(
        "messages-post-2",
        "POST",
        "/v2/queues/msgs/messages",
        json={"messages": [{"ttl": 300, "body": {"event": "BackupStarted"}}, {"body": "two"}]},
        save=save_resource_ids("m"),
    ),
    step(
        "messages-post-4",
        "POST",
        "/v2/queues/msgs/messages",
        json={
            "messages": [
                {"body": None, "ttl": 60},
                {"body": [1, 2, 3], "ttl": 1209600},
                {"body": 3.5, "delay": 901, "extra": "dropped"},
                {"body": {"n": 5}, "ttl": 120},
            ]
        },
        save=save_resource_ids("n"),
    ),
    step("messages-post-bare-array", "POST", "/v2/queues/msgs/messages", json=[{"body": 1}]),
    step("messages-post-not-array", "POST", "/v2/queues/msgs/messages", json={"messages": {}}),
    step("messages-post-empty-list", "POST", "/v2/queues/msgs/messages", json={"messages": []}),
    step("messages-post-no-key", "POST", "/v2/queues/msgs/messages", json={"msgs": []}),
    step(
        "messages-post-ttl-59",
        "POST",
        "/v2/queues/msgs/messages",
        json={"messages": [{"body": 1, "ttl": 59}]},
    ),
    step(
        "messages-post-ttl-max-plus-1",
        "POST",
        "/v2/queues/msgs/messages",
        json={"messages": [{"body": 1, "ttl": 1209601}]},
    ),
    step(
        "messages-post-ttl-string",
        "POST",
        "/v2/queues/msgs/messages",
        json={"messages": [{"body": 1, "ttl": "60"}]},
    ),
    step(
        "messages-post-ttl-true",
        "POST",
        "/v2/queues/msgs/messages",
        json={"messages": [{"body": 1, "ttl": True}]},
    ),
    step(
        "messages-post-no-body-field",
        "POST",
        "/v2/queues/msgs/messages",
        json={"messages": [{"ttl": 60}]},
    ),
    step(
        "messages-post-item-not-object",
        "POST",
        "/v2/queues/msgs/messages",
        json={"messages": [1]},
    ),
    step(
        "messages-post-too-large",
        "POST",
        "/v2/queues/msgs/messages",
        json={"messages": [{"body": "x" * 262144}]},
    ),
    step("messages-post-bad-json", "POST", "/v2/queues/msgs/messages", data='{"messages": ['),
    step("messages-post-empty-body", "POST", "/v2/queues/msgs/messages", data=b""),
    step(
        "messages-post-lazy-bad-name",
        "POST",
        "/v2/queues/bad%21name/messages",
        json={"messages": [{"body": 1}]},
    ),
    step(
        "messages-post-rejected-creates-queue",
        "POST",
        "/v2/queues/lazyq/messages",
        json={"messages": []},
    ),
    step(
        "gamma-post-default-ttl",
        "POST",
        "/v2/queues/gamma/messages",
        json={"messages": [{"body": 1}]},
    ),
    step("messages-list-gamma", "GET", "/v2/queues/gamma/messages", query="echo=true"),
    step("messages-list-own-hidden", "GET", "/v2/queues/msgs/messages"),
    step("messages-list-echo", "GET", "/v2/queues/msgs/messages", query="echo=true"),
    step(
        "messages-list-echo-limit-2",
        "GET",
        "/v2/queues/msgs/messages",
        query="echo=true&limit=2",
        save=save_next_link("mnext"),
    ),
    step("messages-list-next-page", "GET", "{mnext}"),
    step(
        "messages-list-other-client",
        "GET",
        "/v2/queues/msgs/messages",
        headers={"Client-ID": OTHER_CLIENT_ID},
    ),
    step(
        "messages-list-same-client-other-form",
        "GET",
        "/v2/queues/msgs/messages",
        headers={"Client-ID": "3381AF922B9E11E3B19171861300734C"},
    ),
    step("messages-list-missing-queue", "GET", "/v2/queues/missing/messages", query="echo=true"),
    step("messages-list-limit-21", "GET", "/v2/queues/msgs/messages", query="limit=21"),
    step("messages-list-limit-0", "GET", "/v2/queues/msgs/messages", query="limit=0"),
    step("messages-list-echo-bad", "GET", "/v2/queues/msgs/messages", query="echo=maybe"),
    step("messages-list-bad-marker", "GET", "/v2/queues/msgs/messages", query="echo=1&marker=abc"),
    step("message-get", "GET", "/v2/queues/msgs/messages/{m0}"),
    step("message-get-unknown", "GET", "/v2/queues/msgs/messages/bogus"),
    step("message-get-wrong-queue", "GET", "/v2/queues/alpha/messages/{m0}"),
    step(
        "messages-get-ids",
        "GET",
        "/v2/queues/msgs/messages",
        query="ids={m0},{m1},bogus",
        unordered=("messages",),
    ),
    step(
        "messages-get-ids-repeated",
        "GET",
        "/v2/queues/msgs/messages",
        query="ids={m0}&ids={n0}",
        unordered=("messages",),
    ),
    step(
        "messages-get-ids-none-found", "GET", "/v2/queues/msgs/messages", query="ids=bogus1,bogus2"
    ),
    step("messages-get-ids-encoded-comma", "GET", "/v2/queues/msgs/messages", query="ids=a%2Cb"),
    step("messages-get-ids-21", "GET", "/v2/queues/msgs/messages", query=f"ids={BAD_IDS}"),
    step("messages-get-ids-missing-queue", "GET", "/v2/queues/missing/messages", query="ids={m0}"),
    step("queue-stats-msgs", "GET", "/v2/queues/msgs/stats"),
    step("messages-delete-neither", "DELETE", "/v2/queues/msgs/messages"),
    step("messages-delete-both", "DELETE", "/v2/queues/msgs/messages", query="ids={m0}&pop=1"),
    step("messages-pop-0", "DELETE", "/v2/queues/msgs/messages", query="pop=0"),
    step("messages-pop-21", "DELETE", "/v2/queues/msgs/messages", query="pop=21"),
    step("messages-pop-abc", "DELETE", "/v2/queues/msgs/messages", query="pop=abc"),
    step("messages-delete-ids-21", "DELETE", "/v2/queues/msgs/messages", query=f"ids={BAD_IDS}"),
    step("messages-pop-1", "DELETE", "/v2/queues/msgs/messages", query="pop=1"),
    step("messages-delete-ids", "DELETE", "/v2/queues/msgs/messages", query="ids={m1},bogus"),
    step("message-delete", "DELETE", "/v2/queues/msgs/messages/{n0}"),
    step("message-delete-unknown", "DELETE", "/v2/queues/msgs/messages/bogus"),
    step("message-get-deleted", "GET", "/v2/queues/msgs/messages/{n0}"),
    step("messages-pop-missing-queue", "DELETE", "/v2/queues/missing/messages", query="pop=2"),
    step("messages-put-405", "PUT", "/v2/queues/msgs/messages"),
]

# After MESSAGES, queue msgs holds n1 (ttl 1209600), n2 (body 3.5) and n3 (ttl 120).
CLAIMS = [
    step(
        "claim-create-1",
        "POST",
        "/v2/queues/msgs/claims",
        query="limit=1",
        json={"ttl": 60, "grace": 60},
        save=save_location_id("cid"),
    ),
    step("claim-get", "GET", "/v2/queues/msgs/claims/{cid}"),
    step("claim-get-unknown", "GET", "/v2/queues/msgs/claims/bogus"),
    step("claim-get-wrong-queue", "GET", "/v2/queues/alpha/claims/{cid}"),
    step("messages-list-claimed-hidden", "GET", "/v2/queues/msgs/messages", query="echo=true"),
    step(
        "messages-list-include-claimed",
        "GET",
        "/v2/queues/msgs/messages",
        query="echo=true&include_claimed=true",
    ),
    step("message-get-claimed", "GET", "/v2/queues/msgs/messages/{n1}"),
    step("message-delete-claimed-no-cid", "DELETE", "/v2/queues/msgs/messages/{n1}"),
    step(
        "message-delete-claimed-bad-cid",
        "DELETE",
        "/v2/queues/msgs/messages/{n1}",
        query="claim_id=zzz",
    ),
    step(
        "message-delete-unclaimed-with-cid",
        "DELETE",
        "/v2/queues/msgs/messages/{n2}",
        query="claim_id={cid}",
    ),
    step("claim-renew", "PATCH", "/v2/queues/msgs/claims/{cid}", json={"ttl": 120, "grace": 60}),
    step("claim-renew-defaults", "PATCH", "/v2/queues/msgs/claims/{cid}", json={}),
    step("claim-renew-no-body", "PATCH", "/v2/queues/msgs/claims/{cid}"),
    step("claim-renew-ttl-10", "PATCH", "/v2/queues/msgs/claims/{cid}", json={"ttl": 10}),
    step("claim-renew-unknown", "PATCH", "/v2/queues/msgs/claims/bogus", json={"ttl": 100}),
    step("claim-get-renewed", "GET", "/v2/queues/msgs/claims/{cid}"),
    step("claim-create-ttl-59", "POST", "/v2/queues/msgs/claims", json={"ttl": 59}),
    step("claim-create-grace-big", "POST", "/v2/queues/msgs/claims", json={"grace": 43201}),
    step("claim-create-ttl-string", "POST", "/v2/queues/msgs/claims", json={"ttl": "x"}),
    step("claim-create-limit-21", "POST", "/v2/queues/msgs/claims", query="limit=21", json={}),
    step("claim-create-limit-abc", "POST", "/v2/queues/msgs/claims", query="limit=abc", json={}),
    step("claim-create-bad-json", "POST", "/v2/queues/msgs/claims", data="{ttl"),
    step("claim-create-array", "POST", "/v2/queues/msgs/claims", json=[]),
    step("claim-create-missing-queue", "POST", "/v2/queues/missing/claims", json={}),
    step(
        "claim-create-rest",
        "POST",
        "/v2/queues/msgs/claims",
        json={"ttl": 300, "grace": 120},
        save=save_location_id("cid2"),
    ),
    step("claim-create-nothing-left", "POST", "/v2/queues/msgs/claims"),
    step("messages-pop-all-claimed", "DELETE", "/v2/queues/msgs/messages", query="pop=5"),
    step("queue-stats-claimed", "GET", "/v2/queues/msgs/stats"),
    step(
        "message-delete-with-cid",
        "DELETE",
        "/v2/queues/msgs/messages/{n1}",
        query="claim_id={cid}",
    ),
    step(
        "message-delete-other-claims-cid",
        "DELETE",
        "/v2/queues/msgs/messages/{n2}",
        query="claim_id={cid}",
    ),
    step("claim-release", "DELETE", "/v2/queues/msgs/claims/{cid}"),
    step("claim-release-unknown", "DELETE", "/v2/queues/msgs/claims/bogus"),
    step("claim-get-released", "GET", "/v2/queues/msgs/claims/{cid}"),
    step("claim-get-2", "GET", "/v2/queues/msgs/claims/{cid2}"),
    step("claim-release-2", "DELETE", "/v2/queues/msgs/claims/{cid2}"),
    step("messages-list-after-release", "GET", "/v2/queues/msgs/messages", query="echo=true"),
    step("claim-post-405", "POST", "/v2/queues/msgs/claims/{cid2}"),
]

DELAYED = [
    step("delayed-queue-put", "PUT", "/v2/queues/delayed", json={"_default_message_delay": 30}),
    step(
        "delayed-post",
        "POST",
        "/v2/queues/delayed/messages",
        json={"messages": [{"body": "later"}, {"body": "now", "delay": 0}]},
        save=save_resource_ids("d"),
    ),
    step(
        "delayed-post-901",
        "POST",
        "/v2/queues/delayed/messages",
        json={"messages": [{"body": 1, "delay": 901}]},
    ),
    step("delayed-list", "GET", "/v2/queues/delayed/messages", query="echo=true"),
    step(
        "delayed-list-include",
        "GET",
        "/v2/queues/delayed/messages",
        query="echo=true&include_delayed=true",
    ),
    step("delayed-get", "GET", "/v2/queues/delayed/messages/{d0}"),
    step(
        "delayed-claim", "POST", "/v2/queues/delayed/claims", json={}, save=save_location_id("dc")
    ),
    step("delayed-stats", "GET", "/v2/queues/delayed/stats"),
    step("delayed-pop", "DELETE", "/v2/queues/delayed/messages", query="pop=5"),
]

SHARE = [
    step("purge-default", "POST", "/v2/queues/msgs/purge"),
    step("purge-messages", "POST", "/v2/queues/msgs/purge", json={"resource_types": ["messages"]}),
    step(
        "purge-bad-type",
        "POST",
        "/v2/queues/msgs/purge",
        json={"resource_types": ["queues"]},
        ignore=("description", "body"),
        note="the description prints a Python set, whose order follows PYTHONHASHSEED",
    ),
    step("purge-no-key", "POST", "/v2/queues/msgs/purge", json={"types": []}),
    step("purge-missing-queue", "POST", "/v2/queues/missing/purge", json={}),
    step("queue-stats-purged", "GET", "/v2/queues/msgs/stats"),
    step("share-no-body", "POST", "/v2/queues/shq/share"),
    step("share-unknown-key", "POST", "/v2/queues/shq/share", json={"project_id": "x"}),
    step("share-bad-path", "POST", "/v2/queues/shq/share", json={"paths": ["queues"]}),
    step("share-methods-not-list", "POST", "/v2/queues/shq/share", json={"methods": "GET"}),
    step("share-expires-int", "POST", "/v2/queues/shq/share", json={"expires": "12345"}),
    step(
        "share-expires-past",
        "POST",
        "/v2/queues/shq/share",
        json={"expires": "2000-01-01T00:00:00"},
    ),
    step(
        "share-create",
        "POST",
        "/v2/queues/shq/share",
        json={
            "paths": ["messages", "claims"],
            "methods": ["POST", "GET"],
            "expires": "2099-01-01T00:00:00",
        },
        save=save_share("sig"),
    ),
    step("share-defaults", "POST", "/v2/queues/shq/share", json={}),
    step(
        "signed-post",
        "POST",
        "/v2/queues/shq/messages",
        json={"messages": [{"body": "signed"}]},
        headers=signed_headers("sig"),
    ),
    step(
        "signed-get",
        "GET",
        "/v2/queues/shq/messages",
        query="echo=true",
        headers=signed_headers("sig"),
    ),
    step(
        "signed-claim-path-prefix",
        "POST",
        "/v2/queues/shq/claims",
        json={},
        headers=signed_headers("sig"),
        save=save_location_id("sigcid"),
    ),
    step(
        "signed-get-claim-by-regex",
        "GET",
        "/v2/queues/shq/claims/{sigcid}",
        headers=signed_headers("sig"),
    ),
    step(
        "signed-method-not-allowed",
        "DELETE",
        "/v2/queues/shq/messages",
        query="pop=1",
        headers=signed_headers("sig"),
    ),
    step(
        "signed-bad-signature",
        "GET",
        "/v2/queues/shq/messages",
        headers=signed_headers("sig", **{"URL-Signature": "0" * 64}),
    ),
    step(
        "signed-wrong-project",
        "GET",
        "/v2/queues/shq/messages",
        headers=signed_headers("sig", **{"X-Project-ID": "{project}-other"}),
    ),
    step(
        "signed-expires-changed",
        "GET",
        "/v2/queues/shq/messages",
        headers=signed_headers("sig", **{"URL-Expires": "2098-01-01T00:00:00"}),
    ),
    step(
        "signed-expires-garbage",
        "GET",
        "/v2/queues/shq/messages",
        headers=signed_headers("sig", **{"URL-Expires": "soon"}),
    ),
    step(
        "signed-other-queue",
        "GET",
        "/v2/queues/other/messages",
        headers=signed_headers("sig"),
    ),
    step(
        "signed-no-client-id",
        "GET",
        "/v2/queues/shq/messages",
        headers=signed_headers("sig", **{"Client-ID": None}),
    ),
    step("share-get-405", "GET", "/v2/queues/shq/share"),
]

SUBSCRIPTIONS = [
    step(
        "sub-create",
        "POST",
        "/v2/queues/subs/subscriptions",
        json={"subscriber": "http://127.0.0.1:9/hook", "ttl": 3600, "options": {"a": 1}},
        save=save_json("sid", "subscription_id"),
    ),
    step(
        "sub-create-duplicate",
        "POST",
        "/v2/queues/subs/subscriptions",
        json={"subscriber": "http://127.0.0.1:9/hook", "ttl": 600},
    ),
    step(
        "sub-create-mailto",
        "POST",
        "/v2/queues/subs/subscriptions",
        json={"subscriber": "mailto:ops@example.com"},
        save=save_json("sid2", "subscription_id"),
    ),
    step("sub-create-ftp", "POST", "/v2/queues/subs/subscriptions", json={"subscriber": "ftp://x"}),
    step("sub-create-empty", "POST", "/v2/queues/subs/subscriptions", json={}),
    step("sub-create-no-body", "POST", "/v2/queues/subs/subscriptions"),
    step(
        "sub-create-options-list",
        "POST",
        "/v2/queues/subs/subscriptions",
        json={"subscriber": "http://127.0.0.1:9/o", "options": []},
    ),
    step(
        "sub-create-ttl-string",
        "POST",
        "/v2/queues/subs/subscriptions",
        json={"subscriber": "http://127.0.0.1:9/t", "ttl": "x"},
    ),
    step(
        "sub-create-ttl-59",
        "POST",
        "/v2/queues/subs/subscriptions",
        json={"subscriber": "http://127.0.0.1:9/t", "ttl": 59},
    ),
    step(
        "sub-create-lazy-queue",
        "POST",
        "/v2/queues/subslazy/subscriptions",
        json={"subscriber": "gopher://x"},
    ),
    _sub_list("sub-list"),
    step("sub-list-limit-0", "GET", "/v2/queues/subs/subscriptions", query="limit=0"),
    step("sub-list-limit-21", "GET", "/v2/queues/subs/subscriptions", query="limit=21"),
    step("sub-list-missing-queue", "GET", "/v2/queues/missing/subscriptions"),
    step("sub-get", "GET", "/v2/queues/subs/subscriptions/{sid}"),
    step("sub-get-unknown", "GET", "/v2/queues/subs/subscriptions/bogus"),
    step("sub-get-wrong-queue", "GET", "/v2/queues/alpha/subscriptions/{sid}"),
    step("sub-update", "PATCH", "/v2/queues/subs/subscriptions/{sid}", json={"ttl": 7200}),
    step(
        "sub-update-options",
        "PATCH",
        "/v2/queues/subs/subscriptions/{sid}",
        json={"options": {"b": 2}, "subscriber": None},
    ),
    step("sub-update-empty", "PATCH", "/v2/queues/subs/subscriptions/{sid}", json={}),
    step("sub-update-unknown-key", "PATCH", "/v2/queues/subs/subscriptions/{sid}", json={"x": 1}),
    step(
        "sub-update-bad-scheme",
        "PATCH",
        "/v2/queues/subs/subscriptions/{sid}",
        json={"subscriber": "ftp://x"},
    ),
    step(
        "sub-update-duplicate",
        "PATCH",
        "/v2/queues/subs/subscriptions/{sid}",
        json={"subscriber": "mailto:ops@example.com"},
    ),
    step("sub-update-unknown", "PATCH", "/v2/queues/subs/subscriptions/bogus", json={"ttl": 100}),
    step("sub-get-updated", "GET", "/v2/queues/subs/subscriptions/{sid}"),
    step(
        "sub-confirm",
        "PUT",
        "/v2/queues/subs/subscriptions/{sid}/confirm",
        json={"confirmed": True},
    ),
    step(
        "sub-confirm-string",
        "PUT",
        "/v2/queues/subs/subscriptions/{sid}/confirm",
        json={"confirmed": "yes"},
    ),
    step("sub-confirm-no-body", "PUT", "/v2/queues/subs/subscriptions/{sid}/confirm"),
    step(
        "sub-confirm-unknown",
        "PUT",
        "/v2/queues/subs/subscriptions/bogus/confirm",
        json={"confirmed": True},
    ),
    step(
        "sub-create-duplicate-confirmed",
        "POST",
        "/v2/queues/subs/subscriptions",
        json={"subscriber": "http://127.0.0.1:9/hook"},
    ),
    step("sub-get-confirmed", "GET", "/v2/queues/subs/subscriptions/{sid}"),
    step("sub-delete", "DELETE", "/v2/queues/subs/subscriptions/{sid2}"),
    step("sub-delete-unknown", "DELETE", "/v2/queues/subs/subscriptions/bogus"),
    _sub_list("sub-list-after-delete"),
    step("sub-queue-delete", "DELETE", "/v2/queues/subs"),
    step("sub-survives-queue-delete", "GET", "/v2/queues/subs/subscriptions/{sid}"),
    step(
        "purge-subscriptions",
        "POST",
        "/v2/queues/subs/purge",
        json={"resource_types": ["subscriptions"]},
    ),
    step("sub-list-after-purge", "GET", "/v2/queues/subs/subscriptions"),
]

CLEANUP = [
    step("queue-delete", "DELETE", "/v2/queues/alpha"),
    step("queue-delete-missing", "DELETE", "/v2/queues/alpha"),
    step("queue-delete-bad-name", "DELETE", "/v2/queues/bad%24name"),
    step("queue-get-deleted", "GET", "/v2/queues/alpha"),
    step("queues-list-final", "GET", "/v2/queues", query="detailed=true&limit=20"),
]

V2_SESSION: list[Step] = unique_names(
    ROOT + HEADERS + QUEUES + PATCH + MESSAGES + CLAIMS + DELAYED + SHARE + SUBSCRIPTIONS + CLEANUP
)
