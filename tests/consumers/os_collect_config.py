"""os-collect-config's Zaqar collector, call for call.

Read from openstack/os-collect-config at 00c74bc8cd63351a1a578e22fa38f55eb5a20d03
(2026-05-05), ``os_collect_config/zaqar.py`` (``Collector.collect``,
``get_data_wsgi``, ``get_data_websocket``, ``_create_req``):

* the conf dict: ``{'auth_opts': {'backend': 'keystone', 'options':
  {'os_auth_token': ks.auth_token, 'os_project_id': ..., 'insecure': not
  ssl_certificate_validation, 'cacert': ca_file}}}``;
* HTTP: ``zaqarclient.queues.v2.client.Client(endpoint, conf=conf, version=2)``,
  ``zaqar.queue(queue_id)`` and ``next(queue.pop()).body``;
* websocket: ``zaqarclient.transport.get_transport_for(endpoint,
  options=conf)`` as a context manager, ``zaqarclient.transport.request.
  Request(endpoint, action, content=json.dumps(body))`` for ``queue_create``,
  ``subscription_create`` (``ttl`` 10000) and ``message_delete_many``
  (``pop`` 1), ``json.loads(resp.content).get('messages', [])`` and, when
  nothing was waiting, ``ws.recv()['body']``;
* ``collect()`` turns any exception into ``ZaqarMetadataNotAvailable``.

The Keystone half (``os_collect_config/keystone.py``: a keystoneclient v3
login with user id, password and project id, then ``service_catalog.url_for
(service_type='messaging' or 'messaging-websocket', endpoint_type=
'publicURL')``) is done with keystoneauth1 against the same Keystone: it is
not zaqarclient's part. Heat's metadata post (``queue.post({'body': md,
'ttl': 3600})``) is made with raw HTTP so it does not depend on the client
under test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from tests.consumers.harness import WAIT, Env, Steps, unique, within, zaqar


class Keystone:
    """What os_collect_config.keystone.Keystone gives the collector: a token and a catalog."""

    def __init__(self, auth_url: str, user_id: str, password: str, project_id: str) -> None:
        from keystoneauth1 import session as ks_session
        from keystoneauth1.identity import v3

        auth = v3.Password(auth_url=auth_url, user_id=user_id, password=password,
                           project_id=project_id)
        self.session = ks_session.Session(auth=auth)
        self.auth_token = self.session.get_token()

    def url_for(self, service_type: str) -> str:
        return str(self.session.get_endpoint(service_type=service_type, interface="public"))


def scenarios(env: Env) -> list[tuple[str, Callable[[Steps], None]]]:
    return [
        ("os-collect-config http", lambda steps: run(env, steps, websocket=False)),
        ("os-collect-config websocket", lambda steps: run(env, steps, websocket=True)),
    ]


def collector_conf(ks: Keystone, project_id: str) -> dict[str, Any]:
    """The conf Collector.collect() builds (ssl_certificate_validation off, no ca_file)."""
    return {
        "auth_opts": {
            "backend": "keystone",
            "options": {
                "os_auth_token": ks.auth_token,
                "os_project_id": project_id,
                "insecure": not False,
                "cacert": None,
            },
        }
    }


def get_data_wsgi(ks: Keystone, conf: dict[str, Any], queue_id: str) -> Any:
    from zaqarclient.queues.v2 import client as zaqarclient

    endpoint = ks.url_for("messaging")
    zaqar_client = zaqarclient.Client(endpoint, conf=conf, version=2)
    queue = zaqar_client.queue(queue_id)
    r = next(queue.pop())
    return r.body


def _create_req(endpoint: str, action: str, body: Any) -> Any:
    from zaqarclient.transport import request

    return request.Request(endpoint, action, content=json.dumps(body))


def get_data_websocket(
    ks: Keystone, conf: dict[str, Any], queue_id: str, subscribed: threading.Event
) -> Any:
    from zaqarclient import transport

    endpoint = ks.url_for("messaging-websocket")
    with transport.get_transport_for(endpoint, options=conf) as ws:
        req = _create_req(endpoint, "queue_create", {"queue_name": queue_id})
        ws.send(req)
        req = _create_req(endpoint, "subscription_create",
                          {"queue_name": queue_id, "ttl": 10000})
        ws.send(req)
        req = _create_req(endpoint, "message_delete_many", {"queue_name": queue_id, "pop": 1})
        resp = ws.send(req)
        messages = json.loads(resp.content).get("messages", [])
        subscribed.set()
        if len(messages) > 0:
            msg_0 = messages[0]
            data = msg_0["body"]
        else:
            data = ws.recv()["body"]
    return data


def run(env: Env, steps: Steps, *, websocket: bool) -> None:
    deployment = env.keystone
    stack_user = env.users["stack_user"]
    project = stack_user["project_id"]
    holder: dict[str, Any] = {}

    with steps.step("Keystone login (user_id, password, project_id) and catalog"):
        holder["ks"] = Keystone(env.keystone_url, stack_user["id"], stack_user["password"],
                                project)

    def heat_posts(queue_id: str, body: Any) -> None:
        zaqar("POST", f"{deployment.http}/v2/queues/{queue_id}/messages",
              {"messages": [{"body": body, "ttl": 3600}]}, project=project,
              token=env.tokens["stack_user"])

    def collect(queue_id: str, subscribed: threading.Event) -> Any:
        ks = holder["ks"]
        conf = collector_conf(ks, project)
        if websocket:
            return get_data_websocket(ks, conf, queue_id, subscribed)
        return get_data_wsgi(ks, conf, queue_id)

    waiting = unique("occ")
    heat_posts(waiting, {"deployments": [{"name": "waiting"}]})
    with steps.step("collect metadata Heat posted before the collector ran"):
        data = within(WAIT, lambda: collect(waiting, threading.Event()))
        assert data == {"deployments": [{"name": "waiting"}]}, data

    if websocket:
        pushed = unique("occ-push")
        subscribed = threading.Event()

        def post_once_subscribed() -> None:
            if subscribed.wait(WAIT):
                heat_posts(pushed, {"deployments": [{"name": "pushed"}]})

        threading.Thread(target=post_once_subscribed, daemon=True).start()
        with steps.step("collect metadata pushed after subscribing (ws.recv())"):
            data = within(WAIT, lambda: collect(pushed, subscribed))
            assert data == {"deployments": [{"name": "pushed"}]}, data
    else:
        with steps.step("an empty queue: next(queue.pop()) raises (collect reports it)"):
            try:
                collect(unique("occ-empty"), threading.Event())
            except Exception:  # collect() turns any Exception into ZaqarMetadataNotAvailable
                pass
            else:
                raise AssertionError("an empty queue gave data")
