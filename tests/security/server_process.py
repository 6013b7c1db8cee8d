"""The reference server in a process of its own, as deployed: for kill -9, RSS and fd limits."""

from __future__ import annotations

import http.client
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def headers(project: str = "sec", **extra: str) -> dict[str, str]:
    return {"Client-ID": CLIENT_ID, "X-Project-ID": project, **extra}


class ServerProcess:
    """``python -m zaqarclient.server ARGS`` on a free loopback port."""

    def __init__(self, *args: str, open_files: int | None = None) -> None:
        self.args = list(args)
        self.open_files = open_files
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _limit_files(self) -> None:
        if self.open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.open_files, self.open_files))

    def start(self) -> ServerProcess:
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "zaqarclient.server", "--port", str(self.port),
             "--log-level", "error", *self.args],
            env=env, stdin=subprocess.DEVNULL, preexec_fn=self._limit_files,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                if self.request("GET", "/")[0] == 300:
                    return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("server did not start in 30 s")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def connection(self, timeout: float = 10) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(
        self, method: str, path: str, body: Any = None, project: str = "sec",
        conn: http.client.HTTPConnection | None = None,
    ) -> tuple[int, Any]:
        """One request (a new connection unless ``conn``); the status and decoded JSON."""
        own = conn is None
        conn = conn or self.connection()
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        try:
            conn.request(method, path, body=data, headers=headers(project))
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            if own:
                conn.close()
        return resp.status, json.loads(raw) if raw else None

    def ping_ms(self) -> float:
        """Milliseconds for a fresh connection to get `GET /v2/ping` answered."""
        start = time.perf_counter()
        status, _ = self.request("GET", "/v2/ping")
        assert status == 204
        return (time.perf_counter() - start) * 1000
