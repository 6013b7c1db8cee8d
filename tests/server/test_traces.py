"""The reference server records the OSprofiler traces it receives (log and state report)."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from osprofiler import profiler, web

from tests.support.traces import active_trace
from zaqarclient.queues.client import Client
from zaqarclient.server.config import Config
from zaqarclient.server.state import collect
from zaqarclient.testing import ReferenceServer

KEY = "server-trace-key"


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(config=Config(profiler_hmac_keys=("other-key", KEY))) as srv:
        yield srv


@pytest.fixture
def traced() -> Iterator[profiler._Profiler]:
    with active_trace(KEY) as active:
        yield active


def _conf(project: str) -> dict[str, object]:
    return {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}}}


def test_http_traces_are_logged_and_kept_with_a_verified_hmac(
    server: ReferenceServer, traced: profiler._Profiler, caplog: pytest.LogCaptureFixture
) -> None:
    before = server.app.traces.total
    with caplog.at_level(logging.INFO, "zaqarclient.server.trace"), Client(
        server.url, conf=_conf("tr-http")
    ) as client:
        client.queue("traced", auto_create=False).post({"body": "x"})
    record = server.app.traces.recent()[-1]
    assert server.app.traces.total == before + 1
    assert (record.base_id, record.parent_id) == (traced.get_base_id(), traced.get_id())
    assert (record.transport, record.method, record.verified) == ("http", "POST", True)
    assert record.path == "/v2/queues/traced/messages"
    assert f"trace {traced.get_base_id()} parent {traced.get_id()}" in caplog.text
    assert "HMAC ok" in caplog.text
    recent = collect(server.app)["traces"]["recent"]
    assert recent[-1]["base_id"] == traced.get_base_id()


def test_websocket_frames_carry_the_trace_too(
    server: ReferenceServer, traced: profiler._Profiler
) -> None:
    ws_url = "ws" + server.url[len("http"):]
    with Client(ws_url, conf=_conf("tr-ws")) as client:
        client.queue("traced-ws", auto_create=False).post({"body": "x"})
    record = server.app.traces.recent()[-1]
    assert (record.transport, record.method, record.path) == (
        "websocket", "message_post", "traced-ws",
    )
    assert (record.base_id, record.verified) == (traced.get_base_id(), True)


def test_caller_text_in_a_record_stays_on_one_line(server: ReferenceServer) -> None:
    with active_trace(KEY):
        headers = web.get_trace_id_headers()
    record = server.app.traces.record(headers, "websocket", "queue_get", "q\nforged line")
    assert record is not None and record.path == "q?forged line"


def test_a_trace_signed_with_an_unknown_key_is_kept_as_unverified(
    server: ReferenceServer,
) -> None:
    with active_trace("wrong-key") as active:
        with Client(server.url, conf=_conf("tr-bad")) as client:
            client.queue("traced", auto_create=False).delete()
        record = server.app.traces.recent()[-1]
        assert (record.base_id, record.verified) == (active.get_base_id(), False)


@pytest.mark.parametrize(
    "info",
    ["not base64 at all!", base64.urlsafe_b64encode(b"[1, 2]").decode(),
     base64.urlsafe_b64encode(json.dumps(
         {"base_id": "x\n2026 forged log line", "parent_id": str(uuid.uuid4())}
     ).encode()).decode()],
)
def test_malformed_trace_headers_are_ignored(server: ReferenceServer, info: str) -> None:
    import requests

    before = server.app.traces.total
    headers = {"Client-ID": str(uuid.uuid4()), "X-Project-ID": "tr-junk", "X-Trace-Info": info,
               "X-Trace-HMAC": "00"}
    response = requests.get(server.url + "/v2/queues", headers=headers, timeout=5)
    assert response.status_code == 200
    assert server.app.traces.total == before
