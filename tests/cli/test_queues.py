"""``openstack messaging queue ...`` and the ``openstack queue ...`` aliases."""

from __future__ import annotations

from tests.cli.conftest import OSC, new_name


def test_queue_lifecycle_and_aliases(osc: OSC) -> None:
    first, second, third = new_name("a"), new_name("b"), new_name("c")
    assert osc.json("messaging", "queue", "create", first) == {"Name": first}
    assert osc.json("queue", "create", second, "--metadata", '{"team": "x"}') == {"Name": second}
    osc.run("messaging", "queue", "create", third)

    # Lists page through everything; --limit caps the total.
    names = [row["Name"] for row in osc.json("messaging", "queue", "list")]
    assert names == sorted([first, second, third])
    assert len(osc.json("queue", "list", "--limit", "2")) == 2
    detailed = osc.json("messaging", "queue", "list", "--detailed", "--marker", first)
    assert [row["Name"] for row in detailed] == sorted([second, third])
    assert detailed[0]["Metadata_Dict"]["team"] == "x"
    assert detailed[0]["Href"].endswith(second)

    # --with-count (and the old --with_count) print the total on stderr only.
    counted = osc.run("messaging", "queue", "list", "--with_count", "-f", "value")
    assert "Total queues: 3" in counted.stderr
    assert counted.stdout.split() == sorted([first, second, third])

    osc.run("queue", "delete", third)
    assert osc.json("messaging", "queue", "exists", third) == {"Exists": False}
    assert osc.json("messaging", "queue", "exists", first) == {"Exists": True}


def test_metadata_set_get_replace(osc: OSC) -> None:
    name = new_name()
    osc.run("messaging", "queue", "create", name)
    osc.run("messaging", "queue", "set", "metadata", name, '{"a": 1, "b": {"c": [1, 2]}}')
    got = osc.json("queue", "get", "metadata", name)["Metadata"]
    assert got["a"] == 1 and got["b"] == {"c": [1, 2]}
    # set replaces: keys left out are gone.
    osc.run("queue", "set", "metadata", name, '{"b": 0}')
    got = osc.json("messaging", "queue", "get", "metadata", name)["Metadata"]
    assert got.get("b") == 0 and "a" not in got
    err = osc.fails("messaging", "queue", "set", "metadata", name, "[1, 2")
    assert "not valid JSON" in err and "Traceback" not in err


def test_stats_existing_and_missing(osc: OSC) -> None:
    name = new_name()
    osc.run("messaging", "message", "post", name, '[{"body": 1}, {"body": 2}]')
    stats = osc.json("messaging", "queue", "stats", name)
    assert stats["Exists"] is True
    assert stats["Stats"]["messages"]["total"] == 2

    missing = osc.run("queue", "stats", new_name("missing"), "-f", "json")
    assert '"Exists": false' in missing.stdout
    assert '"total": 0' in missing.stdout
    assert "does not exist" in missing.stderr


def test_purge(osc: OSC) -> None:
    name = new_name()
    osc.run("messaging", "message", "post", name, '[{"body": 1}, {"body": 2}]')
    osc.run("messaging", "queue", "purge", name, "--resource_types", "messages")
    assert osc.json("messaging", "queue", "stats", name)["Stats"]["messages"]["total"] == 0
    osc.run("queue", "purge", name)  # both kinds by default; the queue stays
    assert osc.json("messaging", "queue", "exists", name) == {"Exists": True}


def test_signed_url(osc: OSC) -> None:
    name = new_name()
    signed = osc.json(
        "messaging",
        "queue",
        "signed",
        "url",
        name,
        "--paths",
        "messages,claims",
        "--methods",
        "GET,post",
        "--ttl-seconds",
        "600",
    )
    assert signed["Paths"] == [f"/v2/queues/{name}/claims", f"/v2/queues/{name}/messages"]
    assert signed["Methods"] == ["GET", "POST"]
    assert signed["Project ID"] == osc.project
    assert len(signed["Signature"]) == 64 and signed["Expires"]
    # The old underscore spelling still works; unknown paths are refused.
    assert osc.json("queue", "signed", "url", name, "--ttl_seconds", "60")["Paths"] == [
        f"/v2/queues/{name}/messages"
    ]
    assert "--paths accepts" in osc.fails("queue", "signed", "url", name, "--paths", "bogus")
