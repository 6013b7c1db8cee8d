"""The testing helpers: ReferenceServer, the zero-socket adapter and the pytest plugin."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time
from importlib.metadata import entry_points

import requests

from tests.server.conftest import CLIENT_ID
from zaqarclient.server import DIFFERENCES
from zaqarclient.server.__main__ import build_parser, config_from_args
from zaqarclient.testing import InProcessAdapter, ReferenceServer

HEADERS = {"Client-ID": CLIENT_ID, "X-Project-ID": "p"}


def test_start_stop_fast_and_reset() -> None:
    ReferenceServer().start().stop()  # warm imports
    t0 = time.perf_counter()
    server = ReferenceServer().start()
    started = time.perf_counter() - t0
    assert server.url.startswith("http://127.0.0.1:")
    with requests.Session() as session:
        assert session.put(server.url + "/v2/queues/q", headers=HEADERS).status_code == 201
        server.reset()
        assert session.get(server.url + "/v2/queues", headers=HEADERS).json()["queues"] == []
        t1 = time.perf_counter()
        server.stop()
        stopped = time.perf_counter() - t1
    assert started < 0.1
    assert stopped < 0.05


def test_in_process_mode() -> None:
    with ReferenceServer(in_process=True) as server, requests.Session() as session:
        assert server.url == "http://zaqar.test"
        assert isinstance(server.adapter, InProcessAdapter)
        server.mount(session)
        resp = session.post(server.url + "/v2/queues/q/messages",
                            json={"messages": [{"body": 1}]}, headers=HEADERS)
        assert resp.status_code == 201
        assert resp.reason == "Created"
        assert resp.headers["Location"].startswith("/v2/queues/q/messages?ids=")
        server.clock.advance(3601)
        assert session.get(server.url + "/v2/queues/q/stats", headers=HEADERS).json()[
            "messages"]["total"] == 0


def test_two_servers_isolated() -> None:
    with ReferenceServer() as one, ReferenceServer() as two:
        requests.put(one.url + "/v2/queues/q", headers=HEADERS)
        assert requests.get(two.url + "/v2/queues", headers=HEADERS).json()["queues"] == []
        one.clock.advance(100)
        assert two.clock.now() < one.clock.now()


def test_cli_flags() -> None:
    args = build_parser().parse_args([
        "--port", "9", "--store", "sqlite:/tmp/x.db", "--signed-url-key", "k",
        "--strict-policy", "--require-confirmation", "--enable-checksum",
        "--token", "t1=proj:admin,member", "--no-admin-mode", "--no-pooling"])
    config = config_from_args(args)
    assert (config.secret_key, config.strict_policy, config.require_confirmation) == (
        "k", True, True)
    assert config.enable_checksum and not config.admin_mode and not config.pooling
    assert not config.enable_v1_1  # the devstack profile serves v2 only
    assert config_from_args(build_parser().parse_args(["--v1-1"])).enable_v1_1
    assert config.tokens["t1"].project == "proj"
    assert config.tokens["t1"].roles == ("admin", "member")
    assert args.store == "sqlite:/tmp/x.db"
    assert DIFFERENCES


def test_pytest_plugin(tmp_path: pathlib.Path) -> None:
    test = tmp_path / "test_plugin_use.py"
    test.write_text(
        "import requests\n"
        f"H = {HEADERS!r}\n"
        "def test_fn(zaqar_reference_server, zaqar_clock):\n"
        "    assert zaqar_reference_server.clock is zaqar_clock\n"
        "    url = zaqar_reference_server.url\n"
        "    assert requests.put(url + '/v2/queues/q', headers=H).status_code == 201\n"
        "def test_fresh(zaqar_reference_server):\n"
        "    url = zaqar_reference_server.url\n"
        "    assert requests.get(url + '/v2/queues', headers=H).json()['queues'] == []\n"
        "def test_session(zaqar_reference_server_session):\n"
        "    assert zaqar_reference_server_session.url.startswith('http://')\n"
        "def test_clients(zaqar_client, zaqar_admin_client):\n"
        "    assert zaqar_admin_client.health()['catalog_reachable'] is True\n"
        "    from zaqarclient.transport.errors import ForbiddenError\n"
        "    try:\n"
        "        zaqar_client.health()\n"
        "    except ForbiddenError:\n"
        "        pass\n"
        "    else:\n"
        "        raise AssertionError('health is admin-only')\n"
    )
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "conftest.py").write_text(
        "import pytest\n"
        "@pytest.fixture(scope='session')\n"
        "def zaqar_profile():\n"
        "    return 'zaqar-21'\n"
    )
    (legacy / "test_legacy.py").write_text(
        "import requests\n"
        f"H = {HEADERS!r}\n"
        "def test_v1_1(zaqar_reference_server):\n"
        "    url = zaqar_reference_server.url\n"
        "    assert requests.get(url + '/v1.1/queues', headers=H).status_code == 200\n"
    )
    root = pathlib.Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    installed = any(ep.value == "zaqarclient.testing.pytest_plugin"
                    for ep in entry_points(group="pytest11"))
    load = [] if installed else ["-p", "zaqarclient.testing.pytest_plugin"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *load,
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(test), str(legacy)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert "5 passed" in result.stdout, result.stdout + result.stderr
