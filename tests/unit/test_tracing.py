"""OSprofiler trace headers on every SDK request, and no cost without a trace."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from osprofiler import profiler

from tests.support.loopback import LoopbackServer, Reply
from tests.support.traces import active_trace
from zaqarclient.queues.client import Client
from zaqarclient.tracing import TRACE_HMAC, TRACE_INFO, trace_headers

KEY = "trace-secret"
CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "p1"}}}


@pytest.fixture
def trace() -> Iterator[profiler._Profiler]:
    with active_trace(KEY) as active:
        yield active


def decode(info: str) -> dict[str, str]:
    data: dict[str, str] = json.loads(base64.urlsafe_b64decode(info))
    return data


def test_http_requests_carry_the_signed_trace_on_the_wire(trace: profiler._Profiler) -> None:
    reply = Reply(201, {"resources": ["/v2/queues/q/messages/1"]})
    with LoopbackServer([reply]) as server, Client(server.url, conf=CONF) as client:
        client.queue("q", auto_create=False).post({"body": 1})
        client.queue("q", auto_create=False).post({"body": 2})
    assert len(server.requests) == 2
    for recorded in server.requests:
        info, mac = recorded.headers[TRACE_INFO], recorded.headers[TRACE_HMAC]
        assert decode(info) == {"base_id": trace.get_base_id(), "parent_id": trace.get_id()}
        expected = hmac.new(KEY.encode(), info.encode(), hashlib.sha1).hexdigest()
        assert hmac.compare_digest(mac, expected)


def test_no_trace_headers_without_an_active_trace() -> None:
    assert trace_headers() == {}
    with LoopbackServer([Reply(204)]) as server, Client(server.url, conf=CONF) as client:
        client.queue("q", auto_create=False).delete()
    assert TRACE_INFO not in server.requests[0].headers
    assert TRACE_HMAC not in server.requests[0].headers


def test_the_sdk_never_imports_osprofiler() -> None:
    code = (
        "import sys\n"
        "from zaqarclient.queues.client import Client\n"
        "from zaqarclient.transport.http import HttpTransport\n"
        "from zaqarclient.transport.ws import WebsocketTransport\n"
        "Client('http://127.0.0.1:1', conf={'auth_opts': {'backend': 'noauth'}})\n"
        "print(sorted(m for m in sys.modules if m.startswith('osprofiler')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
