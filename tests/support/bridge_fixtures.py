"""Fixtures for tests of the notification bridge: a real RabbitMQ, nova-like Notifiers, bridges.

One broker serves every xdist worker of a run (:func:`shared_broker`);
each test isolates itself with its own control exchange and listener pool.
Bridges run as the real command (``python -m zaqarclient.bridge``).
Import the fixtures into a conftest (``tests/bridge``, ``tests/examples``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import rabbitmq
from tests.support.nova import NovaNotifier
from tests.support.real_zaqar import _die_with_parent

ROOT = Path(__file__).resolve().parents[2]

RULES = """\
routes:
  - name: instances
    match: {event_type: "compute.instance.*", priority: [info]}
    project: payload.tenant_id
    queue: notifications
    fields: [event_type, timestamp, message_id, payload.instance_id, payload.state,
             payload.old_state, payload.seq]
    ttl: 3600
  - name: versioned
    match: {event_type: "instance.*"}
    project: payload.tenant_id
    queue: versioned
    fields: [event_type, {instance_id: payload.uuid}, payload.state,
             payload.state_update.old_state, payload.seq]
"""


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Any]:
    """The run's RabbitMQ (started on first use, stopped by the last worker)."""
    reason = rabbitmq.missing_reason()
    if reason is not None:
        pytest.fail(reason)  # make system-deps installs it; a missing broker is a failure
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if worker_id != "master" else base) / "zq-rabbitmq"
    with rabbitmq.shared_broker(shared) as running:
        yield running


@pytest.fixture
def exchange() -> str:
    """A control exchange (and pool name) no other test uses."""
    return "nova-" + uuid.uuid4().hex[:10]


@pytest.fixture
def notifier(broker: Any, exchange: str) -> Iterator[NovaNotifier]:
    """oslo.messaging Notifiers publishing as nova does, on this test's exchange."""
    made = NovaNotifier(broker.url, exchange=exchange)
    yield made
    made.close()


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES)
    return path


class BridgeProcess:
    """One ``zaqar-notification-bridge`` process; its log is kept for failure messages."""

    def __init__(self, args: list[str], workdir: Path, name: str) -> None:
        self.metrics_path = workdir / f"{name}-metrics.json"
        self.log_path = workdir / f"{name}.log"
        command = [sys.executable, "-m", "zaqarclient.bridge", *args,
                   "--metrics", str(self.metrics_path), "--status-interval", "0.5"]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
        self._log = self.log_path.open("w")
        # Its own process group (a Ctrl-C of pytest must not reach it), gone with pytest.
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT,
                                        env=env, cwd=workdir, start_new_session=True,
                                        preexec_fn=_die_with_parent)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_listening(self, timeout: float = 60) -> BridgeProcess:
        deadline = time.monotonic() + timeout
        while "listening on" not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the bridge did not start:\n{self.log()}")
            time.sleep(0.05)
        return self

    def metrics(self) -> dict[str, Any]:
        try:
            loaded: dict[str, Any] = json.loads(self.metrics_path.read_text())
        except (OSError, ValueError):
            return {"totals": {}}
        return loaded

    def terminate(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        self._log.close()
        return code

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)
        self._log.close()


@pytest.fixture
def start_bridge(
    broker: Any, exchange: str, rules_file: Path, tmp_path: Path
) -> Iterator[Callable[..., BridgeProcess]]:
    """Start bridges on this test's exchange and pool; all are stopped afterwards."""
    started: list[BridgeProcess] = []

    def start(zaqar_url: str, *extra: str, wait: bool = True) -> BridgeProcess:
        args = ["--transport-url", broker.url, "--zaqar-url", zaqar_url,
                "--config", str(rules_file), "--exchange", exchange, "--pool", exchange,
                "--dead-letter", str(tmp_path / "dead.jsonl"), "--retry-max-delay", "0.5",
                *extra]
        bridge = BridgeProcess(args, tmp_path, f"bridge{len(started) + 1}")
        started.append(bridge)
        return bridge.wait_listening() if wait else bridge

    yield start
    for bridge in started:
        if bridge.process.poll() is None:
            bridge.kill()


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``predicate`` until it is truthy; fail with ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)

