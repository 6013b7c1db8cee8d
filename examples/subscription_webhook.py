"""A webhook subscription: Zaqar POSTs each new message to an HTTP listener.

Usage: python examples/subscription_webhook.py [URL]   (default http://127.0.0.1:8888)

The listener runs in this process on a loopback port, so the Zaqar server
must be on the same machine (the reference server or a local devstack).
"""

from __future__ import annotations

import http.server
import json
import queue as queue_mod
import sys
import threading
from typing import Any

from zaqarclient.queues.client import Client

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8888"
CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "demo"}}}
WAIT_SECONDS = 10.0

received: queue_mod.Queue[dict[str, Any]] = queue_mod.Queue()


class Hook(http.server.BaseHTTPRequestHandler):
    """Records every JSON document POSTed to it."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received.put(json.loads(self.rfile.read(length) or b"null"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the example's output readable


def main() -> int:
    listener = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{listener.server_address[1]}/events"
    try:
        with Client(URL, conf=CONF) as client:
            # Giving a subscriber creates the subscription on the server at once.
            subscription = client.subscription("orders", subscriber=hook_url, ttl=600)
            print(f"subscribed {subscription.subscriber} (id {subscription.id})")
            client.queue("orders").post({"body": {"order": 1001, "item": "widget"}, "ttl": 300})
            try:
                note = received.get(timeout=WAIT_SECONDS)
            except queue_mod.Empty:
                print(f"no notification within {WAIT_SECONDS:.0f}s", file=sys.stderr)
                return 1
            print(f"webhook received {note['body']} from queue {note['queue_name']}")
            subscription.delete()
            client.queue("orders").delete()
    finally:
        listener.shutdown()
        listener.server_close()
    return 0 if note["body"] == {"order": 1001, "item": "widget"} else 1


if __name__ == "__main__":
    sys.exit(main())
