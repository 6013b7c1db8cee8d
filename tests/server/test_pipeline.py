"""Routing and the header/check pipeline (zaqar-api.md 2.1-2.3, 2.9, 4.1-4.3)."""

from __future__ import annotations

import re

from tests.server.conftest import Api
from zaqarclient.server import App, Config, ServerRequest, TestClock, Token

CID = "3381af92-2b9e-11e3-b191-71861300734c"


def test_versions_needs_no_headers(api_v1_1: Api) -> None:
    api = api_v1_1
    resp = api.get("/", headers={"Client-ID": None, "X-Project-ID": None})
    assert resp.status_code == 300
    versions = {v["id"]: v for v in resp.json()["versions"]}
    assert list(versions) == ["1.1", "2"]  # v1.1 on, as on Zaqar 21.0.0 (zaqar-21 profile)
    assert versions["2"]["links"] == [{"href": "/v2/", "rel": "self"}]
    assert versions["1.1"]["links"] == [{"href": "/v1.1/", "rel": "self"}]


def test_versions_without_v1_1() -> None:
    app = App(Config(enable_v1_1=False))
    resp = app.handle(ServerRequest("GET", "/", "", {}, b""))
    assert resp.status == 300
    assert b"/v1.1/" not in resp.body
    gone = app.handle(ServerRequest("GET", "/v1.1/queues", "", {"client-id": CID,
                                                                  "x-project-id": "p"}, b""))
    assert gone.status == 404


def test_request_id_on_every_response(api: Api) -> None:
    for resp in (api.get("/"), api.get("/nope"), api.get("/v2/ping")):
        assert re.fullmatch(r"req-[0-9a-f-]{36}", resp.headers["x-openstack-request-id"])


def test_home_document(api: Api) -> None:
    resp = api.get("/v2/")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/json-home"
    assert resp.headers["cache-control"] == "max-age=86400"
    res = resp.json()["resources"]
    assert res["rel/queue"]["hints"]["allow"] == ["GET", "PUT", "DELETE", "PATCH"]
    assert res["rel/message_delete"]["href-template"].endswith("{?claim}")
    assert res["rel/health"]["href"] == "/v2/health"
    assert "rel/pools" in res


def test_home_without_admin_mode() -> None:
    app = App(Config(admin_mode=False))
    resp = app.handle(ServerRequest("GET", "/v2/", "", {"client-id": CID, "x-project-id": "p"}))
    assert "rel/health" not in resp.json()["resources"]
    assert app.handle(ServerRequest("GET", "/v2/health", "", {})).status == 404


def test_unknown_route_is_plain_404_before_header_checks(api: Api) -> None:
    resp = api.get("/v2/nothing", headers={"Client-ID": None})
    assert resp.status_code == 404
    assert resp.json() == {"title": "404 Not Found"}
    assert api.get("/v2").status_code == 404


def test_trailing_slash_queue_is_invalid_name(api: Api) -> None:
    resp = api.get("/v2/queues/")
    assert resp.status_code == 400
    assert resp.json() == {
        "title": "Invalid queue identification",
        "description": "The format of the submitted queue name or project id is not valid.",
    }


def test_client_id_missing_and_malformed(api: Api) -> None:
    resp = api.get("/v2/ping", headers={"Client-ID": None})
    assert resp.status_code == 400
    assert resp.json() == {"title": "Missing header value",
                           "description": 'The "Client-Id" header is required.'}
    resp = api.get("/v2/queues", headers={"Client-ID": "not-a-uuid"})
    assert resp.json() == {"title": "Wrong UUID value",
                           "description": "Malformed hexadecimal UUID."}
    for ok in (CID.upper(), CID.replace("-", ""), "{" + CID + "}", "urn:uuid:" + CID):
        assert api.get("/v2/ping", headers={"Client-ID": ok}).status_code == 204


def test_client_id_off_mode_checks_length() -> None:
    app = App(Config(client_id_uuid_safe="off"))
    ok = app.handle(ServerRequest("GET", "/v2/ping", "", {"client-id": "x" * 10,
                                                         "x-project-id": "p"}))
    assert ok.status == 204
    short = app.handle(ServerRequest("GET", "/v2/ping", "", {"client-id": "x" * 9,
                                                            "x-project-id": "p"}))
    assert short.json()["title"] == "Wrong UUID value"


