"""Bus to queue: nova's notifications through RabbitMQ and the bridge into Zaqar."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.bridge_fixtures import BridgeProcess, wait_for
from tests.support.nova import SECRET_TOKEN, NovaNotifier
from tests.support.real_zaqar import RealZaqar
from zaqarclient.queues.client import Client
from zaqarclient.testing import ReferenceServer

StartBridge = Callable[..., BridgeProcess]


def listed(url: str, project: str, queue: str = "notifications") -> list[Any]:
    conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}}}
    with Client(url, conf=conf) as client:
        return [m.body for m in client.queue(queue, auto_create=False).messages(echo=True)]


def project() -> str:
    return "proj-" + uuid.uuid4().hex[:10]


def test_owners_get_their_instances_states_and_nothing_else(
    zaqar: ReferenceServer, notifier: NovaNotifier, start_bridge: StartBridge, tmp_path: Path
) -> None:
    bridge = start_bridge(zaqar.url)
    alice, bob = project(), project()
    for seq, (old, new) in enumerate([("building", "building"), ("building", "active")]):
        notifier.instance_update(alice, "inst-a", new, old, seq=seq)
    notifier.instance_update(bob, "inst-b", "error", "building", seq=9)
    notifier.legacy_update("", "inst-orphan", "active", "building", seq=10)  # no owner

    mine = wait_for(lambda: len(listed(zaqar.url, alice)) == 2 and listed(zaqar.url, alice),
                    30, "alice's two updates")
    assert [(m["instance_id"], m["old_state"], m["state"], m["seq"]) for m in mine] == [
        ("inst-a", "building", "building", 0), ("inst-a", "building", "active", 1)]
    assert set(mine[0]) == {"event_type", "timestamp", "message_id", "instance_id", "state",
                            "old_state", "seq"}
    versioned = wait_for(lambda: listed(zaqar.url, alice, "versioned"), 10, "versioned updates")
    assert [(m["event_type"], m["instance_id"], m["state"]) for m in versioned] == [
        ("instance.update", "inst-a", "building"), ("instance.update", "inst-a", "active")]
    assert [m["state"] for m in wait_for(lambda: listed(zaqar.url, bob), 10, "bob")] == ["error"]
    everything = json.dumps([mine, versioned])
    assert "compute-1" not in everything and SECRET_TOKEN not in everything

    dead = wait_for(lambda: (tmp_path / "dead.jsonl").exists()
                    and (tmp_path / "dead.jsonl").read_text(), 10, "the dead letter")
    record = json.loads(dead)
    assert record["reason"] == "no project at payload.tenant_id"
    assert record["notification"]["payload"]["seq"] == 10
    assert bridge.terminate() == 0
    totals = bridge.metrics()["totals"]
    assert (totals["received"], totals["posted"], totals["dead_lettered"]) == (7, 6, 1)
    assert SECRET_TOKEN not in bridge.log()


def test_acknowledged_only_after_201_and_requeued_on_stop(
    zaqar: ReferenceServer, broker: Any, notifier: NovaNotifier, start_bridge: StartBridge,
    exchange: str,
) -> None:
    owner = project()
    stuck = start_bridge("http://127.0.0.1:9")  # nothing listens there: every post fails
    for seq in range(5):
        notifier.legacy_update(owner, "inst-1", "active", "building", seq=seq)
    wait_for(lambda: stuck.metrics()["totals"].get("retries", 0) >= 2, 30, "retries")
    assert broker.queue_depths()[exchange] == 5  # held, unacknowledged, by the stuck bridge
    assert stuck.terminate() == 0
    assert stuck.metrics()["totals"]["requeued"] == 5
    assert broker.queue_depths()[exchange] == 5  # back in the queue, not lost

    start_bridge(zaqar.url)
    seqs = wait_for(lambda: len(listed(zaqar.url, owner)) == 5 and listed(zaqar.url, owner),
                    30, "the requeued notifications")
    assert [m["seq"] for m in seqs] == [0, 1, 2, 3, 4]
    wait_for(lambda: broker.queue_depths()[exchange] == 0, 10, "the acknowledgements")


def test_a_real_zaqar_as_the_target(
    real_zaqar_v2: RealZaqar, notifier: NovaNotifier, start_bridge: StartBridge
) -> None:
    owner = project()
    bridge = start_bridge(real_zaqar_v2.url)
    notifier.instance_update(owner, "inst-r", "active", "building", seq=1)
    got = wait_for(lambda: listed(real_zaqar_v2.url, owner), 30, "the post on real Zaqar")
    assert got[0]["instance_id"] == "inst-r" and got[0]["state"] == "active"
    assert wait_for(lambda: listed(real_zaqar_v2.url, owner, "versioned"), 10, "versioned")
    assert bridge.terminate() == 0


def test_two_bridges_share_the_bus_and_a_killed_one_loses_nothing(
    zaqar: ReferenceServer, notifier: NovaNotifier, start_bridge: StartBridge
) -> None:
    owner, total = project(), 600
    first, second = start_bridge(zaqar.url), start_bridge(zaqar.url)
    for seq in range(total):
        notifier.legacy_update(owner, f"inst-{seq % 7}", "active", "building", seq=seq)
        if seq == total // 3:
            wait_for(lambda: first.metrics()["totals"].get("received", 0) > 0
                     and second.metrics()["totals"].get("received", 0) > 0,
                     30, "both bridges to take notifications")
            first.kill()  # mid-stream, with notifications unacknowledged
    seqs = wait_for(
        lambda: (got := [m["seq"] for m in listed(zaqar.url, owner)])
        and set(got) == set(range(total)) and got, 60, "every notification")
    duplicates = sum(count - 1 for count in Counter(seqs).values())
    print(f"loss test: emitted {total}, delivered {len(set(seqs))} distinct, "
          f"{duplicates} duplicate(s), 0 lost")
    assert second.terminate() == 0
    assert second.metrics()["totals"]["dead_lettered"] == 0
