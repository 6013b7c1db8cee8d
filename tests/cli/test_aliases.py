"""python-zaqarclient 2.x's unprefixed command names still work, with a deprecation warning."""

from __future__ import annotations

import json
import runpy
from importlib import metadata

from tests.cli.conftest import OSC, ROOT, new_name

WARNING = "is deprecated; use 'openstack messaging"


def _names(group_lines: list[str]) -> set[str]:
    return {line.split("=", 1)[0].strip().replace("_", " ") for line in group_lines}


def test_unprefixed_names_belong_to_no_other_plugin() -> None:
    ours = runpy.run_path(str(ROOT / "zaqarclient/osc/entry_points.py"))["ENTRY_POINTS"]
    aliases = {name for group in ("openstack.messaging.v2", "openstack.messaging.v1")
               for name in _names(ours[group]) if not name.startswith("messaging ")}
    assert {"pool create", "claim query", "subscription list", "message post",
            "queue signed url"} <= aliases
    owned_elsewhere = {
        ep.name.replace("_", " ")
        for group in metadata.entry_points().groups
        if group.startswith("openstack.") and not group.startswith("openstack.messaging")
        for ep in metadata.entry_points(group=group)
    }
    assert "flavor create" in owned_elsewhere  # Nova's: the reason there is no flavor alias
    assert not aliases & owned_elsewhere


def test_a_2x_script_runs_with_deprecation_warnings(osc: OSC, osc_admin: OSC) -> None:
    name = new_name()
    posted = osc.run("message", "post", name, '[{"body": {"job": 1}, "ttl": 300}]')
    assert WARNING + " message post'" in posted.stderr
    claimed = osc.run("claim", "create", name, "--ttl", "60", "--limit", "1", "-f", "json")
    assert WARNING + " claim create'" in claimed.stderr
    assert [row["Messages"] for row in json.loads(claimed.stdout)] == [{"job": 1}]
    pools = osc_admin.run("pool", "list", "-f", "json")
    assert WARNING + " pool list'" in pools.stderr and json.loads(pools.stdout) == []
