"""Running python-zaqarclient 4.7.0's functional suite with both clients and comparing.

Each client gets its own server of the same kind (the suite uses fixed names
in one project, so two runs on one server would see each other), and both
run at once, each in its own interpreter: the peer's venv, and this
package's with :mod:`tests.peer_suite.shims`.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.consumers.servers import SharedStoreZaqar, start_together
from tests.support import peer_client
from tests.support.real_zaqar import TEST_SIGNED_URL_KEY, V2_VERSION

RUNNER = Path(__file__).with_name("runner.py")
TIMEOUT = 300


@contextlib.contextmanager
def servers(kind: str) -> Iterator[tuple[str, str]]:
    """Two servers of ``kind``, one per client: their base URLs (no ``/v2``)."""
    with contextlib.ExitStack() as stack:
        if kind == "reference":
            from zaqarclient.server.clock import SystemClock
            from zaqarclient.server.config import Config
            from zaqarclient.testing import ReferenceServer

            made = [
                stack.enter_context(ReferenceServer(
                    config=Config(secret_key=TEST_SIGNED_URL_KEY, notifications=False),
                    clock=SystemClock()))  # type: ignore[arg-type]
                for _ in range(2)
            ]
            yield made[0].url, made[1].url
            return
        real = [SharedStoreZaqar(version=V2_VERSION) for _ in range(2)]
        start_together(stack, list(real))
        yield real[0].url, real[1].url


def run(python: Path, url: str, *, shims: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="peer-suite-") as tmp:
        out = Path(tmp) / "out.json"
        command = [str(python), str(RUNNER), str(peer_client.sdist_root()), str(out), url]
        if shims:
            command.append("--shims")
        environ = {k: v for k, v in os.environ.items()
                   if not k.startswith(("OS_", "PYTHON", "ZAQAR"))}
        result = subprocess.run(command, cwd=tmp, env=environ, capture_output=True, text=True,
                                timeout=TIMEOUT, check=False)
        if result.returncode != 0 or not out.exists():
            raise RuntimeError(f"{python} exited {result.returncode}:\n{result.stderr[-4000:]}")
        data: dict[str, Any] = json.loads(out.read_text())
        return data


@dataclass
class SuiteComparison:
    kind: str
    ours: dict[str, list[Any]]
    peer: dict[str, list[Any]]
    clients: dict[str, str]

    def passed(self, side: dict[str, list[Any]]) -> set[str]:
        return {name for name, (outcome, *_rest) in side.items() if outcome == "pass"}

    @property
    def regressions(self) -> list[str]:
        """Tests the peer passes and ours does not."""
        return sorted(self.passed(self.peer) - self.passed(self.ours))

    def summary(self) -> str:
        total = len(set(self.ours) | set(self.peer))
        return (f"python-zaqarclient functional suite on {self.kind}: "
                f"{len(self.passed(self.ours))} / {len(self.passed(self.peer))} of {total} "
                "passed (ours / peer)")

    def render(self) -> str:
        lines = [self.summary(), *(f"{k}: {v}" for k, v in self.clients.items())]
        for name in sorted(set(self.ours) | set(self.peer)):
            ours = self.ours.get(name, ["missing", ""])
            peer = self.peer.get(name, ["missing", ""])
            if ours[0] != peer[0]:
                lines.append(f"  {name}: ours {ours[0]}, peer {peer[0]}")
                for label, outcome in (("ours", ours), ("peer", peer)):
                    if outcome[0] not in ("pass", "skip") and outcome[1]:
                        last = outcome[1].strip().splitlines()[-1]
                        lines.append(f"      {label}: {last}")
        return "\n".join(lines)


def compare(kind: str) -> SuiteComparison:
    """Run the suite with both clients on servers of ``kind``."""
    with servers(kind) as (ours_url, peer_url), concurrent.futures.ThreadPoolExecutor(2) as pool:
        ours = pool.submit(run, Path(sys.executable), ours_url, shims=True)
        peer = pool.submit(run, peer_client.python(), peer_url, shims=False)
        mine, theirs = ours.result(), peer.result()
    return SuiteComparison(kind, mine["outcomes"], theirs["outcomes"],
                           {"ours": mine["client"], "peer": theirs["client"]})


def main(argv: list[str] | None = None) -> int:
    kinds = (argv if argv is not None else sys.argv[1:]) or ["reference", "real"]
    ok = True
    for kind in kinds:
        comparison = compare(kind)
        print(comparison.render())
        ok = ok and not comparison.regressions
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
