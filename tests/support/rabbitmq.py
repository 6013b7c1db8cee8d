"""A private RabbitMQ broker (Debian's ``rabbitmq-server``) on free loopback ports.

Each :class:`RabbitMQ` has its own node name, data and log directories,
Erlang cookie (``HOME``) and port mapper (``epmd`` on a free port), so
parallel xdist workers, a second test run or a system broker never meet.
No systemd: the broker runs in its own process group, stopped with it.

    with RabbitMQ() as broker:
        broker.url    # rabbit://guest:guest@127.0.0.1:<port>/

Starting takes about 5 s on the project's 2-core machine (the Erlang VM
boot); a session fixture shares one broker per worker.

:func:`shared_broker` lets every xdist worker of one run use a single
broker: the first starts it, the last one out stops it.

Command line, for benchmarks or by hand::

    python -m tests.support.rabbitmq      # prints the URL, runs until Ctrl-C
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.support.real_zaqar import _stop_process as stop_process_group
from tests.support.real_zaqar import free_port

__all__ = ["RabbitMQ", "RabbitMQError", "free_port", "missing_reason", "shared_broker"]

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
START_TIMEOUT = 60.0


class RabbitMQError(RuntimeError):
    """The broker could not be started."""


def missing_reason() -> str | None:
    """Why no broker can be started here, or None."""
    if not SERVER.exists() or shutil.which("epmd") is None:
        return "rabbitmq-server is not installed (make system-deps installs it)"
    return None


class RabbitMQ:
    """One broker with the default ``guest`` user (allowed from loopback only)."""

    def __init__(self, base: Path | None = None) -> None:
        self._own_base = base is None
        self.base = base or Path(tempfile.mkdtemp(prefix="zq-rabbit-"))
        self.port = free_port()
        self.dist_port = free_port()
        self.epmd_port = free_port()
        self.node = f"zq{os.getpid()}x{uuid.uuid4().hex[:6]}@localhost"
        self._epmd: subprocess.Popen[bytes] | None = None
        self._server: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The oslo.messaging transport URL."""
        return f"rabbit://guest:guest@127.0.0.1:{self.port}/"

    def environment(self) -> dict[str, str]:
        base = self.base
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        env.update(
            HOME=str(base),  # the Erlang cookie lives here
            ERL_EPMD_PORT=str(self.epmd_port),
            ERL_EPMD_ADDRESS="127.0.0.1",
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(base / "mnesia"),
            RABBITMQ_LOG_BASE=str(base / "log"),
            RABBITMQ_PID_FILE=str(base / "rabbit.pid"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(base / "enabled_plugins"),
            RABBITMQ_CONFIG_FILE=str(base / "rabbitmq"),
            RABBITMQ_ADVANCED_CONFIG_FILE=str(base / "advanced.config"),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
        )
        return env

    def start(self) -> RabbitMQ:
        reason = missing_reason()
        if reason is not None:
            raise RabbitMQError(reason)
        (self.base / "enabled_plugins").write_text("[].\n")
        (self.base / "rabbitmq.conf").write_text("loopback_users.guest = true\n")
        env = self.environment()
        log = (self.base / "server.out").open("wb")
        self._epmd = subprocess.Popen(
            ["epmd", "-port", str(self.epmd_port), "-address", "127.0.0.1"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._server = subprocess.Popen(
            [str(SERVER)], env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, cwd=self.base,
        )
        log.close()
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        import amqp

        deadline = time.monotonic() + START_TIMEOUT
        last: Exception | None = None
        while time.monotonic() < deadline:
            assert self._server is not None
            if self._server.poll() is not None:
                raise RabbitMQError(f"rabbitmq-server exited with {self._server.returncode}:\n"
                                    + self.log_tail())
            try:
                connection = amqp.Connection(f"127.0.0.1:{self.port}", connect_timeout=1)
                connection.connect()
                connection.close()
                return
            except Exception as error:  # not up yet
                last = error
                time.sleep(0.2)
        raise RabbitMQError(f"rabbitmq-server did not accept AMQP within {START_TIMEOUT}s "
                            f"({last}):\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        path = self.base / "server.out"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def queue_depths(self) -> dict[str, int]:
        """Messages ready in each queue of the default vhost (``rabbitmqctl``)."""
        result = subprocess.run(
            ["/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", self.node, "list_queues", "-q",
             "--no-table-headers", "name", "messages"],
            env=self.environment(), capture_output=True, text=True, timeout=60, check=True,
        )
        depths = {}
        for line in result.stdout.splitlines():
            name, _, count = line.rpartition("\t")
            if name:
                depths[name] = int(count)
        return depths

    def stop(self) -> None:
        for process in (self._server, self._epmd):
            stop_process_group(process, 15)
        self._server = self._epmd = None
        if self._own_base:
            shutil.rmtree(self.base, ignore_errors=True)

    # -- sharing between processes ------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """What another process needs to use (and stop) this broker."""
        assert self._server is not None and self._epmd is not None
        return {"base": str(self.base), "port": self.port, "dist_port": self.dist_port,
                "epmd_port": self.epmd_port, "node": self.node,
                "groups": [self._server.pid, self._epmd.pid], "users": 0}

    @classmethod
    def adopt(cls, state: dict[str, Any]) -> RabbitMQ:
        """A handle on a broker another process started (``stop`` is not available)."""
        broker = cls.__new__(cls)
        broker._own_base = False
        broker.base = Path(state["base"])
        broker.port, broker.dist_port = state["port"], state["dist_port"]
        broker.epmd_port, broker.node = state["epmd_port"], state["node"]
        broker._epmd = broker._server = None
        return broker

    def __enter__(self) -> RabbitMQ:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _alive(group: int) -> bool:
    with contextlib.suppress(ChildProcessError):  # reap it if it is our (exited) child
        os.waitpid(group, os.WNOHANG)
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_groups(groups: list[int]) -> None:
    for group in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while any(_alive(g) for g in groups) and time.monotonic() < deadline:
        time.sleep(0.1)
    for group in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


@contextlib.contextmanager
def shared_broker(state_dir: Path) -> Iterator[RabbitMQ]:
    """One broker for every process using ``state_dir``; the last user stops it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    state_file = state_dir / "rabbitmq.json"
    with (state_dir / "rabbitmq.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = json.loads(state_file.read_text()) if state_file.exists() else None
        if state is None or not all(_alive(g) for g in state["groups"]):
            started = RabbitMQ(base=Path(tempfile.mkdtemp(prefix="rabbit-", dir=state_dir)))
            state = started.start().state()
        state["users"] += 1
        state_file.write_text(json.dumps(state))
    try:
        yield RabbitMQ.adopt(state)
    finally:
        with (state_dir / "rabbitmq.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = json.loads(state_file.read_text())
            state["users"] -= 1
            if state["users"] <= 0:
                _stop_groups(state["groups"])
                shutil.rmtree(state["base"], ignore_errors=True)
                state_file.unlink()
            else:
                state_file.write_text(json.dumps(state))


if __name__ == "__main__":
    with RabbitMQ() as broker:
        print(broker.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
