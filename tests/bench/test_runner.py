"""zaqarclient-bench end to end: real worker processes against real servers on loopback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.real_zaqar import RealZaqar, free_port
from zaqarclient.bench import Settings, run
from zaqarclient.bench.__main__ import main
from zaqarclient.bench.report import as_dict, as_text
from zaqarclient.bench.runner import Progress
from zaqarclient.queues.client import Client
from zaqarclient.server.config import Config, Token
from zaqarclient.testing import ReferenceServer

ALL_ROLES = {"producer": 2, "consumer": 2, "observer": 1, "subscriber": 1}


def noauth(project: str) -> dict[str, Any]:
    return {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}}}


def queue_names(url: str, project: str) -> list[str]:
    with Client(url, version=2, conf=noauth(project)) as client:
        return [queue.name for queue in client.list_queues()]


def test_a_counted_run_moves_every_message_through_every_role(reference_server: Any) -> None:
    settings = Settings(url=reference_server.url, workers=ALL_ROLES, messages=60, duration=60,
                        queues=2, messages_per_post=3, conf=noauth("bench-counted"))
    outcome = run(settings)
    data = as_dict(outcome)
    roles = data["roles"]
    assert roles["producer"]["posted"] == 60
    assert roles["producer"]["requests"] == 20  # 3 messages per post
    assert roles["consumer"]["consumed"] == 60
    assert roles["subscriber"]["pushed"] == 60
    assert roles["observer"]["requests"] > 0
    assert data["errors"] == {}
    assert data["operations"]["post"]["count"] == 20
    assert data["operations"]["delete"]["count"] == 60
    for name in ("post -> claimed", "post -> pushed"):
        figures = data["end_to_end"][name]
        assert figures["count"] == 60
        assert 0 < figures["p50_ms"] <= figures["p90_ms"] <= figures["p99_ms"] <= figures["max_ms"]
    assert outcome.duration < 30
    assert queue_names(reference_server.url, "bench-counted") == []  # cleaned up
    text = as_text(outcome)
    assert "end to end: post -> pushed" in text
    assert "errors: none" in text


@pytest.fixture(scope="module")
def token_server() -> Iterator[ReferenceServer]:
    with ReferenceServer(config=Config(tokens={"good": Token("p1")})) as server:
        yield server


def test_errors_are_counted_by_class(token_server: ReferenceServer) -> None:
    settings = Settings(url=token_server.url, workers={"producer": 1, "consumer": 1},
                        duration=0.5, reset=False, keep_queues=True, conf=noauth("p1"))
    data = as_dict(run(settings))
    assert set(data["errors"]) == {"UnauthorizedError (401)"}
    assert data["errors"]["UnauthorizedError (401)"] == (
        data["roles"]["producer"]["errors"] + data["roles"]["consumer"]["errors"]
    )
    assert data["operations"] == {}


def test_an_unreachable_server_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["--url", url, "--duration", "1", "--retries", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("zaqarclient-bench: Cannot connect to Zaqar")
    assert "Traceback" not in err


def test_bad_auth_options_are_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    argv = ["--url", url, "--no-reset", "--keep-queues", "--auth-opts", '{"backend": "kerberos"}']
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("zaqarclient-bench: ") and "kerberos" in err
    assert "Traceback" not in err


def test_console_script_prints_json_and_a_progress_line(reference_server: Any) -> None:
    cmd = [sys.executable, "-m", "zaqarclient.bench", "--url", reference_server.url,
           "--duration", "0.6", "--observers", "1", "--project-id", "bench-cli",
           "--format", "json", "--progress"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True)
    data = json.loads(result.stdout)
    assert set(data["roles"]) == {"producer", "consumer", "observer"}
    assert data["roles"]["producer"]["requests_per_sec"] > 0
    assert "\x1b[K" in result.stderr and "errors 0" in result.stderr


def test_no_progress_line_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(Settings(url="http://h", workers={"producer": 1}), stream, None)
    progress.draw(1.0, {"producer": [10, 10, 0]})
    progress.finish()
    assert stream.getvalue() == ""
    forced = Progress(Settings(url="http://h", workers={"producer": 1}), stream, True)
    forced.draw(2.0, {"producer": [10, 10, 1]})
    assert "producer 10 req (5/s)  errors 1" in stream.getvalue()


def test_a_counted_run_against_real_zaqar(real_zaqar_v2: RealZaqar) -> None:
    settings = Settings(url=real_zaqar_v2.url, workers={"producer": 1, "consumer": 1},
                        messages=10, duration=60, queues=1, conf=noauth("bench-real"))
    data = as_dict(run(settings))
    assert data["roles"]["producer"]["posted"] == 10
    assert data["roles"]["consumer"]["consumed"] == 10
    assert data["end_to_end"]["post -> claimed"]["count"] == 10
    assert data["errors"] == {}
