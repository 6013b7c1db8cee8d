"""Heat's use of zaqarclient, call for call.

Read from openstack/heat at 526defd06ece8156ede431615fd3c5eb8412714d (2026-08-21):

* ``heat/engine/clients/os/zaqar.py``: ``ZaqarClientPlugin`` (``_create`` with
  the context's keystone session; ``create_for_tenant`` with
  ``{'backend': 'keystone', 'options': {os_auth_token, os_auth_url,
  os_project_id, os_service_type}}`` and an explicit URL;
  ``create_from_signed_url``; ``is_not_found`` on
  ``zaqarclient.transport.errors.ResourceNotFound``; the plugin's
  ``exceptions_module``), and ``ZaqarEventSink.consume``;
* ``heat/engine/clients/client_plugin.py``: ``ignore_not_found`` and
  ``is_client_exception`` (``type(ex) in exceptions_module.__dict__.values()``);
* ``heat/engine/resources/openstack/zaqar/queue.py``: ``OS::Zaqar::Queue``
  (create/update/show/delete, the ``href`` attribute from ``api_url`` and
  ``api_version``) and ``OS::Zaqar::SignedQueueURL``;
* ``heat/engine/resources/openstack/zaqar/subscription.py``:
  ``OS::Zaqar::Subscription`` (``vars(subscription)`` for live data) and
  ``OS::Zaqar::MistralTrigger`` (``trust+`` subscriber, ``post_data`` option);
* ``heat/engine/resources/signal_responder.py``: the ZAQAR_SIGNAL queue
  (``queue.signed_url(['messages'], methods=['GET', 'DELETE'])``,
  ``list(queue.pop())``, delete under ``ignore_not_found``);
* ``heat/engine/service_software_config.py``: metadata ``queue.post({'body':
  md, 'ttl': DEFAULT_TTL})`` and the deployment signal pop through
  ``create_from_signed_url(project, **signed_url_data)``;
* ``heat/engine/resources/server_base.py``: ZAQAR_MESSAGE metadata posts and
  the queue delete.

The guest side (openstack/heat-agents at e1d9131ed7a933f9213c9626cc8b5a9907d0a10e,
``heat-config/bin/heat-config-notify``) imports ``zaqarclient.queues.v1.client``
and posts ``{'body': signal_data, 'ttl': 600}`` with ``version=1.1``.

Two scenarios: Zaqar behind Keystone with real tokens, and a no-auth Zaqar
with Keystone unreachable (Heat hands over a token it already holds; the
endpoint comes from the catalog Heat already has).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib import parse

from tests.consumers.harness import Env, Steps, unique, zaqar

DEFAULT_TTL = 3600


class Context:
    """The slice of Heat's RequestContext the plugin reads."""

    def __init__(self, auth_url: str, token: str, project_id: str) -> None:
        from keystoneauth1 import session as ks_session
        from keystoneauth1.identity import generic

        self.auth_url = auth_url
        self.keystone_session = ks_session.Session(
            auth=generic.Token(auth_url=auth_url, token=token, project_id=project_id)
        )


class ZaqarClientPlugin:
    """heat/engine/clients/os/zaqar.py, with Heat's base-class helpers it relies on."""

    MESSAGING = "messaging"
    DEFAULT_TTL = 3600

    def __init__(self, context: Context, catalog_url: str | None) -> None:
        from zaqarclient.transport import errors as zaqar_errors

        self.exceptions_module = zaqar_errors
        self.context = context
        self._catalog_url = catalog_url
        self._client: Any = None

    def url_for(self, **kwargs: Any) -> str:
        if self._catalog_url is not None:  # the catalog Heat already holds
            return self._catalog_url
        return str(self.context.keystone_session.get_endpoint(
            service_type=kwargs["service_type"], interface="public", region_name="RegionOne"))

    def _create(self) -> Any:
        from zaqarclient.queues.v2 import client as zaqarclient

        return zaqarclient.Client(version=2, session=self.context.keystone_session)

    def client(self) -> Any:
        if self._client is None:
            self._client = self._create()
        return self._client

    def create_for_tenant(self, tenant_id: str, token: str) -> Any:
        from zaqarclient.queues.v2 import client as zaqarclient

        opts = {
            "os_auth_token": token,
            "os_auth_url": self.context.auth_url,
            "os_project_id": tenant_id,
            "os_service_type": self.MESSAGING,
        }
        auth_opts = {"backend": "keystone", "options": opts}
        conf = {"auth_opts": auth_opts}
        endpoint = self.url_for(service_type=self.MESSAGING)
        return zaqarclient.Client(url=endpoint, conf=conf, version=2)

    def create_from_signed_url(
        self, project_id: str, paths: Any, expires: Any, methods: Any, signature: Any
    ) -> Any:
        from zaqarclient.queues.v2 import client as zaqarclient

        opts = {
            "paths": paths,
            "expires": expires,
            "methods": methods,
            "signature": signature,
            "os_project_id": project_id,
        }
        auth_opts = {"backend": "signed-url", "options": opts}
        conf = {"auth_opts": auth_opts}
        endpoint = self.url_for(service_type=self.MESSAGING)
        return zaqarclient.Client(url=endpoint, conf=conf, version=2)

    def is_not_found(self, ex: BaseException) -> bool:
        return isinstance(ex, self.exceptions_module.ResourceNotFound)

    def is_client_exception(self, ex: BaseException) -> bool:
        return type(ex) in self.exceptions_module.__dict__.values()

    @property
    @contextlib.contextmanager
    def ignore_not_found(self) -> Iterator[None]:
        # oslo_utils.excutils.exception_filter: swallow what is_not_found accepts.
        try:
            yield
        except Exception as ex:
            if not self.is_not_found(ex):
                raise


