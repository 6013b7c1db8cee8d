"""``openstack messaging message ...`` and ``claim ...``."""

from __future__ import annotations

import json
import subprocess
import time

from tests.cli.conftest import OPENSTACK, OSC, new_name


def test_post_forms_and_list(osc: OSC, tmp_path: object) -> None:
    name = new_name()
    ids = [
        row["ID"]
        for row in osc.json(
            "messaging",
            "message",
            "post",
            name,
            '[{"body": {"n": 1}, "ttl": 120}, {"body": "two"}]',
        )
    ]
    assert len(ids) == 2
    # One message object, from stdin with "-", and from --file (JSON Lines).
    ids += [r["ID"] for r in osc.json("messaging", "message", "post", name, '{"body": 3}')]
    ids += [
        r["ID"] for r in osc.json("messaging", "message", "post", name, "-", stdin='[{"body": 4}]')
    ]
    path = f"{tmp_path}/messages.jsonl"
    with open(path, "w") as handle:
        handle.write('{"body": 5}\n{"body": 6, "ttl": 300}\n')
    ids += [r["ID"] for r in osc.json("messaging", "message", "post", name, "--file", path)]
    assert len(set(ids)) == 6

    listed = osc.json("messaging", "message", "list", name)
    assert [m["ID"] for m in listed] == ids
    assert listed[0]["Body"] == {"n": 1} and listed[0]["TTL"] == 120
    assert set(listed[0]) == {"ID", "Body", "TTL", "Age", "Claim ID", "Checksum"}
    # --limit caps the total; --marker continues; --message-ids picks.
    assert [m["ID"] for m in osc.json("messaging", "message", "list", name, "--limit", "2")] == (
        ids[:2]
    )
    picked = osc.json("messaging", "message", "list", name, "--message-ids", f"{ids[4]},{ids[1]}")
    assert sorted(m["ID"] for m in picked) == sorted([ids[1], ids[4]])
    # Claimed messages are hidden unless --include-claimed.
    osc.run("messaging", "claim", "create", name, "--limit", "2")
    assert [m["ID"] for m in osc.json("messaging", "message", "list", name)] == ids[2:]
    assert len(osc.json("messaging", "message", "list", name, "--include-claimed")) == 6

    # Bad input fails before any request, in one line.
    err = osc.fails("messaging", "message", "post", name, '[{"no_body": 1}]')
    assert 'must be a JSON object with a "body" key' in err and "Traceback" not in err


def test_post_splits_large_sets_under_the_body_limit(osc: OSC) -> None:
    name = new_name()
    blob = "x" * 50_000
    messages = [{"body": {"i": i, "blob": blob}} for i in range(12)]  # ~600 KB in all
    ids = osc.json("messaging", "message", "post", name, "-", stdin=json.dumps(messages))
    assert len(ids) == 12
    stats = osc.json("messaging", "queue", "stats", name)["Stats"]["messages"]
    assert stats["total"] == 12
    # A smaller cap gives more requests and still every message, in order.
    name2 = new_name()
    small = [{"body": i} for i in range(30)]
    ids = osc.json(
        "messaging", "message", "post", name2, json.dumps(small), "--max-request-bytes", "100"
    )
    listed = osc.json("messaging", "message", "list", name2, "--echo")
    assert [m["ID"] for m in listed] == [r["ID"] for r in ids]
    assert [m["Body"] for m in listed] == list(range(30))
    err = osc.fails(
        "messaging",
        "message",
        "post",
        name2,
        json.dumps([{"body": blob}]),
        "--max-request-bytes",
        "1000",
    )
    assert "at most" in err


def test_get_delete_pop(osc: OSC) -> None:
    name = new_name()
    ids = [
        r["ID"]
        for r in osc.json(
            "messaging", "message", "post", name, json.dumps([{"body": i} for i in range(5)])
        )
    ]
    got = osc.json("messaging", "message", "get", name, ids[0])
    assert got["ID"] == ids[0] and got["Body"] == 0
    osc.run("messaging", "message", "delete", name, ids[0], ids[1])
    popped = osc.json("messaging", "message", "pop", name, "--count", "2")
    assert [m["Body"] for m in popped] == [2, 3]
    assert [m["ID"] for m in osc.json("messaging", "message", "list", name)] == [ids[4]]
    err = osc.fails("messaging", "message", "get", name, ids[0])
    assert err.startswith("404 ") and "[request " in err and "Traceback" not in err


