"""A producer and a consumer sharing one queue.

Usage: python examples/simple.py [URL]   (default http://127.0.0.1:8888)

The producer posts a few messages; the consumer lists them (paging through
the whole queue) and deletes each one it has handled.
"""

from __future__ import annotations

import sys

from zaqarclient.queues.client import Client
from zaqarclient.queues.v2.client import Client as V2Client  # the type Client() returns

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8888"
# A Zaqar without Keystone trusts the X-Project-ID header: name the project.
CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "demo"}}}


def produce(client: V2Client, count: int) -> None:
    queue = client.queue("greetings")  # no request yet: Zaqar creates queues on first post
    queue.post([{"body": {"greeting": f"hello #{n}"}, "ttl": 300} for n in range(count)])
    print(f"producer: posted {count} messages")


def consume(client: V2Client) -> int:
    queue = client.queue("greetings")
    handled = 0
    # echo=True: this example's producer and consumer share a Client-ID, and
    # Zaqar hides a client's own messages from it unless asked.
    for message in queue.messages(echo=True):
        print(f"consumer: {message.body['greeting']} (age {message.age}s)")
        message.delete()
        handled += 1
    return handled


def main() -> int:
    with Client(URL, conf=CONF) as client:
        produce(client, 5)
        handled = consume(client)
        left = client.queue("greetings").stats["messages"]["total"]
        print(f"consumer: handled {handled}, {left} left in the queue")
        client.queue("greetings").delete()
    return 0 if handled == 5 and left == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
