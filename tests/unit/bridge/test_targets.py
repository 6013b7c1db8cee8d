"""Posting as each owning project: no-auth headers, or keystone project-scoped tokens."""

from __future__ import annotations

import uuid

import pytest

from tests.support.keystone import MiniKeystone
from tests.support.loopback import Recorded, Reply
from zaqarclient.bridge.targets import ProjectClients, ZaqarTarget
from zaqarclient.errors import ConfigurationError
from zaqarclient.queues.client import Client
from zaqarclient.server.config import Config, Token
from zaqarclient.testing import ReferenceServer


class ScopedKeystone(MiniKeystone):
    """Issues tokens scoped to the project asked for, and tells the Zaqar about them."""

    def __init__(self, zaqar: ReferenceServer) -> None:
        super().__init__(messaging_url=zaqar.url)
        self.zaqar = zaqar
        self.scopes: list[str] = []

    def _handle(self, request: Recorded) -> Reply:
        if request.method == "POST" and request.path == "/v3/auth/tokens":
            auth = request.json()["auth"]
            if auth["identity"]["password"]["user"].get("password") != "secret-password":
                return Reply(401, {"error": {"code": 401, "title": "Unauthorized",
                                             "message": "bad credentials"}})
            project = auth["scope"]["project"]["id"]
            token = "tok-" + uuid.uuid4().hex
            self.zaqar.config.tokens[token] = Token(project)
            self.scopes.append(project)
            self.project_id = project
            return Reply(201, self._token_body(["password"]), {"X-Subject-Token": token})
        return super()._handle(request)


def test_keystone_posts_with_one_scoped_token_per_project() -> None:
    config = Config(tokens={"bootstrap": Token("nobody")})  # token auth on
    with ReferenceServer(config=config) as zaqar, ScopedKeystone(zaqar) as keystone:
        target = ZaqarTarget(None, "keystone", {
            "auth_url": keystone.url, "username": "zaqar-bridge", "password": "secret-password",
            "user_domain_name": "Default"})
        assert "secret-password" not in repr(target)
        clients = ProjectClients(target)
        for project in ("proj-k1", "proj-k2", "proj-k1"):
            clients.queue(project, "notifications").post({"body": {"for": project}})
        assert keystone.scopes == ["proj-k1", "proj-k2"]  # tokens are reused per project
        for project, count in (("proj-k1", 2), ("proj-k2", 1)):
            config.tokens["reader-" + project] = Token(project)
            auth = {"backend": "keystone", "options": {"auth_token": "reader-" + project}}
            with Client(zaqar.url, conf={"auth_opts": auth}) as reader:
                listed = list(reader.queue("notifications", auto_create=False).messages(
                    echo=True))
            # A token request acts in the token's project, whatever X-Project-ID says.
            assert [m.body for m in listed] == [{"for": project}] * count
        clients.close()


def test_clients_are_kept_per_project_and_evicted() -> None:
    with ReferenceServer() as zaqar:
        clients = ProjectClients(ZaqarTarget(zaqar.url), max_clients=2)
        first = clients.client("a")
        assert clients.client("a") is first
        clients.client("b")
        clients.client("c")  # evicts "a"
        assert clients.client("a") is not first
        clients.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((None,), "--zaqar-url is required"),
        (("http://z", "basic"), "auth must be"),
        (("http://z", "keystone", {"username": "u", "password": "p"}), "needs 'auth_url'"),
        (("http://z", "keystone", {"auth_url": "http://k", "password": "p"}), "'username'"),
        (("http://z", "noauth", {"colour": 1}), "unknown keystone option"),
    ],
)
def test_bad_targets(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        ZaqarTarget(*args)  # type: ignore[arg-type]