def test_project_header_rules(api: Api) -> None:
    resp = api.get("/v2/queues", headers={"X-Project-ID": None})
    assert resp.json() == {"title": "Project-Id Missing",
                           "description": "The header X-PROJECT-ID was missing"}
    resp = api.get("/v2/queues", headers={"X-Project-ID": ""})
    assert resp.json()["title"] == "Empty project header not allowed"
    assert resp.json()["description"] == (
        "X-PROJECT-ID cannot be an empty string. Specify the right header X-PROJECT-ID and retry."
    )
    assert api.put("/v2/queues/q", headers={"X-Project-ID": None, "X-Tenant-Id": "t"}
                   ).status_code == 201
    assert api.get("/v2/queues", headers={"X-Project-ID": "t"}).json()["queues"][0]["name"] == "q"


def test_long_project_only_fails_on_queue_routes(api: Api) -> None:
    long = "p" * 257
    assert api.get("/v2/queues", headers={"X-Project-ID": long}).status_code == 200
    resp = api.get("/v2/queues/q", headers={"X-Project-ID": long})
    assert resp.status_code == 400
    assert resp.json()["title"] == "Invalid queue identification"


def test_queue_names(api: Api) -> None:
    assert api.put("/v2/queues/a.b-c_D9").status_code == 201
    assert api.put("/v2/queues/" + "a" * 64).status_code == 201
    for bad in ("a" * 65, "a%20b", "caf%C3%A9", "a*b"):
        assert api.put("/v2/queues/" + bad).status_code == 400, bad


def test_method_not_allowed_after_header_checks(api: Api) -> None:
    assert api.post("/v2/queues/q", headers={"Client-ID": None}).status_code == 400
    resp = api.post("/v2/queues/q")
    assert resp.status_code == 405
    assert resp.json() == {"title": "405 Method Not Allowed"}
    assert resp.headers["allow"] == "DELETE, GET, PATCH, PUT, OPTIONS"
    assert api.request("HEAD", "/v2/queues/q").status_code == 405


def test_options_and_head_ping(api: Api) -> None:
    resp = api.request("OPTIONS", "/v2/queues/q/messages")
    assert resp.status_code == 200
    assert resp.headers["allow"] == "DELETE, GET, POST"
    assert resp.headers["content-type"] == "application/json"
    assert api.request("HEAD", "/v2/ping").status_code == 204
    assert api.get("/v2/ping").status_code == 204


def test_accept_header(api: Api) -> None:
    for ok in ("application/json", "*/*", "application/*", "text/html, application/json;q=0.5"):
        assert api.get("/v2/queues", headers={"Accept": ok}).status_code == 200
    resp = api.get("/v2/queues", headers={"Accept": "text/html"})
    assert resp.status_code == 406
    # falcon encodes errors only as JSON or XML: a client wanting neither gets no body.
    assert resp.content == b""
    assert resp.headers["content-type"] == "application/json"
    xml = api.get("/v2/queues", headers={"Accept": "application/xml"})
    assert xml.status_code == 406
    assert xml.headers["content-type"] == "application/xml"
    assert xml.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?><error><title>406')
    resp = api.get("/v2/queues", headers={"Accept": "text/html, application/json;q=0"})
    assert resp.status_code == 406
    resp = api.get("/v2/queues", headers={"Accept": "application/vnd.x+json"})
    assert resp.status_code == 406
    doc = resp.json()
    assert doc["title"] == "406 Not Acceptable"
    assert doc["description"] == (
        'Endpoint only serves `application/json`; specify client-side media type support with '
        'the "Accept" header.'
    )
    assert doc["link"]["rel"] == "help"


