"""Every script in examples/ runs against a fresh reference server and exits 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zaqarclient.testing import ReferenceServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: script -> lines its output must contain.
EXPECTED: dict[str, list[str]] = {
    "simple.py": ["producer: posted 5 messages", "consumer: handled 5, 0 left in the queue"],
    "claims.py": ["holds 2 message(s)", "worker: results [1, 4, 9, 16, 25]"],
    "signed_url_agent.py": [
        "agent: got {'command': 'deploy', 'config': 'v42'}",
        "agent: refused outside its queue (404)",
        "operator: agent reported [{'status': 'COMPLETE', 'deployed': 'v42'}]",
    ],
    "subscription_webhook.py": ["webhook received {'order': 1001, 'item': 'widget'}"],
    "errors_and_retries.py": [
        "InvalidNameError: Queue name 'no spaces allowed' is invalid",
        "ResourceNotFound: status=404 request_id=req-",
        "MalformedRequest: 'Project-Id Missing'",
        "answered 503; retry 1/3",
        "stats after 2 retries: 0 messages",
        "no retries: ServiceUnavailableError (503) is a ServerError",
        "ping() on an unreachable server: False",
    ],
    "websocket_subscribe.py": ["pushed: {'alert': 'disk almost full'}"],
}

#: Scripts owned elsewhere or run differently (demo.py is `make demo`'s own script).
NOT_RUN_HERE = {"demo.py"}

def run_example(script: str, url: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), url],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_runs(script: str) -> None:
    with ReferenceServer() as server:
        result = run_example(script, server.url)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{script} exited {result.returncode}:\n{output}"
    for line in EXPECTED[script]:
        assert line in result.stdout, f"{script}: {line!r} not in output:\n{output}"


def test_every_example_is_run() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py")} - NOT_RUN_HERE
    assert scripts == set(EXPECTED), "add new examples to EXPECTED (or NOT_RUN_HERE)"


def test_examples_default_to_the_usual_port() -> None:
    for script in EXPECTED:
        text = (EXAMPLES / script).read_text(encoding="utf-8")
        assert 'sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8888"' in text, script
