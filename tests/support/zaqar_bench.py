"""Install and run Zaqar's own load generator, ``zaqar-bench``, unchanged.

``zaqar-bench`` (``zaqar.bench.conductor`` in the ``zaqar`` package) imports
``zaqarclient``: it runs here on this package or on python-zaqarclient 4.7.0,
whichever comes first on ``sys.path``. Its virtualenv lives in
``<repo>/.cache/zaqar-bench-23.0.1/`` and is layered on the real-Zaqar venv of
:mod:`tests.support.real_zaqar` (a ``.pth`` file puts that venv's site-packages
on the path), so only what ``zaqar-bench`` needs beyond the server is
installed: gevent, marktime and openstacksdk (``zaqar.bench.helpers`` imports
``openstack.config``), and python-zaqarclient 4.7.0 for comparisons
(``install(peer=True)``).

* ``client="peer"``: python-zaqarclient 4.7.0 from the venv's site-packages.
* ``client="this"``: ``PYTHONPATH=<repo>`` puts this package's ``zaqarclient``
  ahead of it, in the conductor and in every worker process it forks.

Command line::

    python -m tests.support.zaqar_bench install
    python -m tests.support.zaqar_bench run URL --client this -- -pw 4 -t 3

Timings on the project's 2-core machine: install about 20 s with a warm pip
cache (35-70 s cold; the peer adds ~8 s; a no-op once stamped); a run takes
its ``-t`` seconds plus ~2 s of imports.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tests.support.real_zaqar import CACHE_DIR, REPO_ROOT, V2_VERSION, RealZaqarError
from tests.support.real_zaqar import venv_dir as zaqar_venv

PEER_VERSION = "4.7.0"
VENV = CACHE_DIR / f"zaqar-bench-{V2_VERSION}"
EXTRA_REQUIREMENTS = ("gevent", "marktime", "openstacksdk")
#: Installed only for comparisons (benchmarks), not for the smoke test.
PEER_REQUIREMENT = f"python-zaqarclient=={PEER_VERSION}"
CONSTRAINTS = Path(__file__).resolve().parent / f"zaqar-{V2_VERSION}-constraints.txt"

Client = Literal["this", "peer"]


def _stamp() -> Path:
    return VENV / ".zaqarclient-installed"


def _base() -> Path:
    # Resolved: .cache may be a link shared by several checkouts of the repository.
    return zaqar_venv(V2_VERSION).resolve()


def _stamp_text() -> str:
    # No path of this venv: it is only ever run as VENV/bin/python, which is
    # relocatable, so checkouts sharing .cache share it without reinstalling.
    pins = CONSTRAINTS.read_text() if CONSTRAINTS.exists() else ""
    return f"{' '.join(EXTRA_REQUIREMENTS)}\n{_base()}\n{pins}"


def _peer_stamp() -> Path:
    return VENV / ".peer-installed"


def is_installed(peer: bool = False) -> bool:
    """True when :func:`install` finished and nothing it depends on changed since."""
    stamp = _stamp()
    if not (stamp.exists() and stamp.read_text() == _stamp_text()):
        return False
    return not peer or (_peer_stamp().exists() and _peer_stamp().read_text() == PEER_REQUIREMENT)


def _site_packages(venv: Path) -> Path:
    relative = Path(sysconfig.get_path("purelib")).relative_to(sysconfig.get_path("data"))
    return venv / relative


def install(peer: bool = False) -> Path:
    """Create the zaqar-bench venv on top of an installed real Zaqar; idempotent.

    ``python -m tests.support.real_zaqar install`` (``make real-zaqar``) installs
    that Zaqar first; this never installs or changes it. ``peer=True`` adds
    python-zaqarclient 4.7.0 (for ``client="peer"`` runs).
    """
    if is_installed(peer):
        return VENV
    base = _base()
    if not (base / "bin" / "zaqar-bench").exists():
        raise RealZaqarError(
            f"Zaqar {V2_VERSION} is not installed in {base}; run "
            "`python -m tests.support.real_zaqar install` first"
        )
    with (CACHE_DIR / f"zaqar-bench-{V2_VERSION}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not is_installed():
            _install_locked(base)
        if peer and not is_installed(peer=True):
            _pip([PEER_REQUIREMENT], CACHE_DIR / f"zaqar-bench-{V2_VERSION}-peer-install.log")
            _peer_stamp().write_text(PEER_REQUIREMENT)
    return VENV


def _pip(requirements: Sequence[str], log: Path) -> None:
    cmd = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q",
           "--disable-pip-version-check", "-c", str(CONSTRAINTS), *requirements]
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        result = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        raise RealZaqarError(f"installing {' '.join(requirements)} for zaqar-bench failed; "
                             f"log {log}")


def _install_locked(base: Path) -> None:
    if VENV.exists():
        shutil.rmtree(VENV)
    log = CACHE_DIR / f"zaqar-bench-{V2_VERSION}-install.log"
    with log.open("w") as out:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, stdout=out,
                       stderr=subprocess.STDOUT)
    # The server's packages come from its own venv, unchanged and not copied.
    (_site_packages(VENV) / "zaqar-server.pth").write_text(f"{_site_packages(base)}\n")
    _pip(EXTRA_REQUIREMENTS, log)
    _stamp().write_text(_stamp_text())


def environment(client: Client) -> dict[str, str]:
    """The environment a zaqar-bench run uses for ``client``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "PYTHON"))}
    env["OS_AUTH_STRATEGY"] = "noauth"
    env["PYTHONUNBUFFERED"] = "1"
    if client == "this":
        env["PYTHONPATH"] = str(REPO_ROOT)
    return env


