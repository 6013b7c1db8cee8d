"""Run the real ``openstack`` command against a Zaqar.

``cli_server_url`` is the reference server when it is importable, otherwise a
real Zaqar 23.0.1. When the package is not installed with its entry points,
the plugin is registered for the subprocess through a throwaway dist-info
directory on ``PYTHONPATH`` built from :mod:`zaqarclient.osc.entry_points`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from tests.support.fixtures import (  # noqa: F401 - fixtures used by the CLI tests
    real_zaqar_v1_1,
    real_zaqar_v2,
    real_zaqar_v2_pooling,
)
from tests.support.real_zaqar import TEST_SIGNED_URL_KEY
from zaqarclient.osc.entry_points import ENTRY_POINTS

ROOT = Path(__file__).resolve().parents[2]
OPENSTACK = Path(sys.executable).with_name("openstack")


def _plugin_installed() -> bool:
    found = metadata.entry_points(group="openstack.cli.extension")
    return any(ep.name == "messaging" for ep in found)


@pytest.fixture(scope="session")
def osc_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for ``openstack`` subprocesses (plugin registered, no OS_* leakage)."""
    if not OPENSTACK.exists():
        pytest.skip("python-openstackclient is not installed in the venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    paths = [str(ROOT)]
    if not _plugin_installed():
        site = tmp_path_factory.mktemp("osc-entry-points")
        info = site / "zaqarclient_osc_tests-0.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: zaqarclient-osc-tests\nVersion: 0.0\n"
        )
        text = "".join(
            f"[{group}]\n" + "\n".join(lines) + "\n\n" for group, lines in ENTRY_POINTS.items()
        )
        (info / "entry_points.txt").write_text(text)
        paths.append(str(site))
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["HOME"] = str(tmp_path_factory.mktemp("home"))  # no clouds.yaml, fresh caches
    return env


@pytest.fixture(scope="session")
def cli_server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The reference server's URL when available, else a real Zaqar's."""
    try:
        from zaqarclient.server.config import Config
        from zaqarclient.testing import ReferenceServer
    except ImportError:
        yield request.getfixturevalue("real_zaqar_v2").url
        return
    with ReferenceServer(config=Config(secret_key=TEST_SIGNED_URL_KEY)) as server:
        yield server.url


@pytest.fixture(scope="session")
def cli_server_url_v1_1() -> Iterator[str]:
    """A reference server in the zaqar-21 profile (serves /v1.1), for the v1.1 group."""
    from zaqarclient.testing import ReferenceServer

    with ReferenceServer(profile="zaqar-21") as server:
        yield server.url


def new_name(prefix: str = "q") -> str:
    """A queue/project name no other test (or xdist worker) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class CLIError(AssertionError):
    """``openstack`` exited other than expected."""


@dataclass
class OSC:
    """Runs ``openstack`` against one server as one project."""

    env: dict[str, str]
    url: str
    project: str
    roles: str | None = None
    api_version: str = "2"

    def run(
        self, *args: str, expect: int | None = 0, stdin: str | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """Run ``openstack <global options> args``; check the exit status."""
        command = [
            str(OPENSTACK),
            "--os-auth-type",
            "none",
            "--os-endpoint",
            self.url,
            "--os-message-project-id",
            self.project,
            "--os-queues-api-version",
            self.api_version,
        ]
        if self.roles:
            command += ["--os-message-roles", self.roles]
        command += list(args)
        result = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
            check=False,
        )
        if expect is not None and result.returncode != expect:
            raise CLIError(
                f"{' '.join(args)} exited {result.returncode} (expected {expect})\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}"
            )
        return result

    def json(self, *args: str, stdin: str | None = None) -> Any:
        """Run a printing command with ``-f json`` and decode its output."""
        return json.loads(self.run(*args, "-f", "json", stdin=stdin).stdout)

    def fails(self, *args: str) -> str:
        """Run a command that must fail; return its stderr."""
        return self.run(*args, expect=1).stderr


@pytest.fixture
def osc(osc_env: dict[str, str], cli_server_url: str) -> OSC:
    """``openstack`` as a fresh project on the CLI test server."""
    return OSC(osc_env, cli_server_url, new_name("proj"))


@pytest.fixture
def osc_admin(osc_env: dict[str, str], cli_server_url: str) -> OSC:
    """``openstack`` with ``--os-message-roles admin`` on the CLI test server."""
    return OSC(osc_env, cli_server_url, new_name("proj"), roles="admin")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_zaqar: always runs against a real Zaqar")
