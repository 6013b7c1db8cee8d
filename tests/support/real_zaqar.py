"""Install and run real OpenStack Zaqar servers for contract and differential tests.

Each Zaqar release lives in its own virtualenv under ``<repo>/.cache/zaqar-<version>/``
(installed from PyPI with ``zaqar[redis]``, pinned by the constraints file beside this
module).  :class:`RealZaqar` starts one ``zaqar-server`` on a free loopback port with a
generated configuration, its own ``redis-server`` (Debian package) and an SQLite
management store, and tears everything down again.

Command line::

    python -m tests.support.real_zaqar install            # both releases, in parallel
    python -m tests.support.real_zaqar install 23.0.1
    python -m tests.support.real_zaqar run 23.0.1 --pooling --transport websocket

Timings measured on the project's 2-core machine (Python 3.11):

* install: about 20-30 s for both releases in parallel with a warm pip cache
  (about a minute each with a cold one); a no-op (< 0.1 s) once the stamp file exists.
* start: about 1.5 s from spawning to the first ``300`` on ``GET /`` (redis-server
  starts in ~20 ms; Zaqar spends most of the time importing oslo libraries);
  stop: < 0.5 s.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Literal

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO_ROOT / ".cache"
HERE = Path(__file__).resolve().parent

V2_VERSION = "23.0.1"  # last release tested for API v2 (v1.1 was removed in 22.0.0)
V1_1_VERSION = "21.0.0"  # last release that still ships API v1.1
VERSIONS = (V2_VERSION, V1_1_VERSION)

TEST_SIGNED_URL_KEY = "zaqarclient-test-secret"
ALLOW_MISSING_ENV = "ZAQARCLIENT_ALLOW_NO_REAL_ZAQAR"

Transport = Literal["wsgi", "websocket"]


class RealZaqarError(RuntimeError):
    """Installing or starting a real Zaqar failed."""


# --------------------------------------------------------------------------- install


def venv_dir(version: str) -> Path:
    """Where the virtualenv for one Zaqar release lives.

    Resolved, so checkouts whose ``.cache`` links to one shared directory agree on
    the path (it is in the stamp) instead of each reinstalling the shared venv.
    """
    return CACHE_DIR.resolve() / f"zaqar-{version}"


def _stamp(version: str) -> Path:
    return venv_dir(version) / ".zaqarclient-installed"


def _requirement(version: str) -> str:
    return f"zaqar[redis]=={version}"


def _constraints(version: str) -> Path:
    return HERE / f"zaqar-{version}-constraints.txt"


def _stamp_text(version: str) -> str:
    # Re-install when the pins change, not only when the stamp is missing.
    constraints = _constraints(version)
    pins = constraints.read_text() if constraints.exists() else ""
    # The venv's scripts hold absolute paths, so a moved checkout must re-install too.
    return f"{_requirement(version)}\n{venv_dir(version)}\n{pins}"


def is_installed(version: str) -> bool:
    """True when ``install(version)`` finished and its pins have not changed since.

    The recorded venv path may be spelled differently (checkouts sharing one ``.cache``
    through a symlink): it counts while it still exists and resolves to the same place.
    """
    try:
        recorded = _stamp(version).read_text()
    except OSError:
        return False
    requirement, _, rest = recorded.partition("\n")
    path, _, pins = rest.partition("\n")
    want_requirement, _, want_rest = _stamp_text(version).partition("\n")
    want_path, _, want_pins = want_rest.partition("\n")
    if requirement != want_requirement or pins != want_pins:
        return False
    return Path(path).exists() and Path(path).resolve() == Path(want_path).resolve()


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def install(version: str) -> Path:
    """Create ``.cache/zaqar-<version>/`` with ``zaqar[redis]==<version>``; idempotent."""
    target = venv_dir(version)
    if is_installed(version):
        return target
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / f"zaqar-{version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two concurrent installs must not interleave
        if not is_installed(version):
            _install_locked(version, target)
    return target


def _install_locked(version: str, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)  # a half-finished or outdated install
    log = CACHE_DIR / f"zaqar-{version}-install.log"
    with log.open("w") as out:
        # venv has no relocatable layout, so build in place and stamp last.
        steps: list[list[str]] = [[sys.executable, "-m", "venv", str(target)]]
        pip = [str(target / "bin" / "python"), "-m", "pip", "install", "-q"]
        pip.append("--disable-pip-version-check")
        constraints = _constraints(version)
        if constraints.exists():
            pip += ["-c", str(constraints)]
        steps.append([*pip, _requirement(version)])
        for cmd in steps:
            out.write(f"$ {' '.join(cmd)}\n")
            out.flush()
            result = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
            if result.returncode != 0:
                raise RealZaqarError(
                    f"installing Zaqar {version} failed ({cmd[0]} exited "
                    f"{result.returncode}); log {log}:\n{_tail(log)}"
                )
    _stamp(version).write_text(_stamp_text(version))


def install_all(versions: Sequence[str] = VERSIONS) -> list[Path]:
    """Install several releases in parallel (pip is mostly network and unpack bound)."""
    results: dict[str, Path | BaseException] = {}

    def work(version: str) -> None:
        try:
            results[version] = install(version)
        except BaseException as exc:  # re-raised below in the calling thread
            results[version] = exc

    threads = [threading.Thread(target=work, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    paths = []
    for version in versions:
        outcome = results[version]
        if isinstance(outcome, BaseException):
            raise outcome
        paths.append(outcome)
    return paths


def missing_install_reason(version: str) -> str | None:
    """Why a test needing ``version`` may be skipped, or None when it must run.

    A missing install is a failure unless ``ZAQARCLIENT_ALLOW_NO_REAL_ZAQAR=1`` is set:
    CI has to prove the client against a real server.
    """
    if is_installed(version):
        return None
    if os.environ.get(ALLOW_MISSING_ENV) == "1":
        return (
            f"real Zaqar {version} is not installed in {venv_dir(version)} "
            f"({ALLOW_MISSING_ENV}=1); run `make real-zaqar`"
        )
    return None


# --------------------------------------------------------------------------- run


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    # Runs in the child before exec: ask Linux to SIGTERM it when the parent dies, so
    # a pytest run killed by a signal leaves no Zaqar or redis behind.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


_PR_SET_PDEATHSIG = 1


def _stop_process(proc: subprocess.Popen[bytes] | None, timeout: float = 5.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the whole session: Zaqar may fork workers
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout)


class RealZaqar:
    """One running ``zaqar-server`` (redis message store, SQLite catalogue).

    Use as a context manager, or call :meth:`start` and :meth:`stop`. ``url`` is
    ``http://127.0.0.1:PORT`` for the WSGI transport and ``ws://127.0.0.1:PORT``
    for the websocket transport. ``redis_uri`` names the instance's redis-server
    (db 0 is the message store; use another ``dbid`` for extra pools).
    """

    def __init__(
        self,
        version: str = V2_VERSION,
        *,
        pooling: bool = False,
        virtual_pool: bool = False,
        transport: Transport = "wsgi",
        enable_v1_1: bool = False,
        signed_url_key: str | None = TEST_SIGNED_URL_KEY,
        notifier: bool = False,
        require_confirmation: bool = False,
        enable_checksum: bool = False,
        admin_mode: bool = True,
        unreliable: bool = True,
        start_timeout: float = 30.0,
    ) -> None:
        if transport not in ("wsgi", "websocket"):
            raise ValueError(f"unknown transport {transport!r}")
        self.version = version
        self.pooling = pooling
        self.virtual_pool = virtual_pool
        self.transport: Transport = transport
        self.enable_v1_1 = enable_v1_1
        self.signed_url_key = signed_url_key
        self.notifier = notifier
        self.require_confirmation = require_confirmation
        self.enable_checksum = enable_checksum
        self.admin_mode = admin_mode
        self.unreliable = unreliable
        self.start_timeout = start_timeout
        self.port = 0
        self.redis_port = 0
        self.workdir: Path | None = None
        self._zaqar: subprocess.Popen[bytes] | None = None
        self._redis: subprocess.Popen[bytes] | None = None

    # -- public attributes
    @property
    def url(self) -> str:
        scheme = "http" if self.transport == "wsgi" else "ws"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def redis_uri(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}"

    @property
    def log_path(self) -> Path:
        if self.workdir is None:
            raise RealZaqarError("server not started")
        return self.workdir / "zaqar-server.log"

    @property
    def running(self) -> bool:
        return self._zaqar is not None and self._zaqar.poll() is None

    def __repr__(self) -> str:
        return f"<RealZaqar {self.version} {self.transport} {self.url if self.port else '-'}>"

    # -- lifecycle
    def __enter__(self) -> RealZaqar:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> RealZaqar:
        """Start redis-server and zaqar-server and wait until Zaqar answers."""
        if self.running:
            return self
        if not is_installed(self.version):
            raise RealZaqarError(
                f"Zaqar {self.version} is not installed in {venv_dir(self.version)}; "
                "run `make real-zaqar` (python -m tests.support.real_zaqar install)"
            )
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise RealZaqarError("redis-server not found; `apt-get install redis-server`")
        self.workdir = Path(tempfile.mkdtemp(prefix=f"zaqar-{self.version}-"))
        try:
            self._start_redis(redis_server)
            self._create_catalogue()
            self._start_zaqar()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop both processes and delete the working directory."""
        _stop_process(self._zaqar)
        _stop_process(self._redis)
        self._zaqar = self._redis = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    # -- helpers
    def _spawn(self, cmd: list[str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            return subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
                start_new_session=True,  # own process group, so stop() can reap it all
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )

    def _start_redis(self, redis_server: str) -> None:
        assert self.workdir is not None
        self.redis_port = free_port()
        cmd = [
            redis_server,
            "--port", str(self.redis_port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", str(self.workdir),
        ]  # fmt: skip
        log = self.workdir / "redis.log"
        self._redis = self._spawn(cmd, log)
        self._wait(lambda: _tcp_open(self.redis_port), self._redis, log, "redis-server")

    def _create_catalogue(self) -> None:
        # The shipped migrations use MySQL-only DDL; build the final schema directly.
        assert self.workdir is not None
        code = (
            "import sqlalchemy as sa, sys\n"
            "from zaqar.storage.sqlalchemy import tables\n"
            "tables.metadata.create_all(sa.create_engine(sys.argv[1]))\n"
        )
        python = str(venv_dir(self.version) / "bin" / "python")
        result = subprocess.run(
            [python, "-c", code, self._sqlite_uri()],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RealZaqarError(f"creating the SQLite catalogue failed:\n{result.stderr}")

    def _sqlite_uri(self) -> str:
        assert self.workdir is not None
        return f"sqlite:///{self.workdir / 'catalogue.db'}"

    def config_text(self) -> str:
        """The oslo.config file this instance runs with."""
        section = "wsgi" if self.transport == "wsgi" else "websocket"
        lines = [
            "[DEFAULT]",
            f"admin_mode = {self.admin_mode}",
            f"unreliable = {self.unreliable}",
            f"pooling = {self.pooling}",
            f"enable_checksum = {self.enable_checksum}",
            "debug = False",
        ]
        if self.enable_v1_1:
            lines.append("enable_deprecated_api_versions = 1.1")
        lines += [
            "",
            "[drivers]",
            f"transport = {self.transport}",
            "message_store = redis",
            "management_store = sqlalchemy",
            "",
            f"[drivers:transport:{section}]",
            "bind = 127.0.0.1",
            f"port = {self.port}",
        ]
        if self.transport == "websocket":
            lines.append("notification_bind = 127.0.0.1")
        lines += [
            "",
            "[drivers:message_store:redis]",
            f"uri = {self.redis_uri}",
            "",
            "[drivers:management_store:sqlalchemy]",
            f"uri = {self._sqlite_uri()}",
            "",
            "[notification]",
            f"require_confirmation = {self.require_confirmation}",
        ]
        if self.virtual_pool:
            lines += ["", "[pooling:catalog]", "enable_virtual_pool = True"]
        if self.signed_url_key is not None:
            lines += ["", "[signed_url]", f"secret_key = {self.signed_url_key}"]
        if self.notifier:
            lines += ["", "[storage]", "message_pipeline = zaqar.notification.notifier"]
        return "\n".join(lines) + "\n"

    def _start_zaqar(self) -> None:
        assert self.workdir is not None
        self.port = free_port()
        config = self.workdir / "zaqar.conf"
        config.write_text(self.config_text())
        server = str(venv_dir(self.version) / "bin" / "zaqar-server")
        self._zaqar = self._spawn([server, "--config-file", str(config)], self.log_path)
        ready = self._http_ready if self.transport == "wsgi" else self._tcp_ready
        self._wait(ready, self._zaqar, self.log_path, f"zaqar-server {self.version}")

    def _http_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/", timeout=2) as resp:
                return bool(resp.status == 300)
        except urllib.error.HTTPError as err:
            return err.code == 300  # urllib treats 3xx without Location as an error
        except OSError:
            return False

    def _tcp_ready(self) -> bool:
        return _tcp_open(self.port)

    def _wait(
        self,
        ready: Callable[[], bool],
        proc: subprocess.Popen[bytes] | None,
        log: Path,
        what: str,
    ) -> None:
        assert proc is not None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if ready():
                return
            if proc.poll() is not None:
                raise RealZaqarError(
                    f"{what} exited with status {proc.returncode} during start-up; "
                    f"log {log}:\n{_tail(log)}"
                )
            time.sleep(0.05)
        raise RealZaqarError(
            f"{what} did not become ready on port {self.port} within "
            f"{self.start_timeout:.0f} s; log {log}:\n{_tail(log)}"
        )


def _tcp_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.real_zaqar")
    sub = parser.add_subparsers(dest="command", required=True)
    p_install = sub.add_parser("install", help="install Zaqar releases under .cache/")
    p_install.add_argument("versions", nargs="*", default=list(VERSIONS))
    p_run = sub.add_parser("run", help="run one server until Ctrl-C")
    p_run.add_argument("version", nargs="?", default=V2_VERSION)
    p_run.add_argument("--pooling", action="store_true")
    p_run.add_argument("--transport", choices=["wsgi", "websocket"], default="wsgi")
    p_run.add_argument("--enable-v1-1", action="store_true")
    p_run.add_argument("--notifier", action="store_true")
    args = parser.parse_args(argv)

    if args.command == "install":
        started = time.monotonic()
        for path in install_all(args.versions):
            print(f"zaqar ready in {path}")
        print(f"install took {time.monotonic() - started:.1f} s")
        return 0

    started = time.monotonic()
    server = RealZaqar(
        args.version,
        pooling=args.pooling,
        transport=args.transport,
        enable_v1_1=args.enable_v1_1,
        notifier=args.notifier,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so `with` cleans up
    with server:
        print(f"{server!r} up in {time.monotonic() - started:.2f} s; log {server.log_path}")
        try:
            while server.running:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
