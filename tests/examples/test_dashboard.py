"""examples/dashboard: the whole chain into a real browser, and the page's auth modes.

nova-shaped notification (oslo.messaging Notifier) -> RabbitMQ -> the bridge
-> the reference server's queue -> its websocket -> the page in headless
Chromium. Screenshots go to ``test-artifacts/`` at the top of the checkout.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.bridge_fixtures import BridgeProcess
from tests.support.browser import Chromium, Page, chromium_path
from tests.support.nova import SECRET_TOKEN, NovaNotifier
from zaqarclient.queues.client import Client
from zaqarclient.server.clock import SystemClock
from zaqarclient.server.config import Config, Token
from zaqarclient.testing import ReferenceServer

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "examples" / "dashboard"
ARTIFACTS = ROOT / "test-artifacts"
ROW_STATE = "document.querySelector('tr[data-instance=\"{}\"]')?.dataset.state"


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    if chromium_path() is None:
        pytest.fail("chromium is not installed (make system-deps installs it)")
    with Chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Chromium) -> Iterator[Page]:
    tab = browser.page()
    yield tab
    tab.navigate("about:blank")
    tab.close()


def open_dashboard(page: Page, server: ReferenceServer, project: str, **extra: str) -> None:
    fragment = {"ws": "ws" + server.url[len("http"):] + "/", "project": project, **extra}
    query = "&".join(f"{k}={v}" for k, v in fragment.items())
    # A fresh query each time: a change of fragment alone would not reload the page.
    page.navigate(f"{server.url}/static/index.html?load={uuid.uuid4().hex[:6]}#{query}")


def test_a_nova_state_change_is_on_the_page_within_two_seconds(
    page: Page, notifier: NovaNotifier, start_bridge: Callable[..., BridgeProcess]
) -> None:
    project = "proj-" + uuid.uuid4().hex[:8]
    with ReferenceServer(clock=SystemClock(), static_dir=str(DASHBOARD)) as server:  # type: ignore[arg-type]
        start_bridge(server.url)
        open_dashboard(page, server, project)
        page.wait_for("window.dashboard.status === 'live'", 10)
        # Settings came in the address: the settings form must not be shown.
        assert page.evaluate("document.getElementById('settings').offsetParent === null")
        notifier.instance_update(project, "inst-web-1", "building", "building", seq=1)
        page.wait_for(ROW_STATE.format("inst-web-1") + " === 'building'", 10)
        notifier.instance_update(project, "inst-web-2", "error", "building", seq=2)

        emitted = time.monotonic()
        notifier.instance_update(project, "inst-web-1", "active", "building", seq=3)
        page.wait_for(ROW_STATE.format("inst-web-1") + " === 'active'", 2.0)
        shown_after = time.monotonic() - emitted
        page.wait_for(ROW_STATE.format("inst-web-2") + " === 'error'", 2.0)
        time.sleep(1.3)  # let the change highlight fade before the picture
        shot = page.screenshot(ARTIFACTS / "dashboard.png")
        text = page.evaluate("document.body.innerText")
    print(f"dashboard: state shown {shown_after:.3f}s after the notification; screenshot {shot}")
    assert shown_after < 2.0
    assert "inst-web-1" in text and "active" in text and "error" in text
    assert SECRET_TOKEN not in text and "compute-1" not in text and "10.0.0.5" not in text
    assert page.evaluate("window.dashboard.mode") == "push"
    assert shot.stat().st_size > 10_000


def test_token_and_signed_url_sessions(page: Page) -> None:
    project = "proj-" + uuid.uuid4().hex[:8]
    config = Config(tokens={"tok-dashboard": Token(project)})
    with ReferenceServer(config=config, clock=SystemClock(),  # type: ignore[arg-type]
                         static_dir=str(DASHBOARD)) as server:
        auth = {"backend": "keystone", "options": {"auth_token": "tok-dashboard"}}
        with Client(server.url, conf={"auth_opts": auth}) as client:
            queue = client.queue("notifications", auto_create=False)
            event = {"event_type": "compute.instance.update", "timestamp": "2026-12-01 10:00:00"}
            open_dashboard(page, server, project, token="tok-dashboard")
            page.wait_for("window.dashboard.status === 'live'", 10)
            assert "tok-dashboard" not in page.evaluate("location.href")
            queue.post({"body": {**event, "instance_id": "inst-t", "state": "active"}})
            page.wait_for(ROW_STATE.format("inst-t") + " === 'active'", 5)

            open_dashboard(page, server, project, token="wrong")
            page.wait_for("window.dashboard.errors.length > 0", 10)
            assert "refused the token" in page.evaluate("window.dashboard.errors[0]")

            shared = queue.signed_url(paths=["messages"], methods=["GET"], ttl_seconds=600)
            packed = base64.urlsafe_b64encode(json.dumps(shared).encode()).decode()
            open_dashboard(page, server, "", signed=packed.rstrip("="))
            page.wait_for("window.dashboard.status === 'polling'", 10)
            assert shared["signature"] not in page.evaluate("location.href")
            page.wait_for(ROW_STATE.format("inst-t") + " === 'active'", 5)  # the listing
            queue.post({"body": {**event, "instance_id": "inst-s", "state": "error",
                                 "timestamp": "2026-12-01 10:00:01"}})
            page.wait_for(ROW_STATE.format("inst-s") + " === 'error'", 5)


def test_serve_command_serves_only_the_page() -> None:
    command = [sys.executable, str(DASHBOARD / "serve.py"), "--port", "0",
               "--ws", "ws://127.0.0.1:9000", "--project", "p1"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.match(r"open (http://127\.0\.0\.1:\d+)/index\.html#ws=ws%3A%2F%2F", line)
        assert match, line
        with urllib.request.urlopen(match.group(1) + "/index.html") as reply:
            assert b"<h1>Instances</h1>" in reply.read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(match.group(1) + "/serve.py")
        assert missing.value.code == 404
    finally:
        server.terminate()
        server.wait(10)
