"""A throwaway redis-server (Debian package) that pool URIs can point at.

Zaqar, and the reference server like it, refuses a pool whose store does not
answer, so tests that register pools need a store that does: a session-scoped
redis-server on a free loopback port, one database per pool (``?dbid=N``).
Starting it takes about 20 ms.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

from tests.support.real_zaqar import (
    RealZaqarError,
    _die_with_parent,
    _stop_process,
    _tcp_open,
    free_port,
)

DATABASES = 256  # one per pool a session registers (redis-server's default is 16)


class RedisStore:
    """One redis-server process; ``uri(n)`` names database ``n`` of it."""

    def __init__(self) -> None:
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None

    @property
    def base_uri(self) -> str:
        """The server's URI (database 0)."""
        return f"redis://127.0.0.1:{self.port}"

    def uri(self, dbid: int = 0) -> str:
        """Database ``dbid`` of the server (a distinct pool URI per number)."""
        return f"{self.base_uri}?dbid={dbid}"

    def start(self) -> RedisStore:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RealZaqarError("redis-server not found; `apt-get install redis-server`")
        self._dir = Path(tempfile.mkdtemp(prefix="zaqarclient-redis-"))
        self.port = free_port()
        cmd = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--databases", str(DATABASES), "--dir", str(self._dir)]
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        deadline = time.monotonic() + 10
        while not _tcp_open(self.port):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RealZaqarError("redis-server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        _stop_process(self._proc)
        self._proc = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> RedisStore:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