def scenarios(env: Env) -> list[tuple[str, Callable[[Steps], None]]]:
    return [
        ("heat (Keystone)", lambda steps: run(env, steps, keystone=True)),
        ("heat (Keystone unreachable)", lambda steps: run(env, steps, keystone=False)),
    ]


def run(env: Env, steps: Steps, *, keystone: bool) -> None:
    deployment = env.keystone if keystone else env.noauth
    demo, stack_user = env.users["demo"], env.users["stack_user"]
    if keystone:
        auth_url, user_token = env.keystone_url, env.tokens["demo"]
        stack_token = env.tokens["stack_user"]
    else:
        auth_url, user_token, stack_token = env.dead_keystone_url, "held-token", "held-stack"
    context = Context(auth_url, user_token, demo["project_id"])
    plugin = ZaqarClientPlugin(context, None if keystone else deployment.http)
    stack_project = stack_user["project_id"]

    def guest_post(queue_name: str, body: Any) -> None:
        url = f"{deployment.http}/v2/queues/{queue_name}/messages"
        token = stack_token if keystone else None
        zaqar("POST", url, {"messages": [{"body": body, "ttl": 600}]},
              project=stack_project, token=token)

    run_signal_paths(steps, plugin, stack_project, stack_token, guest_post)
    run_resources(steps, plugin, env, deployment)
    run_guest_notify(steps, deployment, stack_project, stack_token)


def run_signal_paths(
    steps: Steps,
    plugin: ZaqarClientPlugin,
    stack_project: str,
    stack_token: str,
    guest_post: Callable[[str, Any], None],
) -> None:
    """signal_responder.py, service_software_config.py and server_base.py."""
    queue_id = unique("heat-signal")
    stored: dict[str, str] = {}

    with steps.step("signal queue: create_for_tenant + queue.signed_url(['messages'])"):
        zaqar_client = plugin.create_for_tenant(stack_project, stack_token)
        queue = zaqar_client.queue(queue_id)
        signed_url_data = queue.signed_url(["messages"], methods=["GET", "DELETE"])
        stored["zaqar_queue_signed_url_data"] = json.dumps(signed_url_data)
        assert signed_url_data["signature"] and signed_url_data["project"] == stack_project

    guest_post(queue_id, {"deploy_status_code": 0, "deploy_stdout": "one"})
    with steps.step("resource signal: list(queue.pop()) gives the guest's signal"):
        zaqar_client = plugin.create_for_tenant(stack_project, stack_token)
        queue = zaqar_client.queue(queue_id)
        messages = list(queue.pop())
        assert [m.body["deploy_stdout"] for m in messages] == ["one"], messages

    guest_post(queue_id, {"deploy_status_code": 0, "deploy_stdout": "two"})
    with steps.step("deployment signal: create_from_signed_url(**data) + queue.pop()"):
        signed_url_data = json.loads(stored["zaqar_queue_signed_url_data"])
        signed_url_data.pop("project")
        zaqar_client = plugin.create_from_signed_url(stack_project, **signed_url_data)
        queue = zaqar_client.queue(queue_id)
        messages = list(queue.pop())
        assert messages and messages[0].body["deploy_stdout"] == "two", messages

    metadata_queue = unique("heat-metadata")
    with steps.step("software config metadata: queue.post({'body': md, 'ttl': DEFAULT_TTL})"):
        zaqar_client = plugin.create_for_tenant(stack_project, stack_token)
        queue = zaqar_client.queue(metadata_queue)
        queue.post({"body": {"deployments": [{"id": "d1"}]}, "ttl": plugin.DEFAULT_TTL})

    with steps.step("signal queue delete under ignore_not_found"):
        zaqar_client = plugin.create_for_tenant(stack_project, stack_token)
        with plugin.ignore_not_found:
            zaqar_client.queue(queue_id).delete()

    with steps.step("server metadata queue delete, twice, under ignore_not_found"):
        zaqar_client = plugin.create_for_tenant(stack_project, stack_token)
        for _ in range(2):
            with plugin.ignore_not_found:
                zaqar_client.queue(metadata_queue).delete()

    with steps.step("is_not_found / is_client_exception on a missing message"):
        zaqar_client = plugin.create_for_tenant(stack_project, stack_token)
        try:
            zaqar_client.queue(queue_id).message("0123456789abcdef01234567")
        except Exception as ex:
            assert plugin.is_not_found(ex), repr(ex)
            assert plugin.is_client_exception(ex), repr(ex)
        else:
            raise AssertionError("a missing message was found")