def test_claims(osc: OSC) -> None:
    name = new_name()
    ids = [
        r["ID"]
        for r in osc.json(
            "messaging", "message", "post", name, json.dumps([{"body": i} for i in range(3)])
        )
    ]
    claimed = osc.json("messaging", "claim", "create", name, "--limit", "2", "--ttl", "120")
    assert [c["Message_ID"] for c in claimed] == ids[:2]
    claim_id = claimed[0]["Claim_ID"]
    assert claim_id and all(c["Claim_ID"] == claim_id for c in claimed)
    assert [c["Messages"] for c in claimed] == [0, 1]

    # The fixed bug: Message_ID is filled in for query and renew.
    queried = osc.json("messaging", "claim", "query", name, claim_id)
    assert [q["Message_ID"] for q in queried] == ids[:2]
    assert set(queried[0]) == {"Message_ID", "Age", "TTL", "Message"}
    renewed = osc.json("messaging", "claim", "renew", name, claim_id, "--ttl", "300")
    assert [r["Message_ID"] for r in renewed] == ids[:2]

    # A claimed message needs its claim id to be deleted.
    osc.run("messaging", "message", "delete", name, ids[0], "--claim-id", claim_id)
    osc.run("messaging", "claim", "release", name, claim_id)
    again = osc.json("messaging", "claim", "create", name)
    assert [c["Message_ID"] for c in again] == ids[1:]
    # python-zaqarclient 2.x's unprefixed name: still there, deprecated.
    released = osc.run("claim", "release", name, again[0]["Claim_ID"])
    assert "'openstack claim release' is deprecated" in released.stderr
    reclaimed = osc.json("messaging", "claim", "create", name)
    assert [c["Message_ID"] for c in reclaimed] == ids[1:]
    empty = osc.json("messaging", "claim", "create", name)
    assert empty == []


def test_watch_observer_and_consumer(osc: OSC) -> None:
    name = new_name()
    osc.run("messaging", "message", "post", name, '[{"body": "old"}]')
    # Observer: only messages posted after it starts, streamed with -f value.
    command = [
        str(OPENSTACK),
        "--os-auth-type",
        "none",
        "--os-endpoint",
        osc.url,
        "--os-message-project-id",
        osc.project,
        "messaging",
        "message",
        "watch",
        name,
        "--count",
        "3",
        "--interval",
        "0.2",
        "--timeout",
        "40",
        "-f",
        "value",
        "-c",
        "Body",
    ]
    watcher = subprocess.Popen(command, env=osc.env, stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(3)  # let it start and skip the existing message
        osc.run("messaging", "message", "post", name, '[{"body": "n1"}, {"body": "n2"}]')
        assert watcher.stdout is not None
        assert watcher.stdout.readline().strip() == "n1"  # streamed before the end
        osc.run("messaging", "message", "post", name, '[{"body": "n3"}]')
        rest = [watcher.stdout.readline().strip() for _ in range(2)]
        assert watcher.wait(timeout=40) == 0
    finally:
        watcher.kill()
    assert rest == ["n2", "n3"]

    # Consumer: claims and deletes what it prints; --from-start is implied.
    consumed = osc.json(
        "messaging", "message", "watch", name, "--consume", "--count", "2", "--timeout", "20"
    )
    assert [m["Body"] for m in consumed] == ["old", "n1"]
    assert [m["Body"] for m in osc.json("messaging", "message", "list", name)] == ["n2", "n3"]
    # --timeout ends an idle watch with what it saw.
    started = time.monotonic()
    idle = osc.json("messaging", "message", "watch", name, "--timeout", "1", "--interval", "0.2")
    assert idle == [] and time.monotonic() - started < 15


def test_watch_filter_prints_only_matching_messages(osc: OSC) -> None:
    name = new_name()
    posted = [
        {"body": {"event_type": "compute.instance.update", "state": "building", "n": 0}},
        {"body": {"event_type": "compute.instance.update", "state": "active", "n": 1}},
        {"body": {"event_type": "image.update", "state": "active", "n": 2}},
        {"body": "plain"},
        {"body": {"event_type": "compute.instance.create.end", "state": "active", "n": 4}},
    ]
    osc.run("messaging", "message", "post", name, json.dumps(posted))
    seen = osc.json(
        "messaging", "message", "watch", name, "--from-start", "--count", "2",
        "--timeout", "20", "--interval", "0.2",
        "--filter", "event_type=compute.instance.*", "--filter", "state=active",
    )
    assert [m["Body"]["n"] for m in seen] == [1, 4]
