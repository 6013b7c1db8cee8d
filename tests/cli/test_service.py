"""``ping``, ``health``, ``homedoc``, ``versions``, output formats and error reporting."""

from __future__ import annotations

import json

from tests.cli.conftest import OSC, new_name


def test_ping_homedoc_versions(osc: OSC) -> None:
    assert osc.json("messaging", "ping") == {"Pingable": True}
    home = json.loads(osc.run("messaging", "homedoc").stdout)  # JSON without -f, as before
    assert "rel/queues" in home["resources"]
    versions = osc.json("messaging", "versions")
    assert any(v["ID"].startswith("2") for v in versions)


def test_health_needs_admin_and_honours_formats(osc: OSC, osc_admin: OSC) -> None:
    err = osc.fails("messaging", "health")
    assert err.startswith("403 ") and "Traceback" not in err
    health = json.loads(osc_admin.run("messaging", "health").stdout)  # JSON without -f
    assert isinstance(health, dict) and health
    yaml_out = osc_admin.run("messaging", "health", "-f", "yaml").stdout
    assert yaml_out.split(":", 1)[0] in health
    table = osc_admin.run("messaging", "homedoc", "-f", "table").stdout
    assert "Field" in table and "resources" in table


def test_formats_on_lists(osc: OSC) -> None:
    name = new_name()
    osc.run("messaging", "message", "post", name, '[{"body": {"k": "v"}}]')
    assert osc.run("messaging", "queue", "list", "-f", "value").stdout.split() == [name]
    csv_out = osc.run("messaging", "message", "list", name, "--echo", "-f", "csv").stdout
    assert csv_out.splitlines()[0] == '"ID","Body","TTL","Age","Claim ID","Checksum"'
    yaml_out = osc.run("messaging", "message", "list", name, "--echo", "-f", "yaml").stdout
    assert "Body:\n    k: v" in yaml_out
    table = osc.run("messaging", "message", "list", name, "--echo").stdout
    assert '{"k": "v"}' in table


def test_errors_are_one_line_without_traceback(osc: OSC) -> None:
    bad = osc.fails("messaging", "message", "post", "bad name!", '{"body": 1}')
    assert len(bad.strip().splitlines()) == 1 and "Traceback" not in bad
    assert "invalid" in bad.lower()
    limit = osc.fails("messaging", "claim", "create", new_name(), "--ttl", "5")
    assert limit.startswith("400 ") and "[request " in limit
    debug = osc.run("--debug", "messaging", "claim", "create", new_name(), "--ttl", "5", expect=1)
    assert "Traceback" in debug.stderr
    # Connection failures are reported, not dumped.
    down = OSC(osc.env, "http://127.0.0.1:9", osc.project)
    err = down.fails("messaging", "queue", "list")
    assert "Cannot reach the messaging service" in err and "Traceback" not in err


def test_project_id_is_required_without_keystone(osc: OSC) -> None:
    anonymous = OSC(osc.env, osc.url, "")
    err = anonymous.fails("messaging", "queue", "list")
    assert err.startswith("400 ") and "roject" in err
    # Secrets never leak into error output.
    assert json.dumps(err).count("X-Auth-Token") == 0
