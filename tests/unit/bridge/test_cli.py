"""``zaqar-notification-bridge``: dry runs and option errors (no bus needed)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.loopback import LoopbackServer, Reply
from tests.support.nova import SECRET_TOKEN, unversioned_instance_update, wire_record
from zaqarclient.bridge import cli

RULES = """\
routes:
  - name: instances
    match: {event_type: "compute.instance.*", priority: [info]}
    project: payload.tenant_id
    queue: notifications
    fields: [event_type, payload.instance_id, payload.state]
    ttl: 600
  - name: noise
    match: {event_type: "compute.metrics.update"}
    discard: true
"""


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES)
    return path


def notifications_file(tmp_path: Path) -> Path:
    lines = [
        json.dumps(wire_record("compute.instance.update",
                               unversioned_instance_update("p1", "i1", "active", "building"),
                               "p1")),
        json.dumps({"event_type": "compute.metrics.update", "priority": "INFO", "payload": {}}),
        "",
        "{broken",
        json.dumps({"event_type": "compute.instance.update", "priority": "INFO",
                    "payload": {"instance_id": "i2"}}),
    ]
    path = tmp_path / "notifications.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_dry_run_prints_what_would_happen(
    tmp_path: Path, rules_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--config", str(rules_file), "--dry-run",
                     str(notifications_file(tmp_path))])
    out, err = capsys.readouterr()
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert results[0] == {
        "line": 1, "event_type": "compute.instance.update", "action": "post",
        "route": "instances", "project": "p1", "queue": "notifications",
        "message": {"body": {"event_type": "compute.instance.update", "instance_id": "i1",
                             "state": "active"}, "ttl": 600},
    }
    assert results[1]["action"] == "discard" and results[1]["route"] == "noise"
    assert results[2]["line"] == 4 and results[2]["action"] == "dead-letter"
    assert results[2]["reason"].startswith("invalid: line 4 is not JSON")
    assert results[3]["reason"] == "no project at payload.tenant_id"
    assert err == ("4 notification(s): 1 to post (to 1 queue(s)), 2 to dead-letter, "
                   "1 discarded\n")
    assert SECRET_TOKEN not in out + err


def test_dry_run_from_stdin_as_a_command(tmp_path: Path, rules_file: Path) -> None:
    record = {"event_type": "compute.instance.update", "priority": "info",
              "payload": {"tenant_id": "p2", "state": "error"}}
    done = subprocess.run(
        [sys.executable, "-m", "zaqarclient.bridge", "--config", str(rules_file),
         "--dry-run", "-"],
        input=json.dumps(record) + "\n", capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["message"]["body"] == {
        "event_type": "compute.instance.update", "state": "error"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the following arguments are required: --config"),
        (["--batch-size", "0"], "'0' must be above 0"),
        (["--batch-timeout", "soon"], "'soon' is not a number"),
        (["--priority", "loud"], "invalid choice: 'loud'"),
    ],
)
def test_usage_errors(
    rules_file: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if args:
        args = ["--config", str(rules_file), *args]
    with pytest.raises(SystemExit) as exited:
        cli.main(args)
    assert exited.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--transport-url (or $ZAQAR_BRIDGE_TRANSPORT_URL) is required"),
        (["--transport-url", "rabbit://u:pw@127.0.0.1:1/"], "--zaqar-url is required"),
        (["--transport-url", "rabbit://u:pw@127.0.0.1:1/", "--zaqar-url", "http://z",
          "--dead-letter", "zaqar:oops"], "must look like zaqar:PROJECT/QUEUE"),
        (["--transport-url", "rabbit://u:pw@127.0.0.1:1/", "--auth", "keystone",
          "--os-username", "bridge"], "keystone auth needs 'auth_url'"),
        (["--transport-url", "nonsense://u:hunter2@h/", "--zaqar-url", "http://z"],
         "is not a transport URL"),
    ],
)
def test_configuration_errors_are_one_line(
    tmp_path: Path, rules_file: Path, args: list[str], message: str,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ZAQAR_BRIDGE_TRANSPORT_URL", "ZAQAR_URL", "OS_AUTH_URL", "OS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as exited:
        cli.main(["--config", str(rules_file), *args])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and message in err
    assert "Traceback" not in err and "hunter2" not in err and "pw@" not in err


def test_rules_errors_are_reported(
    tmp_path: Path, rules_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("routes:\n  - queue: q\n")
    with pytest.raises(SystemExit) as exited:
        cli.main(["--config", str(bad), "--dry-run", "-"])
    assert exited.value.code == 2
    assert "bad.yaml: route 1 (route-1): 'project' is required" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--config", str(rules_file), "--dry-run", str(tmp_path / "none")])
    assert "No such file or directory" in capsys.readouterr().err


def test_redact_url_hides_every_password() -> None:
    from zaqarclient.bridge.listener import redact_url

    assert redact_url("rabbit://u:p@h1:5672,v:q@h2:5672/vh") == (
        "rabbit://u:***@h1:5672,v:***@h2:5672/vh")
    assert redact_url("rabbit://h1/") == "rabbit://h1/"
    assert redact_url("rabbit://user@h1/") == "rabbit://user@h1/"


def test_sigterm_ends_a_bridge_whose_bus_never_answers(rules_file: Path, tmp_path: Path) -> None:
    # oslo.messaging retries an unreachable broker for ever inside start().
    with LoopbackServer([Reply(503)]) as closed:
        dead_port = closed.url.rsplit(":", 1)[1]
    command = [sys.executable, "-m", "zaqarclient.bridge", "--config", str(rules_file),
               "--transport-url", f"rabbit://guest:guest@127.0.0.1:{dead_port}/",
               "--zaqar-url", "http://127.0.0.1:9", "--dead-letter", str(tmp_path / "d.jsonl")]
    bridge = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        assert bridge.stdout is not None
        for line in bridge.stdout:
            if "Connection failed" in line:
                break
        bridge.send_signal(signal.SIGTERM)
        assert bridge.wait(10) == 0
        assert "stopped before the message bus answered" in bridge.stdout.read()
    finally:
        bridge.kill()
