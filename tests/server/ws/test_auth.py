"""Token auth mode: authenticate, 403 before it, project binding, signed-URL headers."""

from __future__ import annotations

import datetime

from tests.server.ws.conftest import CLIENT_ID, Conn
from zaqarclient.server import signing
from zaqarclient.testing import ReferenceServer


def _conn(server: ReferenceServer, project: str = "tp") -> Conn:
    return Conn("ws" + server.url[len("http"):], project)


def test_not_authentified_before_authenticate(token_server: ReferenceServer) -> None:
    conn = _conn(token_server)
    resp = conn.send("queue_list")
    assert resp["headers"] == {"status": 403}
    assert resp["body"] == {"error": "Not authentified."}
    assert resp["request"]["action"] == "queue_list"
    conn.close()


def test_authenticate_failure_then_success(token_server: ReferenceServer) -> None:
    conn = _conn(token_server)
    bad = conn.send("authenticate", headers={"X-Auth-Token": "bad", "X-Project-ID": "tp"})
    assert bad == {"request": {"action": "authenticate", "body": {}, "headers": {}, "api": "v2"},
                   "headers": {"status": 401}, "body": {"error": "Authentication failed."}}
    good = conn.send("authenticate", headers={"X-Auth-Token": "good", "X-Project-ID": "tp"})
    assert good["headers"] == {"status": 200}
    assert good["body"] == {"message": "Authentified."}
    assert conn.send("queue_list")["headers"] == {"status": 200}
    other = conn.send("queue_list", headers={"Client-ID": CLIENT_ID, "X-Project-ID": "zz"})
    assert other["headers"] == {"status": 403}
    assert other["body"] == {"error": "Not authenticated."}
    conn.close()


def test_authenticate_schema(token_server: ReferenceServer) -> None:
    conn = _conn(token_server)
    resp = conn.send("authenticate", headers={"X-Project-ID": "tp"})
    assert resp["body"] == {"error": "Schema validation failed."}
    conn.close()


def test_signed_url_headers_before_auth(token_server: ReferenceServer) -> None:
    conn = _conn(token_server)
    key = token_server.config.secret_key
    expires = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).strftime(
        signing.DATE_FORMAT)
    signed = signing.sign(key, ["/v2/queues/sq/messages"], project="tp",
                          methods=["GET", "POST"], expires=expires,
                          now=token_server.clock.now())
    headers = {"Client-ID": CLIENT_ID, "X-Project-ID": "tp", "URL-Signature": signed["signature"],
               "URL-Expires": signed["expires"], "URL-Methods": signed["methods"],
               "URL-Paths": signed["paths"]}
    posted = conn.send("message_post", {"queue_name": "sq", "messages": [{"body": 1}]}, headers)
    assert posted["headers"] == {"status": 201}
    listed = conn.send("message_list", {"queue_name": "sq", "echo": True}, headers)
    assert listed["headers"] == {"status": 200}
    # DELETE was not signed; queue actions can never be signed; comma strings are not arrays.
    assert conn.send("message_delete_many", {"queue_name": "sq", "pop": 1},
                     headers)["headers"] == {"status": 403}
    assert conn.send("queue_list", None, headers)["headers"] == {"status": 403}
    as_text = dict(headers, **{"URL-Methods": "GET,POST"})
    assert conn.send("message_list", {"queue_name": "sq"}, as_text)["headers"] == {"status": 403}
    wrong = dict(headers, **{"URL-Signature": "0" * 64})
    assert conn.send("message_list", {"queue_name": "sq"}, wrong)["headers"] == {"status": 403}
    conn.close()