def test_form_encoded_body_refused_before_accept(api: Api) -> None:
    resp = api.post("/v2/queues/q/messages", raw=b"a=b",
                    headers={"Content-Type": "application/X-WWW-form-urlencoded",
                             "Accept": "text/html"})
    assert resp.status_code == 400
    assert resp.content == b""
    resp = api.post("/v2/queues/q/messages", raw=b"a=b",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.json()["title"] == "Invalid Content-Type"
    text = api.post("/v2/queues/q/messages", raw=b'{"messages": [{"body": 1}]}',
                    headers={"Content-Type": "text/plain"})
    assert text.status_code == 201
    assert text.headers["content-type"] == "application/json"


def test_strict_policy() -> None:
    app = App(Config(strict_policy=True))
    base = {"client-id": CID, "x-project-id": "p"}
    resp = app.handle(ServerRequest("GET", "/v2/health", "", base))
    assert resp.status == 403
    assert resp.json() == {"title": "Not authorized",
                           "description": "You are not authorized to complete this action."}
    admin = {**base, "x-roles": "member, admin"}
    assert app.handle(ServerRequest("GET", "/v2/health", "", admin)).status == 200
    assert app.handle(ServerRequest("GET", "/v2/flavors", "", base)).status == 200
    assert app.handle(ServerRequest("GET", "/v2/pools", "", base)).status == 403


def test_token_auth() -> None:
    app = App(Config(tokens={"tok": Token("tp", ("admin",))}, strict_policy=True))
    resp = app.handle(ServerRequest("GET", "/v2/queues", "", {"client-id": CID}))
    assert resp.status == 401
    assert resp.json() == {"error": {"code": 401, "title": "Unauthorized",
                                     "message": "The request you have made requires "
                                                "authentication."}}
    assert resp.header("www-authenticate", ).startswith("Keystone uri=")  # type: ignore[union-attr]
    assert app.handle(ServerRequest("GET", "/", "", {})).status == 300
    headers = {"client-id": CID, "x-auth-token": "tok", "x-project-id": "ignored"}
    assert app.handle(ServerRequest("PUT", "/v2/queues/q", "", headers)).status == 201
    listing = app.handle(ServerRequest("GET", "/v2/queues", "", {**headers,
                                                                 "x-project-id": "other"}))
    assert [q["name"] for q in listing.json()["queues"]] == ["q"]
    assert app.handle(ServerRequest("GET", "/v2/health", "", headers)).status == 200


def test_two_apps_share_nothing() -> None:
    one, two = App(clock=TestClock()), App(clock=TestClock())
    headers = {"client-id": CID, "x-project-id": "p"}
    one.handle(ServerRequest("PUT", "/v2/queues/q", "", headers))
    listing = two.handle(ServerRequest("GET", "/v2/queues", "", headers))
    assert listing.json() == {"queues": [], "links": []}


def test_internal_error_is_500(api: Api, monkeypatch: object) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("kaboom")

    api.server.app.storage.queue_get = boom  # type: ignore[method-assign]
    resp = api.get("/v2/queues/q")
    assert resp.status_code == 500
    assert resp.json() == {"title": "Internal server error", "description": "kaboom"}


def test_invalid_parameters(api: Api) -> None:
    resp = api.get("/v2/queues?limit=abc")
    assert resp.json() == {"title": "Invalid parameter",
                           "description": 'The "limit" parameter is invalid. '
                                          "The value must be an integer."}
    resp = api.get("/v2/queues?detailed=maybe")
    assert resp.json()["description"] == (
        'The "detailed" parameter is invalid. The value of the parameter must be "true" or '
        '"false".'
    )
    assert api.get("/v2/queues?detailed=").status_code == 200


def test_failed_options_is_a_bare_200(api: Api) -> None:
    # Zaqar's outermost middleware (oslo CORS) replaces any failed OPTIONS answer.
    for path, headers in (
        ("/v2/queues/q", {"Client-ID": None}),
        ("/v2/queues/bad!name", {}),
        ("/v2/nothing-here", {}),
        ("/v2/queues", {"Accept": "text/html"}),
    ):
        resp = api.request("OPTIONS", path, headers=headers)
        assert resp.status_code == 200, path
        assert resp.content == b""
        assert "content-type" not in resp.headers
        assert "allow" not in resp.headers


def test_versions_resource_methods(api: Api) -> None:
    options = api.request("OPTIONS", "/")
    assert options.status_code == 200
    assert options.headers["allow"] == "GET"
    assert options.content == b""
    head = api.request("HEAD", "/")
    assert head.status_code == 405
    assert head.headers["allow"] == "GET, OPTIONS"
    assert api.post("/").status_code == 405


def test_v2_ignores_extra_spec(api: Api) -> None:
    resp = api.get("/v2/queues", headers={"EXTRA-SPEC": "sms:1234"})
    assert resp.status_code == 200
