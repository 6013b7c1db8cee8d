"""A minimal Keystone v3 on loopback: password and token auth, a catalog, token revocation.

Enough of the identity API for keystoneauth1 to authenticate, read the
catalog and re-authenticate, so the SDK's keystone backend is tested over
real HTTP without a Keystone deployment.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.loopback import LoopbackServer, Recorded, Reply

#: What the scripted Zaqar of :func:`zaqar_accepting` answers a queue's stats with.
STATS = {"messages": {"claimed": 0, "free": 0, "total": 0}}


class MiniKeystone:
    """Issues tokens for one user; ``revoke_all()`` makes every issued token invalid.

    ``delay`` makes each token request take that long (a slow Keystone);
    ``token`` is issued every time instead of a fresh one.
    """

    def __init__(self, messaging_url: str = "http://127.0.0.1:1", project_id: str = "proj-ks",
                 *, delay: float = 0.0, token: str | None = None):
        self.messaging_url = messaging_url
        self.project_id = project_id
        self.delay = delay
        self.token = token
        self.valid_tokens: set[str] = set()
        self.issued = 0
        self.server = LoopbackServer(self._handle)

    @property
    def url(self) -> str:
        return self.server.url + "/v3"

    def __enter__(self) -> MiniKeystone:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    def revoke_all(self) -> None:
        self.valid_tokens.clear()

    def _handle(self, request: Recorded) -> Reply:
        if request.method == "GET" and request.path.rstrip("/") in {"", "/v3"}:
            return Reply(200, {"version": {
                "id": "v3.14", "status": "stable", "updated": "2020-01-01T00:00:00Z",
                "links": [{"rel": "self", "href": self.url + "/"}],
                "media-types": [{"base": "application/json",
                                 "type": "application/vnd.openstack.identity-v3+json"}],
            }})
        if request.method == "POST" and request.path == "/v3/auth/tokens":
            body = request.json()["auth"]["identity"]
            methods = body["methods"]
            if "password" in methods:
                user = body["password"]["user"]
                if user.get("password") != "secret-password":
                    return Reply(401, {"error": {"code": 401, "title": "Unauthorized",
                                                 "message": "bad credentials"}})
            if self.delay:
                time.sleep(self.delay)  # Keystone thinking: what the client must not wait on
            token = self.token or "tok-" + uuid.uuid4().hex
            self.valid_tokens.add(token)
            self.issued += 1
            return Reply(201, self._token_body(methods), {"X-Subject-Token": token})
        return Reply(404, {"error": {"code": 404, "title": "Not Found", "message": "no"}})

    def _token_body(self, methods: list[str]) -> dict[str, Any]:
        expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        return {"token": {
            "methods": methods,
            "expires_at": expires,
            "issued_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
            "user": {"id": "u1", "name": "demo", "domain": {"id": "default", "name": "Default"}},
            "project": {"id": self.project_id, "name": "demo",
                        "domain": {"id": "default", "name": "Default"}},
            "roles": [{"id": "r1", "name": "member"}],
            "catalog": [{
                "type": "messaging", "name": "zaqar", "id": "svc1",
                "endpoints": [{"id": "e1", "interface": "public", "region": "RegionOne",
                               "region_id": "RegionOne", "url": self.messaging_url}],
            }],
        }}


def zaqar_accepting(keystone: MiniKeystone) -> LoopbackServer:
    """A scripted Zaqar that accepts only tokens the mini Keystone considers valid."""

    def handle(request: Recorded) -> Reply:
        if request.headers.get("X-Auth-Token") not in keystone.valid_tokens:
            return Reply(401, {"error": {"code": 401, "title": "Unauthorized",
                                         "message": "The request you have made requires "
                                                    "authentication."}})
        return Reply(200, STATS)

    return LoopbackServer(handle)


def password_conf(keystone: MiniKeystone, password: str = "secret-password") -> dict[str, object]:
    """A client conf for the mini Keystone's user, by password."""
    return {"auth_opts": {"backend": "keystone", "options": {
        "os_auth_url": keystone.url, "os_username": "demo", "os_password": password,
        "os_project_name": "demo", "os_user_domain_name": "Default",
        "os_project_domain_name": "Default"}}}
