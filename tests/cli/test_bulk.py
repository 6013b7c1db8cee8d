"""Bulk work from the CLI: posting files in batches, progress bars on a terminal only."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
from pathlib import Path

from tests.cli.conftest import OPENSTACK, OSC, new_name
from zaqarclient.queues.client import Client


def jsonl(messages: list[dict[str, object]]) -> str:
    return "".join(json.dumps(m) + "\n" for m in messages)


def sdk(osc: OSC) -> Client:
    """An SDK client as the same project, for setting up and checking (not under test)."""
    options = {"os_project_id": osc.project}
    return Client(osc.url, conf={"auth_opts": {"backend": "noauth", "options": options}})


def total(osc: OSC, queue: str) -> int:
    with sdk(osc) as client:
        count: int = client.queue(queue, auto_create=False).stats["messages"]["total"]
    return count


def test_a_jsonl_file_is_posted_in_batches_under_the_queues_own_size_cap(
    osc: OSC, tmp_path: Path
) -> None:
    name = new_name()
    with sdk(osc) as client:
        client.queue(name, auto_create=False).create({"_max_messages_post_size": 4096})
    messages = [{"body": {"n": n, "pad": "x" * 200}, "ttl": 300} for n in range(120)]
    path = tmp_path / "messages.jsonl"
    path.write_text(jsonl(messages))
    posted = osc.run("messaging", "message", "post", name, "--file", str(path), "-f", "json")
    assert posted.stderr == ""  # piped: no progress bar
    ids = json.loads(posted.stdout)
    assert len(ids) == 120 and len({row["ID"] for row in ids}) == 120
    listed = osc.json("messaging", "message", "list", name, "--all", "--echo")
    assert [m["Body"]["n"] for m in listed] == list(range(120))


def test_the_first_refused_batch_stops_the_post_and_says_how_many_went(osc: OSC) -> None:
    name = new_name()
    messages: list[dict[str, object]] = [{"body": n, "ttl": 300} for n in range(25)]
    messages[15]["ttl"] = 5  # below Zaqar's 60 s minimum: its batch is refused
    err = osc.run("messaging", "message", "post", name, "-", "--max-batch-messages", "10",
                  stdin=jsonl(messages), expect=1).stderr
    assert "Posted 10 of 25 messages; request 2 of 3 (10 messages) was refused: 400" in err
    assert "The TTL for a message" in err
    assert total(osc, name) == 10
    err = osc.fails("messaging", "message", "list", name, "--all", "--limit", "3")
    assert "Give either --all or --limit" in err


def run_on_terminal(osc: OSC, *args: str, stdin: str | None = None) -> tuple[str, str]:
    """Run ``openstack`` with stderr on a pseudo-terminal; (stdout, terminal text)."""
    leader, follower = pty.openpty()
    command = [str(OPENSTACK), "--os-auth-type", "none", "--os-endpoint", osc.url,
               "--os-message-project-id", osc.project, *args]
    env = {**osc.env, "COLUMNS": "120", "TERM": "xterm"}
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=follower, env=env, text=True)
    os.close(follower)
    stdout, _ = process.communicate(stdin, timeout=60)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side is closed: everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.returncode == 0, b"".join(chunks).decode(errors="replace")
    return stdout, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode(errors="replace"))


def test_progress_bars_on_a_terminal(osc: OSC) -> None:
    name = new_name()
    messages = jsonl([{"body": {"n": n, "pad": "y" * 3000}} for n in range(200)])
    stdout, terminal = run_on_terminal(osc, "messaging", "message", "post", name, "-",
                                       "-f", "value", stdin=messages)
    assert len(stdout.split()) == 200
    assert f"post {name}" in terminal and "200/200 messages" in terminal
    _, terminal = run_on_terminal(osc, "messaging", "message", "list", name, "--all", "--echo",
                                  "-f", "value", "-c", "ID")
    assert f"list {name}" in terminal and "200/200 messages" in terminal
    _, terminal = run_on_terminal(osc, "messaging", "queue", "purge", name)
    assert f"purge {name}" in terminal and "200/200 messages" in terminal
    assert total(osc, name) == 0
