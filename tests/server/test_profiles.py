"""Profiles: each sets every profile switch; explicit switches and flags override it."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from zaqarclient.server import App, Config, ServerRequest
from zaqarclient.server.__main__ import build_parser, config_from_args, describe
from zaqarclient.server.profiles import (
    DEFAULT_PROFILE,
    PROFILE_FIELDS,
    PROFILES,
    UnknownProfile,
)
from zaqarclient.testing import ReferenceServer

HEADERS = {"client-id": "3381af92-2b9e-11e3-b191-71861300734c", "x-project-id": "p"}


def status(app: App, method: str, path: str, **headers: str) -> int:
    return app.handle(ServerRequest(method, path, "", {**HEADERS, **headers}, b"")).status


def test_every_profile_sets_every_switch() -> None:
    assert DEFAULT_PROFILE == "devstack"
    for profile in PROFILES.values():
        assert list(profile.settings) == list(PROFILE_FIELDS), profile.name
        config = Config(profile=profile.name)
        assert {f: getattr(config, f) for f in PROFILE_FIELDS} == dict(profile.settings)


def test_profiles_mirror_their_deployments() -> None:
    devstack, z23, z21, open_ = (Config(profile=n) for n in ("devstack", "zaqar-23",
                                                               "zaqar-21", "open"))
    assert (devstack.admin_mode, devstack.pooling, devstack.enable_virtual_pool) == (
        True, True, True)
    assert devstack.strict_policy and devstack.notifications and devstack.secret_key
    assert not devstack.enable_v1_1
    assert not (z23.admin_mode or z23.pooling or z23.enable_v1_1 or z23.notifications)
    assert z23.secret_key is None and z23.strict_policy
    assert z21.enable_v1_1 and not z21.admin_mode and z21.strict_policy
    assert open_.enable_v1_1 and not open_.strict_policy and open_.admin_mode


def test_explicit_switches_override_the_profile() -> None:
    config = Config(profile="zaqar-21", admin_mode=True, secret_key="k")
    assert (config.admin_mode, config.secret_key, config.enable_v1_1) == (True, "k", True)
    assert Config(pooling=False).pooling is False
    assert dataclasses.replace(config, pooling=True).admin_mode is True


def test_unknown_profile_is_a_typed_error() -> None:
    with pytest.raises(UnknownProfile, match="unknown server profile 'dev'; choose one of"):
        Config(profile="dev")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--profile", "dev"])


def test_default_profile_behaves_like_devstack() -> None:
    app = App()
    assert status(app, "GET", "/v1.1/queues") == 404
    assert status(app, "GET", "/v2/health") == 403
    assert status(app, "GET", "/v2/health", **{"x-roles": "admin"}) == 200
    assert status(app, "PUT", "/v2/queues/q") == 201  # the virtual pool takes it
    zaqar_23 = App(Config(profile="zaqar-23"))
    assert status(zaqar_23, "GET", "/v2/health", **{"x-roles": "admin"}) == 404
    assert status(App(Config(profile="open")), "GET", "/v2/pools") == 200


def test_cli_profile_and_two_way_switches() -> None:
    def config(*argv: str) -> Config:
        return config_from_args(build_parser().parse_args(list(argv)))

    assert config().profile == "devstack"
    assert config("--profile", "zaqar-21").enable_v1_1
    assert not config("--profile", "zaqar-21", "--no-v1-1").enable_v1_1
    assert config("--profile", "zaqar-23", "--admin-mode", "--pooling").pooling
    assert not config("--no-strict-policy").strict_policy
    assert not config("--no-virtual-pool").enable_virtual_pool
    assert not config("--no-notifications").notifications
    assert config("--no-signed-url-key").secret_key is None
    assert describe(config("--profile", "zaqar-21", "--admin-mode")) == (
        "Zaqar v2 and v1.1, profile zaqar-21 with admin_mode=True")
    assert "s3" not in describe(config("--signed-url-key", "s3"))


def test_open_profile_warns_on_start_up(caplog: pytest.LogCaptureFixture) -> None:
    from zaqarclient.server import __main__ as main

    class Stop(Exception):
        pass

    def serve(self: object) -> None:
        raise Stop

    with caplog.at_level(logging.INFO, "zaqarclient.server"), pytest.MonkeyPatch.context() as mp:
        mp.setattr("zaqarclient.server.runner.ServerThread.serve_forever", serve)
        with pytest.raises(Stop):
            main.main(["--profile", "open", "--port", "0"])
    text = caplog.text
    assert "profile open" in text and "no policy checks" in text


def test_reference_server_profile_and_admin_client() -> None:
    with ReferenceServer(profile="zaqar-21", in_process=True) as server:
        assert server.config.enable_v1_1
    with pytest.raises(ValueError, match="conflicts"):
        ReferenceServer(Config(), profile="zaqar-21")
    with ReferenceServer(in_process=True) as server:
        assert server.client(admin=True).health()["catalog_reachable"] is True
        with pytest.raises(ValueError, match="admin=True"):
            server.client(admin=True, auth_opts={"backend": "noauth"})
