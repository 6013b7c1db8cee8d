"""A smaller set that runs against a real Zaqar (23.0.1 for v2, 21.0.0 for v1.1).

The v1.1 group also runs against the reference server's /v1.1, from the same test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cli.conftest import OSC, new_name

pytestmark = pytest.mark.real_zaqar


def test_v2_round_trip(osc_env: dict[str, str], real_zaqar_v2: Any) -> None:
    osc = OSC(osc_env, real_zaqar_v2.url, new_name("proj"))
    name = new_name()
    osc.run("queue", "create", name)
    ids = osc.json(
        "messaging", "message", "post", name, json.dumps([{"body": i} for i in range(25)])
    )
    assert len(ids) == 25
    listed = osc.json("messaging", "message", "list", name, "--echo")
    assert [m["Body"] for m in listed] == list(range(25))  # more than one page
    claim = osc.json("messaging", "claim", "create", name, "--limit", "3")
    assert [
        r["Message_ID"] for r in osc.json("messaging", "claim", "query", name, claim[0]["Claim_ID"])
    ] == [c["Message_ID"] for c in claim]
    stats = osc.json("queue", "stats", name)["Stats"]["messages"]
    assert (stats["total"], stats["claimed"]) == (25, 3)
    missing = osc.json("queue", "stats", new_name("missing"))
    assert missing["Exists"] is False and missing["Stats"]["messages"]["total"] == 0
    assert osc.fails("messaging", "queue", "get", "metadata", "bad name!").count("\n") <= 1


@pytest.fixture(params=["reference", "real"])
def v1_1_url(request: pytest.FixtureRequest) -> str:
    if request.param == "reference":
        return str(request.getfixturevalue("cli_server_url_v1_1"))
    return str(request.getfixturevalue("real_zaqar_v1_1").url)


def test_v1_1_command_group(osc_env: dict[str, str], v1_1_url: str) -> None:
    osc = OSC(osc_env, v1_1_url, new_name("proj"), api_version="1.1")
    name = new_name()
    osc.run("messaging", "queue", "create", name)
    osc.run("queue", "create", new_name())  # the old unprefixed v1 alias
    assert name in [q["Name"] for q in osc.json("queue", "list")]
    osc.run("messaging", "message", "post", name, '[{"body": 1}, {"body": 2}]')
    claimed = osc.json("claim", "create", name, "--limit", "1")
    queried = osc.json("messaging", "claim", "query", name, claimed[0]["Claim_ID"])
    assert [q["Message_ID"] for q in queried] == [claimed[0]["Message_ID"]]
    assert osc.json("messaging", "queue", "stats", name)["Stats"]["messages"]["total"] == 2
    claimed_id = claimed[0]["Message_ID"]
    assert osc.json("messaging", "message", "get", name, claimed_id)["ID"] == claimed_id
    popped = osc.json("messaging", "message", "pop", name)  # the one message left unclaimed
    assert [p["Body"] for p in popped] == [2]
    assert osc.json("messaging", "queue", "exists", name)["Exists"] is True
    assert osc.json("messaging", "queue", "exists", new_name())["Exists"] is False
    no_purge = osc.run("messaging", "queue", "purge", name, expect=2)  # purge is v2 only
    assert "is not an openstack command" in no_purge.stdout + no_purge.stderr
