"""mistral-extra's Zaqar actions and their generator, call for call.

Read from openstack/mistral-extra at 792adda4966cfabd3b382282d9234ab2ece0de0d
(2026-07-17):

* ``mistral_extra/actions/openstack/actions.py``: ``ZaqarAction`` imports
  ``zaqarclient.queues.client`` and builds ``Client(version=2, url=endpoint,
  session=session)``; ``_get_fake_client()`` is ``Client(version=2)`` (no URL,
  no session: the generator only reads the action signatures); the actions
  are the static methods ``queue_messages(client, queue_name, **params)``,
  ``queue_post(client, queue_name, messages)``, ``queue_pop(client,
  queue_name, count=1)``, ``claim_messages(client, queue_name, **params)`` and
  ``delete_messages(client, queue_name, messages)``;
* ``mistral_extra/actions/openstack/action_generator/base.py``:
  ``create_actions`` calls ``get_fake_client_method()`` for every entry of the
  ``zaqar`` section of ``mapping.json`` and drops the action when it raises;
* ``mistral_extra/actions/openstack/base.py``: ``run()`` calls the method
  and lists a generator result;
* ``mistral_extra/actions/openstack/utils/keystone.py``:
  ``get_session_and_auth`` gives ``ks_session.Session(auth=Token(endpoint=
  auth_uri, token=ctx.auth_token), verify=...)`` (keystoneauth1's
  ``token_endpoint.Token``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from tests.consumers.harness import Env, Steps, unique

#: mapping.json's "zaqar" section.
MAPPING = {
    "claim_messages": "claim_messages",
    "delete_messages": "delete_messages",
    "queue_messages": "queue_messages",
    "queue_post": "queue_post",
    "queue_pop": "queue_pop",
}


class ZaqarAction:
    """The parts of ZaqarAction the generator and run() use."""

    client_method_name = ""

    @classmethod
    def _get_client_class(cls) -> Any:
        from zaqarclient.queues import client as zaqarclient

        return zaqarclient.Client

    @classmethod
    def _get_fake_client(cls) -> Any:
        return cls._get_client_class()(version=2)

    @classmethod
    def get_fake_client_method(cls) -> Callable[..., Any]:
        return cls._get_client_method(cls._get_fake_client())

    @classmethod
    def _get_client_method(cls, client: Any) -> Callable[..., Any]:
        method = getattr(cls, cls.client_method_name)

        @functools.wraps(method)
        def wrap(*args: Any, **kwargs: Any) -> Any:
            return method(client, *args, **kwargs)

        arguments = ", ".join(str(p) for p in inspect.signature(method).parameters.values())
        wrap.__arguments__ = arguments.split(", ", 1)[1]  # type: ignore[attr-defined]
        return wrap

    @staticmethod
    def queue_messages(client: Any, queue_name: str, **params: Any) -> Any:
        queue = client.queue(queue_name)
        return queue.messages(**params)

    @staticmethod
    def queue_post(client: Any, queue_name: str, messages: Any) -> Any:
        queue = client.queue(queue_name)
        return queue.post(messages)

    @staticmethod
    def queue_pop(client: Any, queue_name: str, count: int = 1) -> Any:
        queue = client.queue(queue_name)
        return queue.pop(count)

    @staticmethod
    def claim_messages(client: Any, queue_name: str, **params: Any) -> Any:
        queue = client.queue(queue_name)
        return queue.claim(**params)

    @staticmethod
    def delete_messages(client: Any, queue_name: str, messages: Any) -> Any:
        queue = client.queue(queue_name)
        return queue.delete_messages(*messages)


def action_class(method_name: str) -> type[ZaqarAction]:
    return type(method_name, (ZaqarAction,), {"client_method_name": method_name})


def scenarios(env: Env) -> list[tuple[str, Callable[[Steps], None]]]:
    return [("mistral zaqar actions", lambda steps: run(env, steps))]


def run(env: Env, steps: Steps) -> None:
    for action_name, method_name in MAPPING.items():
        with steps.step(f"generator lists zaqar.{action_name}"):
            method = action_class(method_name).get_fake_client_method()
            assert method.__arguments__.startswith("queue_name")  # type: ignore[attr-defined]

    from keystoneauth1 import session as ks_session
    from keystoneauth1.token_endpoint import Token

    deployment = env.keystone
    holder: dict[str, Any] = {}
    with steps.step("ZaqarAction._create_client(version=2, url, session)"):
        session = ks_session.Session(
            auth=Token(endpoint=env.keystone_url, token=env.tokens["demo"]), verify=True)
        holder["client"] = ZaqarAction._get_client_class()(
            version=2, url=deployment.http, session=session)
    queue_name = unique("mistral")

    def run_action(name: str, **kwargs: Any) -> Any:
        method = action_class(name)._get_client_method(holder["client"])
        result = method(**kwargs)
        if inspect.isgenerator(result):
            return [v for v in result]
        return result

    with steps.step("zaqar.queue_post"):
        result = run_action("queue_post", queue_name=queue_name,
                            messages=[{"body": {"n": n}, "ttl": 300} for n in range(4)])
        assert len(result["resources"]) == 4
    with steps.step("zaqar.queue_messages(echo=True)"):
        bodies = [m.body for m in run_action("queue_messages", queue_name=queue_name,
                                             echo=True)]
        assert bodies == [{"n": n} for n in range(4)], bodies
    with steps.step("zaqar.claim_messages(ttl, grace, limit)"):
        claim = run_action("claim_messages", queue_name=queue_name, ttl=60, grace=60, limit=1)
        claimed = list(claim)
        assert [m.body for m in claimed] == [{"n": 0}]
        holder["claimed"] = claimed
    with steps.step("zaqar.delete_messages(ids)"):
        ids = [m.id for m in run_action("queue_messages", queue_name=queue_name, echo=True)]
        run_action("delete_messages", queue_name=queue_name, messages=ids[:1])
        left = [m.body for m in run_action("queue_messages", queue_name=queue_name, echo=True)]
        assert left == [{"n": 2}, {"n": 3}], left
    with steps.step("zaqar.queue_pop(count=2)"):
        popped = [m.body for m in run_action("queue_pop", queue_name=queue_name, count=2)]
        assert popped == [{"n": 2}, {"n": 3}], popped
