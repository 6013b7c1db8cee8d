"""python-tripleoclient's messaging: ``clients.messaging`` and its websocket client.

Read from openstack/python-tripleoclient at c102747c8d8ec175831c2c35f83876c5e0d0c511
(2017-11-28, the last tree that used zaqarclient; eaa2e9ce dropped it):

* ``tripleoclient/workflows/package_update.py`` ``update_ansible``:
  ``zaqar = clients.messaging`` (OSC's ClientManager, built by the messaging
  plugin's ``make_client``), ``queue = zaqar.queue(name)``,
  ``queue.stats['messages']['total']``, ``queue.claim(ttl=600, grace=600)``,
  ``message.body['payload']['message'].splitlines()``, ``message.delete()``,
  ``except zaqarclient.transport.errors.ServiceUnavailableError`` and
  ``queue.delete()``;
* ``tripleoclient/plugin.py`` ``WebsocketClient`` (also at
  7c40575d^, its last version): websocket-client directly against the
  ``messaging-websocket`` endpoint (``authenticate`` with the OSC session's
  token, ``queue_create``, ``subscription_create`` with ``ttl`` 10000, then
  ``recv()`` of ``message['body']['payload']``). That half does not use
  zaqarclient, so both clients score the same there; it checks the server.

The workflow's messages (Mistral posting ``{'payload': {...}}``) are posted
with raw HTTP.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

from tests.consumers.harness import WAIT, Env, Steps, unique, within, zaqar


def scenarios(env: Env) -> list[tuple[str, Callable[[Steps], None]]]:
    return [("tripleoclient messaging", lambda steps: run(env, steps))]


def client_manager(env: Env) -> Any:
    """OSC's ClientManager as `openstack overcloud update ...` builds it."""
    from openstackclient.common import clientmanager
    from osc_lib.cli import client_config as cloud_config

    demo = env.users["demo"]
    cloud = cloud_config.OSC_Config().get_one(
        cloud=None, argparse=None, auth_type="password",
        auth={"auth_url": env.keystone_url, "username": demo["name"],
              "password": demo["password"], "project_name": demo["project_name"],
              "user_domain_name": "Default", "project_domain_name": "Default"},
        region_name="RegionOne", interface="public")
    manager = clientmanager.ClientManager(cli_options=cloud, api_version={"messaging": "2"})
    manager._auth_required = True  # what osc_lib's shell sets for commands that need auth
    manager.setup_auth()
    return manager


def workflow_posts(env: Env, queue_name: str, *payloads: dict[str, Any]) -> None:
    zaqar("POST", f"{env.keystone.http}/v2/queues/{queue_name}/messages",
          {"messages": [{"body": {"payload": p}, "ttl": 600} for p in payloads]},
          project=env.users["demo"]["project_id"], token=env.tokens["demo"])


def run(env: Env, steps: Steps) -> None:
    holder: dict[str, Any] = {}
    with steps.step("clients.messaging from OSC's ClientManager"):
        holder["clients"] = client_manager(env)
        holder["zaqar"] = holder["clients"].messaging
    run_claims(env, steps, holder)
    run_websocket(env, steps, holder)


def run_claims(env: Env, steps: Steps, holder: dict[str, Any]) -> None:
    from zaqarclient.transport import errors as zaqar_errors

    name = unique("ansible")
    workflow_posts(env, name, {"message": "TASK [a]\nok", "status": "RUNNING"},
                   {"message": "TASK [b]\nchanged", "status": "RUNNING"})
    with steps.step("queue.stats['messages']['total'] sees the workflow's messages"):
        queue = holder["zaqar"].queue(name)
        holder["queue"] = queue
        assert queue.stats["messages"]["total"] == 2
    printed: list[str] = []
    with steps.step("queue.claim(ttl=600, grace=600): print and delete each message"):
        claim = holder["queue"].claim(ttl=600, grace=600)
        for message in claim:
            printed.extend(message.body["payload"]["message"].splitlines())
            message.delete()
        assert printed == ["TASK [a]", "ok", "TASK [b]", "changed"], printed
    with steps.step("claim on the drained queue: nothing (or ServiceUnavailableError)"):
        try:
            claim = holder["queue"].claim(ttl=600, grace=600)
            assert list(claim) == []
        except zaqar_errors.ServiceUnavailableError:
            pass
    with steps.step("queue.delete()"):
        holder["queue"].delete()


def run_websocket(env: Env, steps: Steps, holder: dict[str, Any]) -> None:
    import websocket

    state: dict[str, Any] = {}

    def send(action: str, body: Any = None, extra_headers: Any = None) -> Any:
        headers = {"Client-ID": state["client_id"], "X-Project-ID": state["project_id"]}
        if extra_headers is not None:
            headers.update(extra_headers)
        msg = {"action": action, "headers": headers}
        if body:
            msg["body"] = body
        state["ws"].send(json.dumps(msg))
        data = json.loads(state["ws"].recv())
        if data["headers"]["status"] not in (200, 201, 204):
            raise RuntimeError(data)
        return data

    queue_name = unique("tripleo")
    with steps.step("WebsocketClient: connect, authenticate, queue_create, subscribe"):
        instance = holder["clients"]
        endpoint = instance.get_endpoint_for_service_type("messaging-websocket")
        token = instance.auth.get_token(instance.session)
        state["project_id"] = instance.auth_ref.project_id
        state["client_id"] = str(uuid.uuid4())
        state["ws"] = websocket.create_connection(endpoint, timeout=WAIT)
        send("authenticate", extra_headers={"X-Auth-Token": token})
        send("queue_create", {"queue_name": queue_name})
        send("subscription_create", {"queue_name": queue_name, "ttl": 10000})
    threading.Timer(0.2, workflow_posts, (env, queue_name, {"status": "SUCCESS"})).start()
    with steps.step("WebsocketClient.wait_for_messages: message['body']['payload']"):
        message = within(WAIT, lambda: json.loads(state["ws"].recv()))
        assert message["body"]["payload"] == {"status": "SUCCESS"}, message
    with steps.step("WebsocketClient.cleanup: queue_delete and close"):
        send("queue_delete", {"queue_name": queue_name})
        state["ws"].close()
