"""The worker pattern: claim a batch, handle it, delete what is done.

Usage: python examples/claims.py [URL]   (default http://127.0.0.1:8888)

A claim is a lease: while it lasts, other workers cannot claim the same
messages. A worker deletes each message it finished (with the claim id, which
``Message.delete()`` sends for it); if the worker dies, the claim expires and
the messages become claimable again.
"""

from __future__ import annotations

import sys

from zaqarclient.queues.client import Client
from zaqarclient.queues.v2.client import Client as V2Client  # the type Client() returns

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8888"
CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "demo"}}}


def handle(job: dict[str, int]) -> int:
    return job["x"] * job["x"]


def work(client: V2Client, batch: int = 2) -> list[int]:
    """Claim batches until the queue has nothing claimable left."""
    queue = client.queue("jobs")
    results = []
    while True:
        # ttl: how long the claim lasts; grace: extra life given to the
        # messages so they do not expire while claimed.
        claim = queue.claim(ttl=60, grace=60, limit=batch)
        if not claim:  # nothing claimable: the claim is empty and has no id
            break
        print(f"worker: claim {claim.id} holds {len(claim)} message(s)")
        for message in claim:
            results.append(handle(message.body))
            message.delete()  # sends ?claim_id=... for a claimed message
        # A slow worker would renew instead: claim.update(ttl=120)
    return results


def main() -> int:
    with Client(URL, conf=CONF) as producer:
        producer.queue("jobs").post([{"body": {"x": n}} for n in range(1, 6)])
    # A worker uses its own Client (and Client-ID): claims see all messages.
    with Client(URL, conf=CONF) as worker:
        results = work(worker)
        print(f"worker: results {sorted(results)}")
        worker.queue("jobs").delete()
    return 0 if sorted(results) == [1, 4, 9, 16, 25] else 1


if __name__ == "__main__":
    sys.exit(main())
