"""A small Keystone v3 on loopback that answers like the real one, for consumer tests.

Keystone is not the system under test here, but Heat, Aodh, os-collect-config
and keystonemiddleware (in front of a real Zaqar) all talk to it, so it
answers the v3 calls they make with Keystone's shapes, statuses and error
texts (read from openstack/keystone: ``keystone/auth/plugins/core.py`` and
``keystone/exception.py``):

* ``GET /`` (300, versions) and ``GET /v3`` (the version document);
* ``POST /v3/auth/tokens``: ``password`` (user by id, or by name *with* a
  domain; a name without one is Keystone's ``400 Expecting to find domain in
  user``), ``token``, project scope by id or by name with a domain, trust
  scope (``OS-TRUST:trust``); ``201`` with ``X-Subject-Token`` and a catalog;
* ``GET``/``HEAD``/``DELETE /v3/auth/tokens`` (``X-Subject-Token``): validate
  (``404 Could not find token``) and revoke;
* ``GET /v3/services?type=`` and ``GET /v3/endpoints?service_id=&interface=``;
* ``POST /v3/OS-TRUST/trusts`` (the trustor's token).

``on_token(token, project_id, roles)`` is called for every issued
project-scoped token, so a reference server in token mode can accept
exactly the tokens this Keystone issued.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.loopback import LoopbackServer, Recorded, Reply

DEFAULT_DOMAIN = {"id": "default", "name": "Default"}
_ISO = "%Y-%m-%dT%H:%M:%S.000000Z"


@dataclass
class User:
    id: str
    name: str
    password: str
    project_id: str
    roles: tuple[str, ...] = ("member", "reader")


@dataclass
class Project:
    id: str
    name: str


@dataclass
class Issued:
    user: User
    project: Project | None
    roles: tuple[str, ...]
    methods: list[str]
    trust_id: str | None = None
    expires: datetime = field(default_factory=lambda: datetime.now(UTC) + timedelta(hours=1))


def _error(status: int, title: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": status, "title": title, "message": message}})


def _validation(attribute: str, target: str) -> Reply:
    return _error(
        400,
        "Bad Request",
        f"Expecting to find {attribute} in {target}. The server could not comply with the "
        "request since it is either malformed or otherwise incorrect. The client is "
        "assumed to be in error.",
    )


_UNAUTHORIZED = _error(401, "Unauthorized", "The request you have made requires authentication.")


class FakeKeystone:
    """Keystone v3 for a few users and projects; ``catalog`` maps service type to URL."""

    def __init__(self, on_token: Callable[[str, str, tuple[str, ...]], None] | None = None):
        self.on_token = on_token
        self.catalog: dict[str, str] = {}
        self.projects: dict[str, Project] = {}
        self.users: dict[str, User] = {}
        self.tokens: dict[str, Issued] = {}
        self.trusts: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self.server = LoopbackServer(self._handle)

    # -- set-up ---------------------------------------------------------------
    @property
    def url(self) -> str:
        """The v3 root (what clients are given as ``auth_url``)."""
        return self.server.url + "/v3"

    @property
    def requests(self) -> list[Recorded]:
        return self.server.requests

    def add_project(self, name: str) -> Project:
        project = Project("p-" + uuid.uuid5(uuid.NAMESPACE_DNS, name).hex[:16], name)
        self.projects[project.id] = project
        return project

    def add_user(self, name: str, password: str, project: Project, *roles: str) -> User:
        user = User("u-" + uuid.uuid5(uuid.NAMESPACE_DNS, name).hex[:16], name, password,
                    project.id, tuple(roles) or ("member", "reader"))
        self.users[user.id] = user
        return user

    def issue(self, user: User, project: Project | None = None) -> str:
        """A token for ``user`` scoped to ``project`` (its own by default), as if it logged in."""
        return self._new_token(Issued(user, project or self.projects[user.project_id],
                                      user.roles, ["password"]))

    def __enter__(self) -> FakeKeystone:
        self.server.__enter__()
        self.catalog.setdefault("identity", self.url)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    # -- HTTP -----------------------------------------------------------------
    def _handle(self, request: Recorded) -> Reply:
        parts = urlsplit(request.path)
        path = parts.path.rstrip("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if request.method == "GET" and path == "":
            return Reply(300, {"versions": {"values": [self._version()]}})
        if request.method == "GET" and path == "/v3":
            return Reply(200, {"version": self._version()})
        if path == "/v3/auth/tokens":
            if request.method == "POST":
                return self._authenticate(request)
            return self._token_call(request)
        caller = self._caller(request)
        if caller is None:
            return _UNAUTHORIZED
        if request.method == "GET" and path == "/v3/services":
            return Reply(200, {"services": self._services(query.get("type")), "links": {}})
        if request.method == "GET" and path == "/v3/endpoints":
            return Reply(200, {"endpoints": self._endpoints(query), "links": {}})
        if request.method == "POST" and path == "/v3/OS-TRUST/trusts":
            return self._create_trust(caller, request.json() or {})
        return _error(404, "Not Found", "The resource could not be found.")

    def _version(self) -> dict[str, Any]:
        return {
            "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": self.url + "/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.identity-v3+json"}],
        }

    def _caller(self, request: Recorded) -> Issued | None:
        token = request.headers.get("X-Auth-Token")
        issued = self.tokens.get(token or "")
        if issued is None or issued.expires <= datetime.now(UTC):
            return None
        return issued

    def _find_user(self, info: dict[str, Any]) -> User | Reply:
        if not info.get("id") and not info.get("name"):
            return _validation("id or name", "user")
        if info.get("id"):
            user = self.users.get(info["id"])
        else:
            if "domain" not in info:
                return _validation("domain", "user")
            user = next((u for u in self.users.values() if u.name == info["name"]), None)
        return user if user is not None else _UNAUTHORIZED

    def _find_project(self, info: dict[str, Any]) -> Project | Reply:
        if info.get("name"):
            if "domain" not in info:
                return _validation("domain", "project")
            project = next((p for p in self.projects.values() if p.name == info["name"]), None)
        else:
            project = self.projects.get(str(info.get("id")))
        return project if project is not None else _UNAUTHORIZED

    def _authenticate(self, request: Recorded) -> Reply:
        body = request.json() or {}
        identity = (body.get("auth") or {}).get("identity") or {}
        methods = identity.get("methods") or []
        if "password" in methods:
            found = self._find_user((identity.get("password") or {}).get("user") or {})
            if isinstance(found, Reply):
                return found
            info = identity["password"]["user"]
            if info.get("password") != found.password:
                return _UNAUTHORIZED
            user = found
        elif "token" in methods:
            held = self.tokens.get(str((identity.get("token") or {}).get("id")))
            if held is None:
                return _UNAUTHORIZED
            user = held.user
        else:
            return _validation("methods", "identity")
        scope = (body.get("auth") or {}).get("scope") or {}
        project: Project | None = None
        roles = user.roles
        trust_id = None
        if "OS-TRUST:trust" in scope:
            trust = self.trusts.get(str(scope["OS-TRUST:trust"].get("id")))
            if trust is None or trust["trustee_user_id"] != user.id:
                return _UNAUTHORIZED
            trust_id = trust["id"]
            project = self.projects[trust["project_id"]]
            roles = tuple(r["name"] for r in trust["roles"])
            user = self.users[trust["trustor_user_id"]]  # impersonation
        elif "project" in scope:
            found_project = self._find_project(scope["project"])
            if isinstance(found_project, Reply):
                return found_project
            if found_project.id != user.project_id:
                return _UNAUTHORIZED
            project = found_project
        token = self._new_token(Issued(user, project, roles, methods, trust_id))
        return Reply(201, {"token": self._token_body(self.tokens[token])},
                     {"X-Subject-Token": token})

    def _new_token(self, issued: Issued) -> str:
        token = "gAAAAA" + uuid.uuid4().hex + uuid.uuid4().hex
        with self._lock:
            self.tokens[token] = issued
        if issued.project is not None and self.on_token is not None:
            self.on_token(token, issued.project.id, issued.roles)
        return token

    def _token_call(self, request: Recorded) -> Reply:
        if self._caller(request) is None:
            return _UNAUTHORIZED
        subject = request.headers.get("X-Subject-Token") or ""
        issued = self.tokens.get(subject)
        if issued is None or issued.expires <= datetime.now(UTC):
            return _error(404, "Not Found", f"Could not find token: {subject}.")
        if request.method == "DELETE":
            del self.tokens[subject]
            return Reply(204)
        if request.method == "HEAD":
            return Reply(200, None, {"X-Subject-Token": subject})
        return Reply(200, {"token": self._token_body(issued)}, {"X-Subject-Token": subject})

    def _token_body(self, issued: Issued) -> dict[str, Any]:
        now = datetime.now(UTC)
        token: dict[str, Any] = {
            "methods": issued.methods,
            "expires_at": issued.expires.strftime(_ISO),
            "issued_at": now.strftime(_ISO),
            "audit_ids": [uuid.uuid4().hex[:22]],
            "user": {"id": issued.user.id, "name": issued.user.name,
                     "domain": DEFAULT_DOMAIN, "password_expires_at": None},
        }
        if issued.project is not None:
            token["project"] = {"id": issued.project.id, "name": issued.project.name,
                                "domain": DEFAULT_DOMAIN}
            token["roles"] = [{"id": "r-" + name, "name": name} for name in issued.roles]
            token["catalog"] = self._catalog()
            token["is_domain"] = False
        if issued.trust_id is not None:
            token["OS-TRUST:trust"] = {"id": issued.trust_id, "impersonation": True}
        return token

    def _catalog(self) -> list[dict[str, Any]]:
        return [
            {"type": kind, "name": kind, "id": "s-" + kind,
             "endpoints": [
                 {"id": f"e-{kind}-{interface}", "interface": interface,
                  "region": "RegionOne", "region_id": "RegionOne", "url": url}
                 for interface in ("public", "internal", "admin")
             ]}
            for kind, url in self.catalog.items()
        ]

    def _services(self, kind: str | None) -> list[dict[str, Any]]:
        return [{"id": s["id"], "type": s["type"], "name": s["name"], "enabled": True}
                for s in self._catalog() if kind is None or s["type"] == kind]

    def _endpoints(self, query: dict[str, str]) -> list[dict[str, Any]]:
        found = []
        for service in self._catalog():
            for endpoint in service["endpoints"]:
                wanted = {
                    "service_id": service["id"], "interface": endpoint["interface"],
                    "region_id": endpoint["region_id"],
                }
                if all(query.get(k) in (None, v) for k, v in wanted.items()):
                    found.append({**endpoint, "service_id": service["id"], "enabled": True})
        return found

    def _create_trust(self, caller: Issued, body: dict[str, Any]) -> Reply:
        spec = body.get("trust") or {}
        if spec.get("trustor_user_id") != caller.user.id:
            return _error(403, "Forbidden", "The authenticated user should match the trustor.")
        trust_id = uuid.uuid4().hex
        roles = [{"id": "r-" + r.get("name", ""), "name": r.get("name", "")}
                 for r in spec.get("roles") or []] or [{"id": "r-member", "name": "member"}]
        trust = {
            "id": trust_id, "trustor_user_id": caller.user.id,
            "trustee_user_id": spec.get("trustee_user_id"),
            "project_id": spec.get("project_id") or (caller.project.id if caller.project else None),
            "impersonation": bool(spec.get("impersonation")), "roles": roles,
            "expires_at": spec.get("expires_at"), "remaining_uses": None,
        }
        self.trusts[trust_id] = trust
        return Reply(201, {"trust": trust})
