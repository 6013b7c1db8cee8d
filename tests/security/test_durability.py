"""The SQLite store under kill -9: acknowledged writes survive, acknowledged deletes stay.

``ZAQARCLIENT_KILL_ROUNDS`` sets the number of kills (default 4 in the suite);
``ZAQARCLIENT_KILL_SEED`` the seed of the moments and operations.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time
from pathlib import Path

from tests.security.server_process import ServerProcess, headers

KILLS = int(os.environ.get("ZAQARCLIENT_KILL_ROUNDS", "4"))
SEED = int(os.environ.get("ZAQARCLIENT_KILL_SEED", "20261201"))
QUEUE = "/v2/queues/durable"


class Ledger:
    """What the server acknowledged: message ids with bodies, and deleted ids."""

    def __init__(self) -> None:
        self.posted: dict[str, int] = {}
        self.deleted: set[str] = set()
        self.unsure: set[str] = set()  # a delete cut off by the kill: either outcome is right

    def live(self) -> dict[str, int]:
        gone = self.deleted | self.unsure
        return {mid: body for mid, body in self.posted.items() if mid not in gone}


def load(proc: ServerProcess, ledger: Ledger, rng: random.Random, counter: list[int]) -> None:
    """Post and delete until the server dies; record only what was answered."""
    conn = proc.connection(timeout=5)
    try:
        while True:
            live = sorted(ledger.live())
            if live and rng.random() < 0.4:
                mid = rng.choice(live)
                ledger.unsure.add(mid)
                conn.request("DELETE", f"{QUEUE}/messages/{mid}", headers=headers())
                resp = conn.getresponse()
                resp.read()
                if resp.status == 204:
                    ledger.deleted.add(mid)
                    ledger.unsure.discard(mid)
                continue
            counter[0] += 1
            batch = [{"body": counter[0] * 10 + i, "ttl": 3600} for i in range(rng.randint(1, 3))]
            conn.request("POST", f"{QUEUE}/messages", body=json.dumps({"messages": batch}),
                         headers=headers())
            resp = conn.getresponse()
            doc = json.loads(resp.read())
            if resp.status == 201:
                for href, item in zip(doc["resources"], batch, strict=True):
                    ledger.posted[href.rsplit("/", 1)[1]] = item["body"]
    except (OSError, http.client.HTTPException, json.JSONDecodeError):
        return  # killed mid-request: that operation was never acknowledged
    finally:
        conn.close()


def stored(proc: ServerProcess) -> dict[str, int]:
    """Every message of the queue, paging with markers."""
    out: dict[str, int] = {}
    path = f"{QUEUE}/messages?echo=true&include_claimed=true&limit=20"
    while True:
        status, doc = proc.request("GET", path)
        assert status == 200
        if not doc["messages"]:
            return out
        out.update({m["id"]: m["body"] for m in doc["messages"]})
        path = doc["links"][0]["href"]


def test_acknowledged_writes_and_deletes_survive_kill_9(tmp_path: Path) -> None:
    store = f"sqlite:{tmp_path / 'kill.db'}"
    rng = random.Random(SEED)
    ledger = Ledger()
    counter = [0]
    survived = 0
    for _ in range(KILLS):
        with ServerProcess("--store", store) as proc:
            assert stored(proc).items() >= ledger.live().items()
            assert not set(stored(proc)) & ledger.deleted
            if not ledger.posted:
                proc.request("PUT", QUEUE)
            worker = threading.Thread(target=load, args=(proc, ledger, rng, counter))
            worker.start()
            time.sleep(rng.uniform(0.05, 0.5))  # a random moment under load
            proc.kill9()
            worker.join()
            survived += 1
    with ServerProcess("--store", store) as proc:
        now = stored(proc)
    live = ledger.live()
    assert survived == KILLS and len(ledger.posted) > KILLS
    missing = {mid for mid in live if now.get(mid) != live[mid]}
    assert not missing, f"acknowledged messages lost after kill -9: {sorted(missing)[:5]}"
    resurrected = set(now) & ledger.deleted
    assert not resurrected, f"acknowledged deletes undone: {sorted(resurrected)[:5]}"
    print(f"\nkill -9 survived: {survived}; acknowledged messages {len(ledger.posted)}, "
          f"acknowledged deletes {len(ledger.deleted)}, cut-off deletes {len(ledger.unsure)}, "
          f"stored at the end {len(now)}")