def run_resources(steps: Steps, plugin: ZaqarClientPlugin, env: Env, deployment: Any) -> None:
    """The OS::Zaqar::* resources and the event sink, on the context's session client."""
    name = unique("heat-queue")
    metadata = {"ttl": 600, "owner": "stack"}

    with steps.step("OS::Zaqar::Queue create: queue(auto_create=False).metadata(new_meta)"):
        queue = plugin.client().queue(name, auto_create=False)
        queue.metadata(new_meta=metadata)

    with steps.step("OS::Zaqar::Queue href attribute from api_url and api_version"):
        client = plugin.client()
        href = "%s/v%s/queues/%s" % (  # noqa: UP031 - Heat's own expression
            client.api_url.rstrip("/"), client.api_version, parse.quote(name))
        assert href == f"{deployment.http}/v2/queues/{name}", href

    with steps.step("OS::Zaqar::Queue show: queue.metadata()"):
        queue = plugin.client().queue(name, auto_create=False)
        shown = queue.metadata()
        assert {k: shown[k] for k in metadata} == metadata, shown

    with steps.step("OS::Zaqar::Queue update: queue.metadata(new_meta=...)"):
        queue = plugin.client().queue(name, auto_create=False)
        queue.metadata(new_meta={"ttl": 900})
        assert plugin.client().queue(name, auto_create=False).metadata()["ttl"] == 900

    with steps.step("OS::Zaqar::Queue delete under ignore_not_found"), plugin.ignore_not_found:
        plugin.client().queue(name, auto_create=False).delete()

    with steps.step("OS::Zaqar::SignedQueueURL: queue(q).signed_url(None, None, None)"):
        signed_url = plugin.client().queue(name).signed_url(
            paths=None, methods=None, ttl_seconds=None)
        query = parse.urlencode({
            "signature": signed_url["signature"], "expires": signed_url["expires"],
            "paths": ",".join(signed_url["paths"]), "methods": ",".join(signed_url["methods"]),
            "project_id": signed_url["project"], "queue_name": name,
        })
        assert signed_url["methods"] == ["GET"] and "signature=" in query

    subscription_id: dict[str, str] = {}
    data = {"subscriber": "http://heat.example/hook", "ttl": 3600, "options": {"a": 1}}
    with steps.step("OS::Zaqar::Subscription create: subscription(queue, **data).id"):
        subscription = plugin.client().subscription(name, **data)
        subscription_id["id"] = subscription.id
        assert subscription.id

    def get_subscription() -> Any:
        return plugin.client().subscription(name, id=subscription_id.get("id"),
                                            auto_create=False)

    with steps.step("OS::Zaqar::Subscription show: vars(subscription)"):
        live = vars(get_subscription())
        assert all(key in live for key in ("queue_name", "subscriber", "ttl", "options")), live

    with steps.step("OS::Zaqar::Subscription update: subscription.update(data)"):
        get_subscription().update({**data, "ttl": 7200, "options": {"b": 2}})
        (found,) = [s for s in plugin.client().subscriptions(name)
                    if s.id == subscription_id["id"]]
        assert found.ttl == 7200 and found.options == {"b": 2}

    name_ = "OS::Zaqar::Subscription delete under ignore_not_found"
    with steps.step(name_), plugin.ignore_not_found:
        get_subscription().delete()

    trigger: dict[str, str] = {}
    post_data = {"workflow_id": "wf-1", "params": {"env": {"notification": "$zaqar_message$"}},
                 "input": {}}
    with steps.step("OS::Zaqar::MistralTrigger create: trust+ subscriber with post_data"):
        subscription = plugin.client().subscription(
            name, subscriber=f"trust+{env.mistral_url}/executions",
            ttl=220367260800, options={"post_data": json.dumps(post_data)})
        trigger["id"] = subscription.id
        assert subscription.id

    name_ = "OS::Zaqar::MistralTrigger delete under ignore_not_found"
    with steps.step(name_), plugin.ignore_not_found:
        plugin.client().subscription(name, id=trigger.get("id"), auto_create=False).delete()

    with steps.step("ZaqarEventSink.consume: queue(target, auto_create=False).post(...)"):
        zaqar_client = plugin.client()
        queue = zaqar_client.queue(unique("heat-events"), auto_create=False)
        queue.post({"body": {"resource_status": "CREATE_COMPLETE"}, "ttl": plugin.DEFAULT_TTL})


def run_guest_notify(steps: Steps, deployment: Any, project: str, token: str) -> None:
    """heat-agents' heat-config-notify posting the deployment signal."""
    with steps.step("heat-config-notify: zaqarclient.queues.v1 client, version=1.1, post"):
        from zaqarclient.queues.v1 import client as zaqarclient

        conf = {"auth_opts": {"backend": "keystone", "options": {
            "os_auth_token": token, "os_project_id": project}}}
        cli = zaqarclient.Client(deployment.http, conf=conf, version=1.1)
        queue = cli.queue(unique("heat-deploy"))
        queue.post({"body": {"deploy_status_code": 0}, "ttl": 600})
