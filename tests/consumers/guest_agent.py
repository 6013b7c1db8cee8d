"""A Sahara-style guest agent working only with pre-signed queue URLs.

There is no upstream code to read: openstack/sahara (read at
e472826889d0b7ae73790e9307cd9fbffab39bbf, 2024-05-10, retired) and
openstack/sahara-specs (47f81c66cee6648e787810b69dfa121d7fda4a5f) never
shipped a Zaqar agent (``git log -G zaqar`` finds only the 2017 removal of
Zaqar from Sahara's architecture picture). The pattern is the one Heat
(``signal_responder.py``, ``create_from_signed_url``) and Aodh (the signed
``zaqar://`` notifier) use, taken to a whole agent:

* the controller, with project credentials, creates two queues and hands
  the guest ``queue.signed_url(paths=[...], methods=[...], ttl_seconds=...)``
  documents: one for its inbox (GET, POST, DELETE, PATCH on messages and
  claims) and one for its outbox (POST on messages);
* the guest builds ``Client(url, conf={'auth_opts': {'backend': 'signed-url',
  'options': {paths, methods, expires, signature, os_project_id}}},
  version=2)`` from each and never sees a token: it claims jobs
  (``queue.claim(ttl, grace, limit)``), renews the claim (``claim.update``),
  deletes each job (``message.delete()`` with its claim id), posts results
  to the outbox, and reads and pops its inbox;
* a URL is refused for what it does not sign (another queue, a method).

Runs against the no-auth and the Keystone deployment (signed URLs bypass
Keystone on both).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.consumers.harness import Deployment, Env, Steps, unique, zaqar


def scenarios(env: Env) -> list[tuple[str, Callable[[Steps], None]]]:
    return [
        ("guest agent (signed URLs, no-auth)", lambda s: run(env, s, env.noauth, None)),
        ("guest agent (signed URLs, Keystone)", lambda s: run(env, s, env.keystone, "demo")),
    ]


def signed_client(url: str, signed: dict[str, Any]) -> Any:
    from zaqarclient.queues.v2 import client

    options = {
        "paths": signed["paths"],
        "expires": signed["expires"],
        "methods": signed["methods"],
        "signature": signed["signature"],
        "os_project_id": signed["project"],
    }
    conf = {"auth_opts": {"backend": "signed-url", "options": options}}
    return client.Client(url, conf=conf, version=2)


def controller(env: Env, deployment: Deployment, user: str | None, project: str) -> Any:
    from zaqarclient.queues.v2 import client

    if user is None:
        options: dict[str, Any] = {"os_project_id": project}
        conf = {"auth_opts": {"backend": "noauth", "options": options}}
    else:
        conf = {"auth_opts": {"backend": "keystone", "options": {
            "os_auth_token": env.tokens[user], "os_project_id": project}}}
    return client.Client(deployment.http, conf=conf, version=2)


def run(env: Env, steps: Steps, deployment: Deployment, user: str | None) -> None:
    project = env.users["demo"]["project_id"]
    token = env.tokens["demo"] if user else None
    inbox, outbox = unique("agent-in"), unique("agent-out")
    docs: dict[str, Any] = {}

    with steps.step("controller: queue.signed_url for the inbox and the outbox"):
        admin = controller(env, deployment, user, project)
        docs["in"] = admin.queue(inbox, force_create=True).signed_url(
            paths=["messages", "claims"], methods=["GET", "POST", "DELETE", "PATCH"],
            ttl_seconds=3600)
        docs["out"] = admin.queue(outbox, force_create=True).signed_url(
            paths=["messages"], methods=["POST"], ttl_seconds=3600)
        assert docs["in"]["project"] == project

    zaqar("POST", f"{deployment.http}/v2/queues/{inbox}/messages",
          {"messages": [{"body": {"job": n}, "ttl": 600} for n in range(3)]},
          project=project, token=token)
    agent: dict[str, Any] = {}
    with steps.step("agent: signed-url client lists its inbox"):
        agent["in"] = signed_client(deployment.http, docs["in"])
        jobs = [m.body["job"] for m in agent["in"].queue(inbox).messages()]
        assert jobs == [0, 1, 2], jobs
    with steps.step("agent: claim(ttl, grace, limit) and renew the claim"):
        claim = agent["in"].queue(inbox).claim(ttl=120, grace=60, limit=2)
        agent["claimed"] = list(claim)
        claim.update(ttl=300)
        assert [m.body["job"] for m in agent["claimed"]] == [0, 1]
        assert agent["in"].queue(inbox).claim(id=claim.id).ttl == 300
    with steps.step("agent: delete each claimed job (message.delete with its claim id)"):
        for message in agent["claimed"]:
            message.delete()
        left = [m.body["job"] for m in agent["in"].queue(inbox).messages()]
        assert left == [2], left
    with steps.step("agent: post results to the outbox (POST-only URL)"):
        agent["out"] = signed_client(deployment.http, docs["out"])
        agent["out"].queue(outbox).post([{"body": {"done": n}, "ttl": 600} for n in (0, 1)])
        listing = zaqar("GET", f"{deployment.http}/v2/queues/{outbox}/messages?echo=true",
                        project=project, token=token)
        assert [m["body"]["done"] for m in listing["messages"]] == [0, 1], listing
    with steps.step("agent: pop the rest of its inbox"):
        popped = [m.body["job"] for m in agent["in"].queue(inbox).pop(count=5)]
        assert popped == [2], popped
    with steps.step("agent: the outbox URL cannot read (GET is not signed)"):
        try:
            list(agent["out"].queue(outbox).messages())
        except Exception as exc:
            assert "404" in str(exc) or type(exc).__name__ == "ResourceNotFound", repr(exc)
        else:
            raise AssertionError("an unsigned method was allowed")
    with steps.step("agent: the inbox URL cannot touch another queue"):
        try:
            agent["in"].queue(outbox).post({"body": "intrusion"})
        except Exception as exc:
            assert type(exc).__name__ == "ResourceNotFound", repr(exc)
        else:
            raise AssertionError("a queue outside the signed paths was writable")
