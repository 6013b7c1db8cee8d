"""Tenant isolation: every route and websocket action, tried from another project, gets nothing.

Project A keeps a queue, a topic and a flavor whose data carry a marker. Every
route of v2, v1.1 and topics, with every method it has and query variants
aiming at A's ids, is tried as project B in no-auth, token and signed-URL
modes with every header combination below; then every websocket action.
No answer may carry the marker, and A's data must be exactly as before.
Signed URLs are then tampered with field by field. Figures print with ``-s``.
"""

from __future__ import annotations

import datetime
import http.client
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from websocket import create_connection

from zaqarclient.server import signing
from zaqarclient.server.config import Config, Token
from zaqarclient.server.ws.schema import ACTIONS
from zaqarclient.testing import ReferenceServer

CID = "3381af92-2b9e-11e3-b191-71861300734c"
KEY = "isolation-key"
MARK = "MARK-of-project-A"
PATCH_CT = "application/openstack-messaging-v2.0-json-patch"
TALLY: dict[str, int] = {}


@dataclass
class Victim:
    """Project A's resources on one server and the state they must keep."""

    server: ReferenceServer
    ids: dict[str, str] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        if self.server.config.tokens:
            return {"Client-ID": CID, "X-Auth-Token": "tokA"}
        return {"Client-ID": CID, "X-Project-ID": "projA", "X-Roles": "admin"}

    def call(self, method: str, path: str, body: Any = None, **extra: str) -> requests.Response:
        return requests.request(method, self.server.url + path, json=body,
                                headers={**self.headers(), **extra})

    def setup(self) -> Victim:
        for kind in ("queues", "topics"):
            base = f"/v2/{kind}/v"
            assert self.call("PUT", base, {"secret": MARK}).status_code == 201
            posted = self.call("POST", base + "/messages",
                               {"messages": [{"body": MARK, "ttl": 3600}] * 3})
            self.ids[kind + ":message"] = posted.json()["resources"][0].rsplit("/", 1)[1]
            claim = self.call("POST", base + "/claims?limit=1", {"ttl": 3600})
            self.ids[kind + ":claim"] = claim.headers["location"].rsplit("/", 1)[1]
            sub = self.call("POST", base + "/subscriptions",
                            {"subscriber": f"http://127.0.0.1:9/{MARK}", "ttl": 3600})
            self.ids[kind + ":subscription"] = sub.json()["subscription_id"]
        self.call("PUT", "/v2/pools/pa", {"uri": "redis://127.0.0.1:6379", "weight": 1})
        self.call("PUT", "/v2/flavors/fa", {"pool_list": ["pa"], "capabilities": {"m": MARK}})
        self.before = self.state()
        return self

    def state(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind in ("queues", "topics"):
            base = f"/v2/{kind}/v"
            out[kind] = (
                self.call("GET", base).json(),
                self.call("GET", base + "/messages?echo=true&include_claimed=true").json(),
                self.call("GET", f"{base}/claims/{self.ids[kind + ':claim']}").json(),
                self.call("GET", base + "/subscriptions").json(),
            )
        out["flavor"] = self.call("GET", "/v2/flavors/fa").json()
        return out

    def fill(self, template: str) -> str:
        kind = "topics" if "{topic_name}" in template else "queues"
        values = {"queue_name": "v", "topic_name": "v", "message_id": self.ids[kind + ":message"],
                  "claim_id": self.ids[kind + ":claim"],
                  "subscription_id": self.ids[kind + ":subscription"],
                  "pool_name": "pa", "flavor_name": "fa"}
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def noauth_server() -> ReferenceServer:
    return ReferenceServer(Config(secret_key=KEY, strict_policy=True, enable_v1_1=True))


def token_server() -> ReferenceServer:
    tokens = {"tokA": Token("projA", ("admin",)), "tokB": Token("projB")}
    return ReferenceServer(Config(secret_key=KEY, strict_policy=True, tokens=tokens,
                                  enable_v1_1=True))


@pytest.fixture(scope="module", params=["no-auth", "token"])
def victim(request: pytest.FixtureRequest) -> Iterator[Victim]:
    with (noauth_server() if request.param == "no-auth" else token_server()) as server:
        yield Victim(server).setup()


def signed(project: str, paths: list[str], methods: list[str], now: float) -> dict[str, str]:
    doc = signing.sign(KEY, paths, project=project, methods=methods, now=now)
    return {"URL-Signature": doc["signature"], "URL-Expires": doc["expires"],
            "URL-Methods": ",".join(doc["methods"]), "URL-Paths": ",".join(doc["paths"]),
            "X-Project-ID": project}


def attacker_headers(victim: Victim, path: str) -> list[dict[str, str]]:
    """Every header combination an attacker in project B would try."""
    now = victim.server.clock.now()
    methods = ["DELETE", "GET", "PATCH", "POST", "PUT"]
    own = signed("projB", [path], methods, now)  # B's genuine URL for the same path
    other_queue = signed("projA", ["/v2/queues/sq/messages", "/v2/queues/sq/claims"], methods,
                         now)  # a URL A shared for another queue
    spoofs = [
        {**own, "X-Project-ID": "projA"},
        other_queue,
        {"URL-Signature": "0" * 64, "URL-Paths": path, "URL-Methods": "GET",
         "URL-Expires": "2099-01-01T00:00:00", "X-Project-ID": "projA"},
    ]
    if victim.server.config.tokens:
        spoofs.append({"URL-Signature": "", "X-Project-ID": "projA"})
        return [
            {"X-Auth-Token": "tokB", "X-Project-ID": "projA"},
            {"X-Auth-Token": "tokB", "X-Project-ID": "projA", "EXTRA-SPEC": "x"},
            {"X-Auth-Token": "tokB", "X-Tenant-Id": "projA", "X-Roles": "admin"},
            {"X-Project-ID": "projA", "EXTRA-SPEC": "x"},
            {"X-Project-ID": "projA", "EXTRA-SPEC": "x", "X-Auth-Token": "tokA-guess"},
            {"X-Project-ID": "projA", "X-Identity-Status": "Confirmed", "X-Roles": "admin"},
            *spoofs,
        ]
    return [
        {"X-Project-ID": "projB"},
        {"X-Project-ID": "projB", "X-Tenant-Id": "projA", "X-Tenant": "projA"},
        {"X-Project-Id": "projB", "EXTRA-SPEC": "x"},
        {"X-Tenant-Id": "projB", "X-Roles": "member"},
        {"X-Project-ID": "projb"},
        {"X-Project-ID": "projA "},
        *spoofs,
    ]


def variants(victim: Victim, template: str, method: str) -> list[tuple[str, Any]]:
    """(path with query, body) attempts for one route and method."""
    path = victim.fill(template)
    kind = "topics" if "/topics/" in path else "queues"
    mid, cid = victim.ids[kind + ":message"], victim.ids[kind + ":claim"]
    out: list[tuple[str, Any]] = [(path, None)]
    if path.endswith("/messages"):
        out += [(path + f"?ids={mid}", None), (path + "?echo=true&include_claimed=true", None),
                (path + "?pop=3", None), (path + f"?ids={mid}&claim_ids={cid}", None),
                (path, {"messages": [{"body": 1}]} if path.startswith("/v2") else [{"body": 1,
                                                                                      "ttl": 60}])]
    elif path.endswith(("/claims", f"/claims/{cid}")):
        out += [(path, {"ttl": 60, "grace": 60}), (path + "?limit=20", {})]
    elif method == "PATCH" and template.endswith("{queue_name}"):
        out += [(path, [{"op": "replace", "path": "/metadata/secret", "value": "x"}])]
    elif path.endswith(f"/{mid}"):
        out += [(path + f"?claim_id={cid}", None)]
    elif path.endswith("/subscriptions") or "/subscriptions/" in path:
        out += [(path, {"subscriber": "http://127.0.0.1:9/x", "ttl": 60, "options": {}})]
    elif template.endswith(("/queues", "/topics")):
        out += [(path + "?detailed=true&name=v", None), (path + f"?secret={MARK}", None)]
    elif path.endswith("/purge"):
        out += [(path, {"resource_types": ["messages", "subscriptions"]})]
    elif path.endswith("/share"):
        out += [(path, {"paths": ["messages", "claims"], "methods": ["GET", "DELETE"]})]
    return out


def routes(victim: Victim) -> list[tuple[str, str]]:
    # Pools are one catalogue for the whole deployment (admin only), not a tenant's data.
    return [(route.template, method) for router in victim.server.app.routers
            for route in router.routes if "/pools" not in route.template
            for method in [*route.handlers, "OPTIONS"]]


class Raw:
    """A keep-alive http.client connection that reconnects after the server closes it."""

    def __init__(self, server: ReferenceServer) -> None:
        self.host = server.url.rsplit("/", 1)[1]
        self.conn = http.client.HTTPConnection(self.host, timeout=10)

    def request(self, method: str, path: str, body: bytes | None,
                headers: dict[str, str]) -> tuple[int, str, str]:
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
                return resp.status, text, json.dumps(resp.getheaders())
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def test_every_route_from_another_project_gets_nothing_of_a(victim: Victim) -> None:
    attempts = 0
    raw = Raw(victim.server)
    tokens = bool(victim.server.config.tokens)
    for template, method in routes(victim):
        for path, body in variants(victim, template, method):
            data = None if body is None else json.dumps(body).encode()
            for extra in attacker_headers(victim, path.split("?")[0]):
                ct = PATCH_CT if method == "PATCH" and "queues/v" in path else "application/json"
                status, text, head = raw.request(
                    method, path, data, {"Client-ID": CID, "Content-Type": ct, **extra})
                attempts += 1
                assert MARK not in text and MARK not in head, (method, path, extra, status, text)
                if tokens and "X-Auth-Token" not in extra and "URL-Signature" not in extra:
                    # keystone refuses it; a failed OPTIONS becomes CORS's bare 200
                    assert status == 401 or (method == "OPTIONS" and not text), (
                        method, path, extra, status)
    assert victim.state() == victim.before
    mode = "token" if tokens else "no-auth"
    TALLY[f"http {mode}"] = attempts
    print(f"\ncross-tenant HTTP attempts ({mode}): {attempts}, marker leaked: 0")


def ws_requests(victim: Victim) -> Iterator[tuple[str, dict[str, Any]]]:
    mid, cid = victim.ids["queues:message"], victim.ids["queues:claim"]
    sid = victim.ids["queues:subscription"]
    body = {"queue_name": "v", "message_id": mid, "message_ids": [mid], "claim_id": cid,
            "claim_ids": [cid], "subscription_id": sid, "echo": True, "include_claimed": True}
    for action, spec in sorted(ACTIONS.items()):
        if not spec.handled or action == "authenticate":
            continue
        yield action, {k: v for k, v in body.items() if k in spec.body or k == "queue_name"}
        if action == "message_delete_many":
            yield action, {"queue_name": "v", "pop": 3}
        if action in ("message_post", "claim_create", "subscription_create"):
            yield action, {"queue_name": "v", "messages": [{"body": 1}], "ttl": 60,
                           "subscriber": "http://127.0.0.1:9/x"}


def test_every_websocket_action_from_another_project_gets_nothing_of_a(victim: Victim) -> None:
    url = victim.server.url.replace("http", "ws", 1)
    tokens = bool(victim.server.config.tokens)
    now = victim.server.clock.now()
    shared = signed("projA", ["/v2/queues/sq/messages"], ["DELETE", "GET", "POST"], now)
    shared_ws = {**shared, "URL-Methods": shared["URL-Methods"].split(","),
                 "URL-Paths": shared["URL-Paths"].split(",")}
    header_sets: list[tuple[bool, dict[str, Any]]] = [
        (False, {"X-Project-ID": "projB"}),
        (True, {"X-Project-ID": "projA"}),  # authenticated as B, naming A
        (False, shared_ws),  # A's URL for queue sq, used on queue v
        (False, {**shared_ws, "URL-Signature": "0" * 64}),
    ] if tokens else [(False, {"X-Project-ID": "projB"}), (False, {"X-Project-ID": "projB",
                                                                    "X-Tenant-Id": "projA"})]
    attempts = 0
    for authenticate, extra in header_sets:
        conn = create_connection(url, timeout=10)
        try:
            if authenticate:
                conn.send(json.dumps({"action": "authenticate", "headers": {
                    "X-Auth-Token": "tokB", "X-Project-ID": "projB"}}))
                assert json.loads(conn.recv())["headers"]["status"] == 200
            for action, body in ws_requests(victim):
                conn.send(json.dumps({"action": action, "body": body,
                                      "headers": {"Client-ID": CID, **extra}}))
                answer = conn.recv()
                attempts += 1
                assert MARK not in answer, (action, extra, answer)
                if tokens:  # the schema is checked first, authentication next
                    assert json.loads(answer)["headers"]["status"] in (400, 403), (action, extra)
        finally:
            conn.close()
    assert victim.state() == victim.before
    mode = "token" if tokens else "no-auth"
    TALLY[f"ws {mode}"] = attempts
    print(f"\ncross-tenant websocket attempts ({mode}): {attempts}, marker leaked: 0")


def test_a_signed_url_tampered_field_by_field_opens_nothing() -> None:
    with noauth_server() as server:
        victim = Victim(server).setup()
        clock = server.clock
        path = "/v2/queues/v/messages"
        good = signed("projA", [path], ["GET"], clock.now())
        base: dict[str, str | None] = {"Client-ID": CID, **good}

        raw = Raw(server)

        def status(headers: dict[str, str | None], target: str = path + "?echo=true",
                   method: str = "GET") -> int:
            sent = {k: v.encode("utf-8").decode("latin-1") for k, v in headers.items()
                    if v is not None}
            code, text, _ = raw.request(method, target, None, sent)
            if code == 200:
                assert method == "GET" and MARK in text
            return code

        assert status(base) == 200
        sig = good["URL-Signature"]
        expires = good["URL-Expires"]
        later = (datetime.datetime.fromisoformat(expires) + datetime.timedelta(seconds=1))
        tampered: list[dict[str, str | None]] = [
            *({"URL-Signature": sig[:i] + ("0" if sig[i] != "0" else "1") + sig[i + 1:]}
              for i in range(0, 64, 4)),
            {"URL-Signature": sig.upper()}, {"URL-Signature": sig[:-1]},
            {"URL-Signature": sig + "0"}, {"URL-Signature": ""}, {"URL-Signature": "g" + sig[1:]},
            {"URL-Signature": "é" * 64},
            {"URL-Expires": later.strftime(signing.DATE_FORMAT)},
            {"URL-Expires": "2099-01-01T00:00:00"}, {"URL-Expires": ""}, {"URL-Expires": "x"},
            {"URL-Expires": str(int(clock.now()) + 3600)},
            {"URL-Methods": "GET,POST"}, {"URL-Methods": "POST"}, {"URL-Methods": ""},
            {"URL-Methods": "get"}, {"URL-Methods": "GET,"},
            {"URL-Paths": path + ",/v2/queues/other/messages"}, {"URL-Paths": "/v2/queues/v"},
            {"URL-Paths": path + "/"}, {"URL-Paths": "/v2/queues/V/messages"},
            {"URL-Paths": "/v2/queues/v/claims"}, {"URL-Paths": ""},
            {"URL-Paths": "/v2/queues/.*/messages"},
            {"X-Project-ID": "projB"}, {"X-Project-ID": ""}, {"X-Project-ID": "projA "},
            {"X-Project-ID": "proja"}, {"X-Project-ID": "None"},
        ]
        for change in tampered:
            assert status({**base, **change}) in (400, 404), change
        # One field tampered, the others as the attacker needs them: other paths and methods.
        others = [(path + "?pop=1", "DELETE"), ("/v2/queues/v/messages", "POST"),
                  ("/v2/queues/v/stats", "GET"), ("/v2/queues/v", "GET"),
                  ("/v2/queues/vv/messages?echo=true", "GET"),
                  ("/v2/queues/v.x/messages?echo=true", "GET"),
                  (f"/v2/queues/v/claims/{victim.ids['queues:claim']}", "GET"),
                  ("/v2/topics/v/messages?echo=true", "GET")]
        for target, method in others:
            assert status(base, target, method) == 404, (target, method)
        assert status({**base, "X-Project-ID": None}) in (400, 404)
        assert victim.state() == victim.before
        clock.advance(86400 + 1)
        assert status(base) == 404  # expired
        total = len(tampered) + len(others) + 2
        TALLY["signed-url tampering"] = total
        print(f"\ntampered or misused signed URLs: {total}, all refused")
