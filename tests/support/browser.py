"""Headless Chromium (Debian's ``chromium``) driven over the DevTools protocol.

No WebDriver and no browser download: Chromium is started with
``--remote-debugging-port=0``, the port is read from the
``DevToolsActivePort`` file in its fresh profile, and the page is driven
over the DevTools websocket with the ``websockets`` package.

    with Chromium() as browser:
        page = browser.page()
        page.navigate("http://127.0.0.1:8888/static/index.html")
        page.evaluate("document.title")
        page.screenshot(Path("shot.png"))
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.support.real_zaqar import _die_with_parent
from tests.support.real_zaqar import _stop_process as stop_process_group

# The flags this machine needs: no sandbox as root, no GPU, and no background
# connections (the closed network refuses them, many at a time).
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--disable-dev-shm-usage",
    "--hide-scrollbars", "--mute-audio", "--password-store=basic",
)


class BrowserError(RuntimeError):
    """Chromium could not be started or the page misbehaved."""


def chromium_path() -> str | None:
    """The Chromium binary, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    """One tab, over its DevTools websocket."""

    def __init__(self, url: str) -> None:
        from websockets.sync.client import connect

        self._stack = contextlib.ExitStack()
        self._socket = self._stack.enter_context(
            connect(url, max_size=64 * 2**20, open_timeout=10)
        )
        self._ids = itertools.count(1)
        self.console: list[str] = []
        self.send("Page.enable")
        self.send("Runtime.enable")

    def send(self, method: str, params: dict[str, Any] | None = None,
             timeout: float = 30) -> dict[str, Any]:
        """Call a DevTools method and return its result (events are kept or dropped)."""
        call_id = next(self._ids)
        self._socket.send(json.dumps({"id": call_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self._socket.recv(timeout=max(0.01, deadline - time.monotonic())))
            if message.get("id") == call_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self._event(message)

    def _event(self, message: dict[str, Any]) -> None:
        if message.get("method") == "Runtime.consoleAPICalled":
            args = message["params"].get("args", [])
            self.console.append(" ".join(str(a.get("value", a.get("description", "")))
                                         for a in args))
        elif message.get("method") == "Runtime.exceptionThrown":
            details = message["params"]["exceptionDetails"]
            self.console.append("exception: " + str(details.get("exception", {}).get(
                "description", details.get("text"))))

    def navigate(self, url: str, timeout: float = 30) -> None:
        """Open ``url`` and wait until the document has loaded."""
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise BrowserError(f"{url} did not load within {timeout}s")
            time.sleep(0.02)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression (promises are awaited)."""
        result = self.send("Runtime.evaluate", {
            "expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float, interval: float = 0.01) -> Any:
        """Poll ``expression`` until it is truthy; its value, or :class:`BrowserError`."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"{expression!r} still false after {timeout}s; "
                                   f"console: {self.console[-5:]}")
            time.sleep(interval)

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the viewport."""
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        self._stack.close()


class Chromium:
    """A headless Chromium with its own empty profile, in its own process group."""

    def __init__(self, width: int = 1100, height: int = 640) -> None:
        self.size = (width, height)
        self.profile = Path(tempfile.mkdtemp(prefix="zq-chromium-"))
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> Chromium:
        binary = chromium_path()
        if binary is None:
            raise BrowserError("chromium is not installed (make system-deps installs it)")
        command = [binary, *FLAGS, f"--user-data-dir={self.profile}",
                   f"--window-size={self.size[0]},{self.size[1]}",
                   "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                   "about:blank"]
        log = (self.profile / "chromium.log").open("wb")
        self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True, preexec_fn=_die_with_parent)
        log.close()
        active = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (active.exists() and active.read_text().count("\n") >= 1):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise BrowserError("chromium did not open its DevTools port")
            time.sleep(0.05)
        self.port = int(active.read_text().splitlines()[0])
        return self

    def page(self) -> Page:
        """The first tab."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=10) as r:
            targets = json.loads(r.read())
        tab = next(t for t in targets if t.get("type") == "page")
        return Page(tab["webSocketDebuggerUrl"])

    def stop(self) -> None:
        process, self._process = self._process, None
        stop_process_group(process, 10)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
