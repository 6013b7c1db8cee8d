"""python-zaqarclient 4.7.0 (the peer) in its own venv, and its sdist, under ``.cache/``.

The consumer tests and the peer's own functional suite run the same code
once with this package and once with the peer, each in a subprocess with
its own interpreter. The peer's venv holds what that code imports besides
the client: websocket-client (its websocket transport), python-openstackclient
(the OSC ClientManager that builds ``clients.messaging``) and testtools /
fixtures (its test base). Nothing of the peer is committed here: the venv is
installed from PyPI and the sdist downloaded, both once, then reused.

    python -m tests.support.peer_client install     # what `make test` runs first
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from tests.support.real_zaqar import CACHE_DIR

PEER_VERSION = "4.7.0"
PEER = f"python-zaqarclient=={PEER_VERSION}"
VENV = CACHE_DIR / f"pzc-{PEER_VERSION}-consumers"
SDIST_DIR = CACHE_DIR / f"python-zaqarclient-{PEER_VERSION}-sdist"
#: What the peer's venv needs besides the peer (unpinned ones follow the peer's own pins).
EXTRAS = ("websocket-client>=1.6", "python-openstackclient>=6.0", "testtools", "fixtures")
_STAMP_TEXT = "\n".join((PEER, *EXTRAS)) + "\n"


class PeerInstallError(RuntimeError):
    """Installing the peer's venv or fetching its sdist failed."""


def python() -> Path:
    """The peer venv's interpreter (installed on first use)."""
    install()
    return VENV / "bin" / "python"


def sdist_root() -> Path:
    """The unpacked sdist (its ``tests/`` and ``zaqarclient/tests/``), fetched on first use."""
    root = SDIST_DIR / f"python_zaqarclient-{PEER_VERSION}"
    if (root / "tests" / "functional").is_dir():
        return root
    with _locked("sdist"):
        if not (root / "tests" / "functional").is_dir():
            _fetch_sdist(root)
    return root


def install() -> Path:
    """Create the peer venv once (idempotent; safe to call from parallel workers)."""
    stamp = VENV / ".installed"
    if stamp.exists() and stamp.read_text() == _STAMP_TEXT:
        return VENV
    with _locked("venv"):
        if not (stamp.exists() and stamp.read_text() == _STAMP_TEXT):
            _install_locked(stamp)
    return VENV


def _locked(what: str) -> _Lock:
    return _Lock(CACHE_DIR / f"pzc-{PEER_VERSION}-{what}.lock")


class _Lock:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("w")
        fcntl.flock(self._file, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        self._file.close()


def _run(cmd: list[str], log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        result = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise PeerInstallError(f"{cmd[0]} exited {result.returncode}; log {log}:\n{tail}")


def _install_locked(stamp: Path) -> None:
    if VENV.exists():
        shutil.rmtree(VENV)
    log = CACHE_DIR / f"pzc-{PEER_VERSION}-install.log"
    log.write_text("")
    _run([sys.executable, "-m", "venv", str(VENV)], log)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
    _run([*pip, "--disable-pip-version-check", PEER, *EXTRAS], log)
    stamp.write_text(_STAMP_TEXT)


def _fetch_sdist(root: Path) -> None:
    download = SDIST_DIR / "download"
    download.mkdir(parents=True, exist_ok=True)
    log = CACHE_DIR / f"pzc-{PEER_VERSION}-sdist.log"
    log.write_text("")
    pip = [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check"]
    _run([*pip, "--no-deps", "--no-binary", ":all:", "-d", str(download), PEER], log)
    archives = sorted(download.glob("python_zaqarclient-*.tar.gz")) + sorted(
        download.glob("python-zaqarclient-*.tar.gz")
    )
    if not archives:
        raise PeerInstallError(f"pip downloaded no sdist of {PEER} into {download}")
    with tarfile.open(archives[0]) as archive:
        archive.extractall(SDIST_DIR, filter="data")
    if not (root / "tests" / "functional").is_dir():
        raise PeerInstallError(f"the sdist unpacked without tests/functional under {root}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["install"]:
        print("usage: python -m tests.support.peer_client install", file=sys.stderr)
        return 2
    print(f"peer venv: {install()}")
    print(f"peer sdist: {sdist_root()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
