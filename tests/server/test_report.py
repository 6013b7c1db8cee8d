"""The state report: SIGUSR2 to a live server process, parsed; and GET /v2/report."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from osprofiler import profiler

from tests.support.real_zaqar import free_port
from zaqarclient.queues.client import Client
from zaqarclient.testing import ReferenceServer

SECRET, TRACE_KEY = "sekrit-signing-key", "sekrit-trace-key"
SECTION = re.compile(r"^====\s+(.+?)\s+====$", re.M)


def parse(report: str) -> dict[str, str]:
    """Section title -> section text."""
    parts = SECTION.split(report)
    return {title: body.strip("=\n") for title, body in zip(parts[1::2], parts[2::2], strict=True)}


class LiveServer:
    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stderr_path = tmp / "server.stderr"
        self._stderr = self.stderr_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zaqarclient.server", "--port", str(self.port),
             "--signed-url-key", SECRET, "--profiler-hmac-key", TRACE_KEY],
            stderr=self._stderr, stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(self.url + "/", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and self.process.poll() is None
                time.sleep(0.05)

    def client(self, project: str, ws: bool = False) -> Client:
        url = ("ws" + self.url[len("http"):]) if ws else self.url
        options = {"os_project_id": project}
        return Client(url, conf={"auth_opts": {"backend": "noauth", "options": options}})

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        self._stderr.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("report"))
    try:
        yield server
    finally:
        server.stop()


def wait_for_report(server: LiveServer) -> str:
    """The first complete report on the server's stderr."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = server.stderr()
        found = re.search(r"^=+\n====\s+Zaqar Reference Server State Report.*?"
                          r"^====\s+Queues\s+====\n=+\n(?:.+\n)+", text, re.M | re.S)
        if found and "orders = " in found.group(0):
            return found.group(0)
        time.sleep(0.05)
    raise AssertionError(f"no report on stderr:\n{server.stderr()[-3000:]}")


def test_sigusr2_writes_the_state_without_stopping(live: LiveServer) -> None:
    user = live.client("p1")
    queue = user.queue("orders", auto_create=False)
    queue.post([{"body": n, "ttl": 300} for n in range(3)])
    claim = queue.claim(ttl=60, grace=60, limit=1)
    assert len(claim) == 1
    user.topic("events", auto_create=False).post({"body": "t"})
    admin = live.client("ops")
    admin.queue("jobs", auto_create=False).post({"body": "j"})
    watcher = live.client("p1", ws=True)
    subscription = watcher.subscribe("orders")
    keepalive = requests.Session()
    headers = {"Client-ID": str(uuid.uuid4()), "X-Project-ID": "p1"}
    assert keepalive.get(live.url + "/v2/queues", headers=headers, timeout=5).ok
    profiler.init(TRACE_KEY)
    try:
        trace_id = profiler.get().get_base_id()  # type: ignore[union-attr]
        user.queue("orders", auto_create=False).stats  # noqa: B018 - a traced request
    finally:
        profiler.clean()
    try:
        os.kill(live.process.pid, signal.SIGUSR2)
        sections = parse(wait_for_report(live))
        # the server keeps serving
        assert keepalive.get(live.url + "/v2/queues", headers=headers, timeout=5).ok
    finally:
        subscription.close()
        watcher.close()
        keepalive.close()
    assert "version = 0.1.0" in sections["Package"]
    assert "zaqar-reference-server" in sections["Package"]
    config = sections["Configuration"]
    assert "secret_key = ***" in config and "profiler_hmac_keys = ***" in config
    assert "max_messages_post_size = 262144" in config
    report = "\n".join(sections.values())
    for secret in (SECRET, TRACE_KEY):
        assert secret not in report
    assert "serve_forever" in sections["Threads"]  # the main thread's stack
    assert "Event.wait" in sections["Event Loop Tasks"]
    assert re.search(r"websocket = 1 open: 127\.0\.0\.1:\d+", sections["Connections"])
    assert re.search(r"http = [1-9]\d* open: 127\.0\.0\.1:\d+", sections["Connections"])
    assert "stored = 1" in sections["Subscriptions"]
    assert "websocket_sessions = 1" in sections["Subscriptions"]
    assert "received = 1" in sections["Traces"] and trace_id in sections["Traces"]
    assert "verified=True" in sections["Traces"]
    queues = sections["Queues"]
    assert re.search(r"orders = free 2, claimed 1, total 3, oldest \d+ s, subscriptions 1",
                     queues)
    assert re.search(r"events \(topic\) = free 1, claimed 0, total 1", queues)
    assert re.search(r"ops = \n\s+jobs = free 1, claimed 0, total 1", queues)


def test_the_report_endpoint_is_admin_only(live: LiveServer) -> None:
    headers: dict[str, Any] = {"Client-ID": str(uuid.uuid4()), "X-Project-ID": "ops"}
    denied = requests.get(live.url + "/v2/report", headers=headers, timeout=10)
    assert denied.status_code == 403
    admin = {**headers, "X-Roles": "Admin"}  # role names compare case-insensitively
    data = requests.get(live.url + "/v2/report?format=json", headers=admin, timeout=10).json()
    assert data["config"]["secret_key"] == "***"
    assert data["projects"]["ops"]["queues"]["jobs"]["total"] == 1
    text = requests.get(live.url + "/v2/report", headers=admin, timeout=30)
    assert text.headers["content-type"].startswith("text/plain")
    assert "Queues" in parse(text.text)


def test_the_report_endpoint_is_admin_only_without_a_policy_too() -> None:
    with ReferenceServer(profile="open") as server:
        headers = {"Client-ID": str(uuid.uuid4()), "X-Project-ID": "ops"}
        denied = requests.get(server.url + "/v2/report?format=json", headers=headers, timeout=10)
        assert denied.status_code == 403
        allowed = requests.get(server.url + "/v2/report?format=json",
                               headers={**headers, "X-Roles": "admin"}, timeout=10)
        assert allowed.status_code == 200 and "projects" in allowed.json()


def test_starting_a_server_imports_neither_oslo_reports_nor_osprofiler() -> None:
    code = (
        "import sys\n"
        "from zaqarclient.testing import ReferenceServer\n"
        "server = ReferenceServer().start()\n"
        "server.stop()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('oslo', 'osprofiler'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