def client_location(client: Client) -> str:
    """Where ``import zaqarclient`` resolves in the zaqar-bench venv for ``client``."""
    code = "import zaqarclient, sys; sys.stdout.write(zaqarclient.__file__)"
    result = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", code], env=environment(client),
        capture_output=True, text=True, check=True, cwd=CACHE_DIR,
    )
    return result.stdout


@dataclass
class BenchResult:
    """One zaqar-bench run: its JSON summary (``--nodebug``), stderr and exit code."""

    stats: dict[str, Any]
    stderr: str
    returncode: int

    def role(self, name: str) -> dict[str, Any]:
        """The figures of one role (``producer``, ``consumer``, ``observer``)."""
        figures: dict[str, Any] = self.stats[name]
        return figures


def run(url: str, client: Client, args: Sequence[str] = (), timeout: float = 300) -> BenchResult:
    """Run ``zaqar-bench --nodebug -s URL ARGS`` with ``client`` as its zaqarclient."""
    if client == "peer" and not is_installed(peer=True):
        raise RealZaqarError("python-zaqarclient is not installed for zaqar-bench: "
                             "install(peer=True)")
    # The console script of the server's venv, run by this venv's interpreter.
    script = _base() / "bin" / "zaqar-bench"
    cmd = [str(VENV / "bin" / "python"), str(script), "--nodebug", "-s", url, *args]
    # cwd: a directory with no zaqarclient/ in it, so only PYTHONPATH decides.
    result = subprocess.run(cmd, env=environment(client), capture_output=True, text=True,
                            timeout=timeout, check=False, cwd=CACHE_DIR)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RealZaqarError(
            f"zaqar-bench exited {result.returncode}:\n{result.stdout[-2000:]}\n"
            f"{result.stderr[-4000:]}"
        )
    return BenchResult(json.loads(lines[-1]), result.stderr, result.returncode)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.zaqar_bench")
    sub = parser.add_subparsers(dest="command", required=True)
    installer = sub.add_parser("install", help="create the zaqar-bench venv")
    installer.add_argument("--peer", action="store_true",
                           help=f"also install python-zaqarclient {PEER_VERSION}")
    runner = sub.add_parser("run", help="run zaqar-bench against URL")
    runner.add_argument("url")
    runner.add_argument("--client", choices=("this", "peer"), default="this")
    runner.add_argument("bench_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "install":
        print(install(args.peer))
        return 0
    install(peer=args.client == "peer")
    extra = [a for a in args.bench_args if a != "--"]
    result = run(args.url, args.client, extra)
    print(json.dumps(result.stats, indent=2))
    if result.stderr.strip():
        print(result.stderr[-2000:], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
