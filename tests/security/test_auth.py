"""Token mode: only a token, or a verified signed URL on /v2, lets a request in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from zaqarclient.server import signing
from zaqarclient.server.config import Config, Token
from zaqarclient.testing import ReferenceServer

CID = "3381af92-2b9e-11e3-b191-71861300734c"
KEY = "auth-test-key"


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    config = Config(tokens={"tokA": Token("projA"), "tokB": Token("projB")}, secret_key=KEY,
                    strict_policy=True, enable_v1_1=True)
    with ReferenceServer(config) as ref:
        yield ref


@pytest.fixture(scope="module")
def secret(server: ReferenceServer) -> str:
    """A message of projA's queue `sq`; the test checks nobody else can read it."""
    h = {"Client-ID": CID, "X-Auth-Token": "tokA"}
    assert requests.put(server.url + "/v2/queues/sq", headers=h).status_code == 201
    resp = requests.post(server.url + "/v2/queues/sq/messages", headers=h,
                         json={"messages": [{"body": "secret-of-A"}]})
    assert resp.status_code == 201
    return "secret-of-A"


def get(server: ReferenceServer, path: str, **headers: str) -> requests.Response:
    return requests.get(server.url + path, headers={"Client-ID": CID, **headers})


@pytest.mark.parametrize("prefix", ["/v2", "/v1.1"])
@pytest.mark.parametrize("extra", [
    {"EXTRA-SPEC": "x"},
    {"EXTRA-SPEC": ""},
    {"EXTRA-SPEC": "x", "X-Auth-Token": "nope"},
    {"X-Auth-Token": ""},
    {"X-Identity-Status": "Confirmed"},
    {"X-Roles": "admin"},
])
def test_no_header_but_a_token_opens_the_door(
    server: ReferenceServer, secret: str, prefix: str, extra: dict[str, str]
) -> None:
    resp = get(server, f"{prefix}/queues/sq/messages?echo=true", **{"X-Project-ID": "projA",
                                                                    **extra})
    assert resp.status_code == 401
    assert secret not in resp.text


def test_a_token_acts_as_its_own_project_whatever_the_headers_say(
    server: ReferenceServer, secret: str
) -> None:
    resp = get(server, "/v2/queues/sq/messages?echo=true", **{
        "X-Auth-Token": "tokB", "X-Project-ID": "projA", "X-Tenant-Id": "projA",
        "EXTRA-SPEC": "x"})
    assert resp.status_code == 200 and resp.json()["messages"] == []


def signed_headers(server: ReferenceServer, project: str, paths: list[str]) -> dict[str, str]:
    doc = signing.sign(KEY, paths, project=project, methods=["GET"], now=server.clock.now())
    return {"URL-Signature": doc["signature"], "URL-Expires": doc["expires"],
            "URL-Methods": "GET", "URL-Paths": ",".join(doc["paths"]), "X-Project-ID": project}


def test_a_verified_signed_url_stands_in_for_a_token_on_v2_only(
    server: ReferenceServer, secret: str
) -> None:
    signed = signed_headers(server, "projA", ["/v2/queues/sq/messages"])
    resp = get(server, "/v2/queues/sq/messages?echo=true", **signed)
    assert resp.status_code == 200 and resp.json()["messages"][0]["body"] == secret
    # Zaqar 21 sends every /v1* request through keystone: a signature is no token there.
    v1 = signed_headers(server, "projA", ["/v1.1/queues/sq/messages"])
    assert get(server, "/v1.1/queues/sq/messages?echo=true", **v1).status_code == 401
    for bad in ({"URL-Signature": "0" * 64}, {"URL-Signature": ""}, {"X-Project-ID": "projB"}):
        resp = get(server, "/v2/queues/sq/messages?echo=true", **{**signed, **bad})
        assert resp.status_code == 404 and secret not in resp.text


def test_a_signed_url_claims_no_roles_in_token_mode(server: ReferenceServer) -> None:
    signed = signed_headers(server, "projA", ["/v2/health"])
    assert get(server, "/v2/health", **signed, **{"X-Roles": "admin"}).status_code == 403
    admin = Config(tokens={"adm": Token("projA", ("admin",))})
    with ReferenceServer(admin) as other:
        assert get(other, "/v2/health", **{"X-Auth-Token": "adm"}).status_code == 200


def test_signed_paths_match_literally_not_as_regexes(server: ReferenceServer) -> None:
    # Zaqar regex-searches signed paths: a URL for `a.b` would also open `aXb`.
    h = {"Client-ID": CID, "X-Auth-Token": "tokA"}
    for queue in ("a.b", "aXb"):
        requests.post(server.url + f"/v2/queues/{queue}/messages", headers=h,
                      json={"messages": [{"body": queue}]})
    signed = signed_headers(server, "projA", ["/v2/queues/a.b/messages"])
    assert get(server, "/v2/queues/a.b/messages?echo=true", **signed).status_code == 200
    assert get(server, "/v2/queues/aXb/messages?echo=true", **signed).status_code == 404
    assert get(server, "/v2/queues/a.b/messagesX", **signed).status_code == 404


def test_url_paths_are_never_run_before_the_signature_holds(server: ReferenceServer) -> None:
    evil = {"URL-Signature": "0" * 64, "URL-Expires": "2099-01-01T00:00:00",
            "URL-Methods": "GET", "URL-Paths": "(a+)+$,(x*)*y,[", "X-Project-ID": "projA"}
    resp = get(server, "/v2/queues/" + "a" * 22 + "!/messages", **evil)
    assert resp.status_code == 404
    assert resp.elapsed.total_seconds() < 0.5


def test_a_signature_opens_only_the_project_it_was_checked_against(
    server: ReferenceServer, secret: str
) -> None:
    # Zaqar checks the signature against X-Project-ID but scopes the request by
    # oslo.context, which also reads X-Tenant-Id: a URL signed for project None
    # (the literal "None"), sent without X-Project-ID, read the X-Tenant-Id's queue.
    doc = signing.sign(KEY, ["/v2/queues/sq/messages"], project=None, methods=["GET"],
                       now=server.clock.now())
    signed = {"URL-Signature": doc["signature"], "URL-Expires": doc["expires"],
              "URL-Methods": "GET", "URL-Paths": ",".join(doc["paths"])}
    for tenant_header in ("X-Tenant-Id", "X-Tenant"):
        resp = get(server, "/v2/queues/sq/messages?echo=true", **signed, **{tenant_header: "projA"})
        assert resp.status_code == 404 and secret not in resp.text
    # A URL signed for projA and sent with X-Project-ID: projA still works.
    assert get(server, "/v2/queues/sq/messages?echo=true",
               **signed_headers(server, "projA", ["/v2/queues/sq/messages"]),
               **{"X-Tenant-Id": "projA"}).status_code == 200
