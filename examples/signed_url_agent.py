"""A guest agent that talks to one queue with a pre-signed URL document.

Usage: python examples/signed_url_agent.py [URL]   (default http://127.0.0.1:8888)

This is how Heat and Sahara hand a queue to software inside a server: the
operator (who has credentials) asks Zaqar to sign access to one queue's
messages for a while, and passes the resulting document to the agent, for
example through user data. The agent has no credentials of its own; the
``signed-url`` auth backend sends the document's fields as URL-* headers.
"""

from __future__ import annotations

import json
import sys

from zaqarclient.queues.client import Client
from zaqarclient.queues.v2.client import Client as V2Client  # the type Client() returns
from zaqarclient.transport.errors import ResourceNotFound

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8888"
OPERATOR = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "demo"}}}


def operator_share(client: V2Client) -> str:
    """The operator's side: sign GET and POST on the queue's messages for an hour."""
    queue = client.queue("agent-signals", force_create=True)
    document = queue.signed_url(paths=["messages"], methods=["GET", "POST"], ttl_seconds=3600)
    queue.post({"body": {"command": "deploy", "config": "v42"}})
    return json.dumps(document)  # what would travel to the agent in its user data


def agent_run(url: str, document_text: str) -> dict[str, str]:
    """The agent's side: everything it knows is the URL and the document."""
    document = json.loads(document_text)
    conf = {"auth_opts": {"backend": "signed-url", "options": document}}
    with Client(url, conf=conf) as agent:
        queue = agent.queue("agent-signals")
        command: dict[str, str] = next(m.body for m in queue.messages() if "command" in m.body)
        print(f"agent: got {command}")
        queue.post({"body": {"status": "COMPLETE", "deployed": command["config"]}})
        try:
            agent.queue("another-queue").post({"body": "not signed for this queue"})
        except ResourceNotFound as exc:
            # Zaqar answers 404 to every request the signature does not cover.
            print(f"agent: refused outside its queue ({exc.status})")
        return command


def main() -> int:
    with Client(URL, conf=OPERATOR) as operator:
        document_text = operator_share(operator)
        print("operator: signed", json.loads(document_text)["paths"])
        command = agent_run(URL, document_text)
        statuses = [
            m.body
            for m in operator.queue("agent-signals").messages(echo=True)
            if "status" in m.body
        ]
        print(f"operator: agent reported {statuses}")
        operator.queue("agent-signals").delete()
    ok = command["config"] == "v42" and statuses == [{"status": "COMPLETE", "deployed": "v42"}]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
