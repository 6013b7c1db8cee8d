"""``zaqarclient.queues.v1.client``, the path heat-agents' heat-config-notify imports."""

from __future__ import annotations

from typing import Any

import pytest

from zaqarclient.errors import UnsupportedVersion
from zaqarclient.queues.v1 import client as v1_path
from zaqarclient.queues.v1_1 import client as v1_1_client
from zaqarclient.queues.v2 import client as v2_client


@pytest.mark.parametrize("version", [1.1, "1.1", "v1.1"])
def test_version_1_1_gives_the_v1_1_client(version: Any) -> None:
    cli = v1_path.Client("http://127.0.0.1:9", version=version)
    assert isinstance(cli, v1_1_client.Client)


def test_version_2_gives_the_v2_client() -> None:
    assert type(v1_path.Client("http://127.0.0.1:9", version=2)) is v2_client.Client


@pytest.mark.parametrize("version", [1, "1", "1.0", "v1"])
def test_api_v1_is_refused_with_a_typed_error_naming_the_way_out(version: Any) -> None:
    with pytest.raises(UnsupportedVersion, match=r"version=1\.1 or 2"):
        v1_path.Client("http://127.0.0.1:9", version=version)


def test_the_old_default_version_is_v1_and_refused() -> None:
    with pytest.raises(UnsupportedVersion):
        v1_path.Client("http://127.0.0.1:9")


def test_heat_config_notify_posts_its_signal_through_the_v1_path(
        reference_server_v1_1: Any) -> None:
    # heat-config-notify: Client(endpoint, conf=conf, version=1.1), queue(name).post(...)
    conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "guest-proj"}}}
    cli = v1_path.Client(reference_server_v1_1.url, conf=conf, version=1.1)
    queue = cli.queue("heat-deploy-signal")
    queue.post({"body": {"deploy_status_code": 0}, "ttl": 600})
    assert [m.body for m in queue.messages(echo=True)] == [{"deploy_status_code": 0}]
