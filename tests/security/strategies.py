"""Hypothesis strategies for hostile requests: names, ids, queries, headers, bodies, frames."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import strategies as st

from zaqarclient.server.config import Config
from zaqarclient.server.routing import Router

CID = "3381af92-2b9e-11e3-b191-71861300734c"
OID = "5f4c4e5e8e2b4d1e9d596a6a"
PATCH_CT = "application/openstack-messaging-v2.0-json-patch"

# Words the server reads somewhere: body fields, query parameters, reserved metadata.
KEYS = (
    "messages", "body", "ttl", "delay", "grace", "limit", "marker", "subscriber", "options",
    "op", "path", "value", "resource_types", "paths", "methods", "expires", "uri", "weight",
    "flavor", "pool", "pool_list", "pool_group", "capabilities", "metadata", "queue_name",
    "message_id", "message_ids", "claim_id", "claim_ids", "pop", "echo", "detailed",
    "include_claimed", "include_delayed", "trust_id", "_default_message_ttl",
    "_default_message_delay", "_max_messages_post_size", "_dead_letter_queue",
    "_dead_letter_queue_messages_ttl", "_max_claim_count", "_enable_encrypt_messages",
    "_retry_policy", "_flavor", "retries_with_no_delay", "minimum_delay", "maximum_delay",
    "retry_backoff_function", "confirmed", "name", "with_count", "ids",
)
PARAMS = ("limit", "marker", "detailed", "name", "with_count", "echo", "include_claimed",
          "include_delayed", "ids", "claim_ids", "pop", "claim_id", "k")

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_SHORT = st.sampled_from(["", "q", "fz", "a.b", "a" * 64, "a" * 65, "ü", " ", "-", "..", "/"])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, -1, 59, 60, 3600, 43200, 43201, 1209601, 2**63, 10**11]),
    st.floats(allow_nan=True, allow_infinity=True), _TEXT, _SHORT,
    st.sampled_from(["http://127.0.0.1:9/h", "mailto:a@b.c", "trust+http://x", "nope://",
                     "add", "remove", "replace", "/metadata/k", "messages", "GET", "POST",
                     "2099-01-01T00:00:00", "linear", OID, CID]),
)
JSON: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), _TEXT), inner, max_size=5),
    ),
    max_leaves=20,
)


def _escape_texts(doc: Any) -> bytes:
    return json.dumps(doc).encode()


RAW_BODIES = st.one_of(
    st.binary(max_size=64),
    st.sampled_from([b"{", b"[", b"   ", b"null", b"1", b'"s"', b"[]", b"{}", b"\xff\xfe",
                     b'{"messages": [{"body": "\\ud800"}]}', b'{"a": NaN}', b"[" * 2000,
                     b'{"messages": [' + b'{"body": 1},' * 50 + b'{"body": 1}]}']),
)
BODIES = st.one_of(st.none(), JSON.map(_escape_texts), RAW_BODIES)

SEGMENTS = st.one_of(
    st.sampled_from(["fz", "fz2", "a.b", "q", "a" * 64, "a" * 65, "", "%0A", "fz%0A",
                     "%00", "%ff", "%2F", "..", "%E2%82%AC", "UPPER", "x%20y", OID, "0" * 24]),
    st.text(st.sampled_from("abcXYZ019_-.%~!*'();:@&=+$,"), min_size=1, max_size=10),
)


def route_templates(config: Config) -> list[str]:
    """Every path template of the reference server's routers (v2 and v1.1)."""
    from zaqarclient.server import v1_1, v2

    routers: list[Router] = [v2.build_router(config), v1_1.build_router(config)]
    return [route.template for router in routers for route in router.routes]


def paths(templates: list[str]) -> st.SearchStrategy[str]:
    def fill(template: str, draw_segments: list[str]) -> str:
        parts = iter(draw_segments)
        return re.sub(r"\{\w+\}", lambda _: next(parts), template)

    def build(template: str) -> st.SearchStrategy[str]:
        count = len(re.findall(r"\{\w+\}", template))
        return st.lists(SEGMENTS, min_size=count, max_size=count).map(
            lambda segs: fill(template, segs))

    extra = st.sampled_from(["/", "/v2", "/v2/", "/v1.1/", "//v2/queues", "/v3/queues",
                             "/v2/queues/", "/v2/ping/x"])
    return st.one_of(st.sampled_from(templates).flatmap(build), extra)


QUERIES = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMS), st.text("abc%,=", max_size=4)),
              st.one_of(st.sampled_from(["", ",", ",,", "1", "0", "-1", "21", "true", "no",
                                         "x", "(a+)+$", "[", OID, f"{OID},{OID}", "%2C",
                                         "1e5", "99999999999999999999"]),
                        st.text("abc19,%-+*()[]^$|\\", max_size=8))),
    max_size=4,
).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))

_HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
_CLIENT_IDS = st.one_of(st.just(CID), st.just(CID), st.just(CID),
                        st.sampled_from(["", "x", CID.upper(), "{" + CID + "}"]), _HEADER_TEXT)
_PROJECTS = st.one_of(st.just("fuzz"), st.just("fuzz"), st.just("other"),
                      st.sampled_from(["", "a" * 257, "fuzz\x7f"]), _HEADER_TEXT)
HEADERS = st.fixed_dictionaries({"Client-ID": _CLIENT_IDS, "X-Project-ID": _PROJECTS}, optional={
    "X-Tenant-Id": st.sampled_from(["fuzz", "other", ""]),
    "Content-Type": st.sampled_from(["application/json", "application/x-www-form-urlencoded",
                                     PATCH_CT, PATCH_CT + "; charset=utf-8", "text/plain", ""]),
    "Accept": st.sampled_from(["application/json", "*/*", "text/html", "application/xml",
                               "application/json;q=0", "garbage;;", ""]),
    "X-Roles": st.sampled_from(["admin", "", "admin,member", "member"]),
    "EXTRA-SPEC": st.sampled_from(["", "x", "messagecode:1", "nosuchtask:y"]),
    "URL-Signature": st.one_of(st.sampled_from(["", "0" * 64]), _HEADER_TEXT),
    "URL-Paths": st.sampled_from(["/v2/queues/fz/messages", "(a+)+$", "[", ",", ""]),
    "URL-Methods": st.sampled_from(["GET", "GET,POST", "", ","]),
    "URL-Expires": st.sampled_from(["2099-01-01T00:00:00", "x", "1", "9999-12-31T23:59:59Z",
                                    "0001-01-01T00:00:00+14:00"]),
    "X-Auth-Token": _HEADER_TEXT,
})
METHODS = st.sampled_from(["GET", "GET", "PUT", "POST", "POST", "PATCH", "DELETE", "HEAD",
                           "OPTIONS", "FOO"])


_TYPED: dict[str, st.SearchStrategy[Any]] = {
    "string": st.one_of(st.sampled_from(["fz", "a.b", "fz\n", "", "a" * 65, "ü", OID,
                                         "0" * 24, "http://127.0.0.1:9/h", "nope://x"]),
                        _TEXT),
    "integer": st.one_of(st.sampled_from([0, 1, 10, 20, 21, 59, 60, 3600, 43201, -1]),
                         st.integers(-(2**66), 2**66)),
    "boolean": st.booleans(),
    "array": st.one_of(st.lists(st.sampled_from([OID, "x", 1, None]), max_size=3),
                       st.lists(st.fixed_dictionaries({}, optional={
                           "body": JSON, "ttl": SCALARS, "delay": SCALARS}), max_size=3),
                       st.lists(JSON, max_size=3)),
    "object": st.dictionaries(st.one_of(st.sampled_from(KEYS), _TEXT), JSON, max_size=4),
}


def frames() -> st.SearchStrategy[Any]:
    """Websocket request documents: mostly well-typed envelopes of real actions, some garbage."""
    from zaqarclient.server.ws.schema import ACTIONS

    ws_headers = st.fixed_dictionaries(
        {"Client-ID": st.one_of(st.just(CID), st.just(CID), SCALARS),
         "X-Project-ID": st.one_of(st.just("fuzz-ws"), st.just("fuzz-ws"), SCALARS)},
        optional={"URL-Signature": SCALARS, "URL-Paths": st.one_of(JSON, SCALARS),
                  "URL-Methods": st.one_of(JSON, SCALARS), "URL-Expires": SCALARS},
    )

    def envelope(action: str) -> st.SearchStrategy[Any]:
        spec = ACTIONS[action]
        typed = {name: st.one_of(_TYPED.get(kind, JSON), _TYPED.get(kind, JSON), JSON)
                 for name, kind in spec.body.items()}
        extra = {k: JSON for k in ("ttl", "grace", "limit", "marker", "subscriber", "options",
                                   "metadata", "echo", "detailed") if k not in typed}
        body = st.fixed_dictionaries({}, optional={**typed, **extra})
        if spec.required:
            body = st.fixed_dictionaries(
                {name: typed.get(name, JSON) for name in spec.required},
                optional={k: v for k, v in {**typed, **extra}.items() if k not in spec.required},
            )
        return st.fixed_dictionaries({"action": st.just(action),
                                      "headers": st.one_of(ws_headers, ws_headers, JSON)},
                                     optional={"body": st.one_of(body, body, body, JSON)})

    real = st.sampled_from(sorted(a for a in ACTIONS if a != "authenticate")).flatmap(envelope)
    odd = st.fixed_dictionaries({"action": st.sampled_from([None, 1, "nope", "", [1]]),
                                 "headers": JSON}, optional={"body": JSON})
    return st.one_of(real, real, real, odd, JSON)
