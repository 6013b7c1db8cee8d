"""``openstack --os-profile KEY``: every request carries the trace, the server records it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.cli.conftest import OSC, new_name
from zaqarclient.server.config import Config
from zaqarclient.testing import ReferenceServer

KEY = "cli-profile-key"


@pytest.fixture(scope="module")
def profiled_server() -> Iterator[ReferenceServer]:
    with ReferenceServer(config=Config(profiler_hmac_keys=(KEY,))) as server:
        yield server


def test_os_profile_traces_every_request(
    osc_env: dict[str, str], profiled_server: ReferenceServer
) -> None:
    osc = OSC(osc_env, profiled_server.url, new_name("p"))
    name = new_name()
    result = osc.run("--os-profile", KEY, "messaging", "message", "post", name, '{"body": 1}')
    trace_id = re.search(r"Trace ID: ([0-9a-f-]{36})", result.stderr)
    assert trace_id is not None, result.stderr
    records = [r for r in profiled_server.app.traces.recent() if name in r.path]
    assert records, "the server recorded no trace"
    assert {r.base_id for r in records} == {trace_id.group(1)}
    assert all(r.verified for r in records)
    assert ("POST", f"/v2/queues/{name}/messages") in {(r.method, r.path) for r in records}
