"""``openstack messaging subscription ...``."""

from __future__ import annotations

import pytest

from tests.cli.conftest import OSC, new_name


def test_subscription_lifecycle(osc: OSC) -> None:
    name = new_name()
    osc.run("messaging", "queue", "create", name)
    created = osc.run(
        "messaging",
        "subscription",
        "create",
        name,
        "http://127.0.0.1:9/hook",
        "3600",
        "--options",
        '{"tag": "a"}',
        "-f",
        "json",
        expect=None,
    )
    if created.returncode and "could not be created" in created.stderr:
        pytest.skip("this Zaqar install cannot create subscriptions (zaqar.notification.tasks)")
    assert created.returncode == 0, created.stderr
    import json

    sub = json.loads(created.stdout)
    sub_id = sub["ID"]
    assert sub["Subscriber"] == "http://127.0.0.1:9/hook"
    assert sub["TTL"] == 3600 and sub["Options"] == {"tag": "a"}

    # The fixed bug: update shows the stored subscription, and options not
    # given are left alone (not sent as null).
    updated = osc.json("messaging", "subscription", "update", name, sub_id, "--ttl", "7200")
    assert updated["ID"] == sub_id and updated["TTL"] == 7200
    assert updated["Subscriber"] == "http://127.0.0.1:9/hook"
    assert updated["Options"] == {"tag": "a"}
    updated = osc.json(
        "messaging", "subscription", "update", name, sub_id, "--options", '{"tag": "b"}'
    )
    assert updated["Options"] == {"tag": "b"} and updated["TTL"] == 7200

    shown = osc.json("messaging", "subscription", "show", name, sub_id)
    assert shown["ID"] == sub_id and "Age" in shown and "Confirmed" in shown
    confirmed = osc.json("messaging", "subscription", "confirm", name, sub_id)
    assert confirmed["Confirmed"] is True
    listed = osc.json("messaging", "subscription", "list", name)
    assert [s["ID"] for s in listed] == [sub_id]

    osc.run("messaging", "subscription", "delete", name, sub_id)
    assert osc.json("messaging", "subscription", "list", name) == []
    err = osc.fails("messaging", "subscription", "show", name, sub_id)
    assert err.startswith("404 ")
