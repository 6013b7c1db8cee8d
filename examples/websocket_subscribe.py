"""Websocket: the server pushes a queue's new messages down the connection.

Usage: python examples/websocket_subscribe.py [URL]   (default http://127.0.0.1:8888)

An ``http://`` URL is turned into the matching ``ws://`` one. The same
Client methods work over a websocket; ``subscribe()`` is websocket-only.
Needs the ``websocket`` extra (websockets, msgpack).
"""

from __future__ import annotations

import sys

from zaqarclient.queues.client import Client

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8888"
CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "demo"}}}


def websocket_url(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return "ws" + url[len("http") :]
    return url


def main() -> int:
    with Client(websocket_url(URL), conf=CONF) as client:
        queue = client.queue("alerts", force_create=True)
        # subscribe() returns once Zaqar confirmed it: nothing posted after is missed.
        with client.subscribe(queue, ttl=600) as subscription:
            queue.post({"body": {"alert": "disk almost full"}, "ttl": 300})
            note = subscription.next_notification(timeout=10)
            print(f"pushed: {note.body} (queue {note.queue_name})")
        queue.delete()
    return 0 if note.body == {"alert": "disk almost full"} else 1


if __name__ == "__main__":
    sys.exit(main())
