"""Zaqar's default policy, rule by rule, as the real Zaqar registers and applies it."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.real_zaqar import V2_VERSION, missing_install_reason, venv_dir
from zaqarclient.server import App, Config, ServerRequest
from zaqarclient.server.policy import RULES, allows
from zaqarclient.server.v2 import build_router

HEADERS = {"client-id": "3381af92-2b9e-11e3-b191-71861300734c", "x-project-id": "p"}


def test_rules_are_zaqars_registered_defaults() -> None:
    reason = missing_install_reason(V2_VERSION)
    if reason:
        pytest.skip(reason)
    code = ("import json; from zaqar.common import policies; "
            "print(json.dumps({r.name: r.check_str for r in policies.list_rules()}))")
    python = str(venv_dir(V2_VERSION) / "bin" / "python")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == RULES


def test_every_v2_route_names_a_registered_rule() -> None:
    router = build_router(Config(profile="open"))
    named = {p for route in router.routes for p in route.policies.values() if p is not None}
    assert named <= set(RULES)
    assert {r for r, check in RULES.items() if check == "role:admin"} - named == {
        "context_is_admin"}


@pytest.mark.parametrize(("method", "path", "admin_only"), [
    ("GET", "/v2/health", True),
    ("GET", "/v2/pools", True),
    ("GET", "/v2/pools/p", True),
    ("DELETE", "/v2/pools/p", True),
    ("PATCH", "/v2/pools/p", True),
    ("PUT", "/v2/pools/p", True),
    ("GET", "/v2/flavors", False),
    ("GET", "/v2/flavors/f", False),
    ("PUT", "/v2/flavors/f", True),
    ("PATCH", "/v2/flavors/f", True),
    ("DELETE", "/v2/flavors/f", True),
    ("GET", "/v2/ping", False),
    ("GET", "/v2/queues", False),
])
def test_admin_rules_need_the_admin_role(method: str, path: str, admin_only: bool) -> None:
    app = App()

    def status(**headers: str) -> int:
        request = ServerRequest(method, path, "", {**HEADERS, **headers}, b"")
        return app.handle(request).status

    assert (status() == 403) is admin_only
    assert (status(**{"x-roles": "member, reader"}) == 403) is admin_only
    for granted in ({"x-roles": "member,Admin"}, {"x-role": "admin"}):
        assert status(**granted) != 403, granted
    # X-Role counts only when X-Roles is absent, as oslo.context reads them.
    assert (status(**{"x-roles": "", "x-role": "admin"}) == 403) is admin_only
    assert App(Config(strict_policy=False)).handle(
        ServerRequest(method, path, "", HEADERS, b"")).status != 403


def test_v1_1_has_no_policy() -> None:
    app = App(Config(profile="zaqar-21", admin_mode=True))
    assert app.handle(ServerRequest("GET", "/v1.1/health", "", HEADERS, b"")).status == 200
    assert app.handle(ServerRequest("GET", "/v2/health", "", HEADERS, b"")).status == 403


def test_allows() -> None:
    assert allows(None, ()) and allows("queues:create", ())
    assert not allows("pools:create", ("member",)) and allows("pools:create", ("ADMIN",))
    with pytest.raises(ValueError, match="is not enforced by any endpoint"):
        allows("admin_or_owner", ("admin",))
