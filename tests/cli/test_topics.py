"""``openstack messaging topic ...``.

Topic storage exists only in Zaqar's MongoDB driver; the real Zaqar 23.0.1
these tests can start runs the Redis driver (topic GETs answer 503), so the
behaviour tests run against the reference server and one test pins the error
real Zaqar gives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import OSC, new_name
from zaqarclient.queues.client import Client


@pytest.fixture
def tosc(osc: OSC) -> OSC:
    """``openstack`` on the reference server (the CLI server falls back to a real Zaqar)."""
    pytest.importorskip(
        "zaqarclient.testing", reason="topics need the reference server (Redis Zaqar has none)"
    )
    return osc


def sdk(osc: OSC) -> Client:
    """An SDK client for the same server and project, to set up data quickly."""
    auth = {"backend": "noauth", "options": {"os_project_id": osc.project}}
    return Client(osc.url, conf={"auth_opts": auth})


def test_topic_create_list_delete(tosc: OSC) -> None:
    first, second = new_name("a"), new_name("b")
    created = tosc.json("messaging", "topic", "create", first, "--metadata", '{"team": "x"}')
    assert created == {"Name": first}
    assert tosc.json("messaging", "topic", "create", second) == {"Name": second}
    # More than one page (Zaqar pages by 20): made through the SDK to keep the test quick.
    client = sdk(tosc)
    extra = sorted(new_name("c") for _ in range(21))
    for name in extra:
        client.topic(name).create()

    names = [row["Name"] for row in tosc.json("messaging", "topic", "list")]
    assert names == sorted([first, second, *extra])
    assert len(tosc.json("messaging", "topic", "list", "--limit", "3")) == 3
    detailed = tosc.json("messaging", "topic", "list", "--detailed", "--limit", "1")
    assert [(row["Name"], row["Href"]) for row in detailed] == [(first, f"/v2/topics/{first}")]
    assert detailed[0]["Metadata_Dict"]["team"] == "x"
    after = tosc.json("messaging", "topic", "list", "--marker", first, "--limit", "1")
    assert after == [{"Name": second}]

    tosc.run("messaging", "topic", "delete", first)
    assert first not in [row["Name"] for row in tosc.json("messaging", "topic", "list")]
    # Only topics are listed: queues are a separate namespace.
    assert tosc.json("messaging", "queue", "list") == []


def test_topic_metadata_and_stats(tosc: OSC) -> None:
    name = new_name()
    tosc.run("messaging", "topic", "create", name, "--metadata", '{"a": 1}')
    tosc.run("messaging", "topic", "set", "metadata", name, '{"a": 2, "b": {"c": [1, 2]}}')
    got = tosc.json("messaging", "topic", "get", "metadata", name)["Metadata"]
    assert got["a"] == 2 and got["b"] == {"c": [1, 2]}
    tosc.run("messaging", "topic", "set", "metadata", name, '{"b": 0}')  # replaces
    got = tosc.json("messaging", "topic", "get", "metadata", name)["Metadata"]
    assert got.get("b") == 0 and "a" not in got

    assert tosc.json("messaging", "topic", "stats", name) == {
        "Stats": {"messages": {"total": 0}},
        "Exists": True,
    }
    missing = tosc.run("messaging", "topic", "stats", new_name("missing"), "-f", "json")
    assert json.loads(missing.stdout)["Exists"] is False
    assert "does not exist" in missing.stderr


def test_topic_messages_post_list_purge(tosc: OSC, tmp_path: Path) -> None:
    name = new_name()
    tosc.run("messaging", "topic", "create", name)
    me = "3c0f6f62-7d4c-4b8e-9c51-5a4b5e2f0a11"
    ids = tosc.json(
        "messaging", "topic", "message", "post", name, '[{"body": 1}, {"body": 2, "ttl": 600}]',
        "--client-id", me,
    )  # fmt: skip
    assert len(ids) == 2 and all(set(row) == {"ID"} for row in ids)
    path = tmp_path / "more.json"
    path.write_text("\n".join(json.dumps({"body": {"n": n}}) for n in range(3)))  # JSON Lines
    assert len(tosc.json("messaging", "topic", "message", "post", name, "--file", str(path))) == 3

    listed = tosc.json("messaging", "topic", "message", "list", name)
    assert [m["Body"] for m in listed] == [1, 2, {"n": 0}, {"n": 1}, {"n": 2}]
    assert set(listed[0]) == {"ID", "Body", "TTL", "Age", "Checksum"}  # no Claim ID
    assert listed[1]["TTL"] == 600 and listed[0]["ID"] == ids[0]["ID"]
    # Without --echo a client does not see its own messages.
    own = tosc.json("messaging", "topic", "message", "list", name, "--client-id", me)
    assert [m["Body"] for m in own] == [{"n": 0}, {"n": 1}, {"n": 2}]
    echoed = tosc.json(
        "messaging", "topic", "message", "list", name, "--client-id", me, "--echo", "--limit", "2"
    )
    assert [m["Body"] for m in echoed] == [1, 2]
    picked = tosc.json("messaging", "topic", "message", "list", name, "--message-ids", ids[1]["ID"])
    assert [m["Body"] for m in picked] == [2]
    assert tosc.json("messaging", "topic", "stats", name)["Stats"]["messages"]["total"] == 5

    tosc.run("messaging", "topic", "purge", name, "--resource-types", "messages")
    assert tosc.json("messaging", "topic", "message", "list", name) == []
    err = tosc.fails("messaging", "topic", "message", "post", name, '[{"ttl": 60}]')
    assert 'must be a JSON object with a "body" key' in err and "Traceback" not in err


def test_topic_subscriptions(tosc: OSC) -> None:
    name = new_name()
    tosc.run("messaging", "topic", "create", name)
    created = tosc.json(
        "messaging", "topic", "subscription", "create", name, "http://127.0.0.1:9/hook", "3600",
        "--options", '{"tag": "a"}',
    )  # fmt: skip
    assert set(created) == {"ID", "Subscriber", "TTL", "Age", "Confirmed", "Options"}
    assert created["Subscriber"] == "http://127.0.0.1:9/hook"
    assert (created["TTL"], created["Options"], created["Confirmed"]) == (3600, {"tag": "a"}, False)
    other = tosc.json(
        "messaging", "topic", "subscription", "create", name, "mailto:ops@example.com", "600"
    )
    listed = tosc.json("messaging", "topic", "subscription", "list", name)
    assert sorted(s["ID"] for s in listed) == sorted([created["ID"], other["ID"]])
    shown = next(s for s in listed if s["ID"] == created["ID"])
    assert shown | {"Age": created["Age"]} == created
    assert len(tosc.json("messaging", "topic", "subscription", "list", name, "--limit", "1")) == 1

    tosc.run("messaging", "topic", "subscription", "delete", name, created["ID"])
    listed = tosc.json("messaging", "topic", "subscription", "list", name)
    assert [s["ID"] for s in listed] == [other["ID"]]
    tosc.run("messaging", "topic", "purge", name, "--resource-types", "subscriptions")
    assert tosc.json("messaging", "topic", "subscription", "list", name) == []
    # The topic itself stays.
    assert name in [row["Name"] for row in tosc.json("messaging", "topic", "list")]


def test_topic_errors_are_one_line(tosc: OSC) -> None:
    def one_line(*args: str) -> str:
        err = tosc.fails(*args)
        assert err.count("\n") == 1 and "Traceback" not in err, err
        return err

    err = one_line("messaging", "topic", "create", "bad name!")
    assert err.startswith("Topic name 'bad name!' is invalid")
    missing = one_line("messaging", "topic", "set", "metadata", new_name("missing"), "{}")
    assert missing.startswith("404 ") and "(PATCH /v2/topics/missing-" in missing
    name = new_name()
    tosc.run("messaging", "topic", "create", name)
    assert "not valid JSON" in one_line("messaging", "topic", "set", "metadata", name, "[1, 2")
    assert "must be a JSON object" in one_line("messaging", "topic", "set", "metadata", name, "[]")
    bad_option = tosc.run("messaging", "topic", "create", name, "--metadata", "{", expect=2)
    assert "--metadata is not valid JSON" in bad_option.stderr


def test_topics_are_not_in_the_v1_1_group_or_unprefixed(tosc: OSC) -> None:
    for osc, args in (
        (tosc, ("topic", "list")),
        (OSC(tosc.env, tosc.url, tosc.project, api_version="1.1"), ("messaging", "topic", "list")),
    ):
        result = osc.run(*args, expect=2)
        assert "is not an openstack command" in result.stdout + result.stderr


@pytest.mark.real_zaqar
def test_topic_list_on_redis_zaqar_fails_in_one_line(
    osc_env: dict[str, str], real_zaqar_v2: Any
) -> None:
    osc = OSC(osc_env, real_zaqar_v2.url, new_name("proj"))
    # Retries off: the SDK would otherwise resend the GET three times with backoff.
    result = osc.run("--os-message-retries", "0", "messaging", "topic", "list", expect=1)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("503 ")
    assert "Topics could not be listed" in result.stderr
