"""Aodh's ``zaqar://`` and ``trust+zaqar://`` alarm notifiers, call for call.

Read from openstack/aodh at a52eaa00527eb71b50d5b5301bad8dcab84fb3c2
(2026-08-20; ``aodh/notifier/zaqar.py`` last changed in a26354b4):

* ``ZaqarAlarmNotifier.get_zaqar_client``: ``from zaqarclient.queues import
  client``; ``Client(self._get_endpoint(), version=2, conf=conf)``; failures are
  logged, so the caller gets ``None``;
* the pre-signed path (``zaqar://?queue_name=&project_id=&paths=&methods=&
  expires=&signature=``, e.g. from Heat's ``OS::Zaqar::SignedQueueURL``
  ``query_str``): ``{'backend': 'signed-url', 'options': {signature, expires,
  methods (split), paths (split), os_project_id}}``, ``queue(queue_name)``,
  ``queue.post({'body': ...})``;
* the service-credential path (``zaqar://?topic=&subscriber=&ttl=``):
  ``{'backend': 'keystone', 'options': {os_username, os_password,
  os_project_name, os_auth_url, 'insecure': ''}}`` (no domains), then
  ``queue("<alarm id>-<topic>")``, ``client.subscription(queue_name,
  subscriber=..., ttl=...)`` per subscriber and ``queue.post(message)``;
* ``TrustZaqarAlarmNotifier``: ``{'backend': 'keystone', 'options':
  {'os_auth_token': headers['X-Auth-Token']}}``, ``queue(queue_name).post``.
  The token comes from ``aodh/notifier/trust.py`` / ``aodh/keystone_client.py``
  ``get_trusted_session`` (aodh's service user, password and ``trust_id``).
* ``_get_endpoint`` finds Zaqar with keystoneclient ``services.find(type=
  'messaging')`` and ``endpoints.find(service_id, region_id, interface)``;
  that Keystone half is done here with keystoneauth1 against the same API.

``notify_zaqar`` swallows every exception (``LOG.exception``), so each step
checks the queue afterwards, with raw HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib import parse as urlparse

from tests.consumers.harness import Env, Steps, unique, zaqar


def scenarios(env: Env) -> list[tuple[str, Callable[[Steps], None]]]:
    return [("aodh zaqar notifier", lambda steps: run(env, steps))]


def find_endpoint(env: Env) -> str:
    """_get_endpoint: services.find(type='messaging') then endpoints.find(...)."""
    from keystoneauth1 import session as ks_session
    from keystoneauth1.identity import v3

    aodh = env.users["aodh"]
    session = ks_session.Session(auth=v3.Password(
        auth_url=env.keystone_url, username=aodh["name"], password=aodh["password"],
        user_domain_id="default", project_name=aodh["project_name"],
        project_domain_id="default"))
    services = session.get(f"{env.keystone_url}/services?type=messaging").json()["services"]
    endpoints = session.get(
        f"{env.keystone_url}/endpoints?service_id={services[0]['id']}"
        "&region_id=RegionOne&interface=public").json()["endpoints"]
    return str(endpoints[0]["url"])


class ZaqarAlarmNotifier:
    """aodh/notifier/zaqar.py, minus logging."""

    def __init__(self, env: Env, endpoint: str | None) -> None:
        self.env = env
        self._zendpoint = endpoint
        self._zclient: Any = None
        self.errors: list[str] = []

    def _get_endpoint(self) -> str | None:
        return self._zendpoint

    def _get_client_conf(self) -> dict[str, Any]:
        aodh = self.env.users["aodh"]
        return {
            "auth_opts": {
                "backend": "keystone",
                "options": {
                    "os_username": aodh["name"],
                    "os_password": aodh["password"],
                    "os_project_name": aodh["project_name"],
                    "os_auth_url": self.env.keystone_url,
                    "insecure": "",
                },
            }
        }

    def get_zaqar_client(self, conf: dict[str, Any]) -> Any:
        try:
            from zaqarclient.queues import client as zaqar_client

            return zaqar_client.Client(self._get_endpoint(), version=2, conf=conf)
        except Exception as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return None

    def _get_presigned_client_conf(self, queue_info: dict[str, list[str]]) -> Any:
        queue_name = queue_info.get("queue_name", [""])[0]
        if not queue_name:
            return None, None
        signature = queue_info.get("signature", [""])[0]
        expires = queue_info.get("expires", [""])[0]
        paths = queue_info.get("paths", [""])[0].split(",")
        methods = queue_info.get("methods", [""])[0].split(",")
        project_id = queue_info.get("project_id", [""])[0]
        conf = {
            "auth_opts": {
                "backend": "signed-url",
                "options": {
                    "signature": signature,
                    "expires": expires,
                    "methods": methods,
                    "paths": paths,
                    "os_project_id": project_id,
                },
            }
        }
        return conf, queue_name

    @property
    def client(self) -> Any:
        if self._zclient is None:
            self._zclient = self.get_zaqar_client(self._get_client_conf())
        return self._zclient

    def notify_zaqar(self, action: Any, message: dict[str, Any]) -> None:
        queue_info = urlparse.parse_qs(action.query)
        try:
            conf, queue_name = self._get_presigned_client_conf(queue_info)
            if conf is None:  # noqa: SIM108 - Aodh's own code
                zaqar_client = self.client
            else:
                zaqar_client = self.get_zaqar_client(conf)
            if queue_name is None:
                queue_name = "{}-{}".format(message["body"]["alarm_id"],
                                            queue_info.get("topic")[-1])  # type: ignore[index]
            queue = zaqar_client.queue(queue_name)
            subscriber_list = queue_info.get("subscriber", [])
            ttl = int(queue_info.get("ttl", ["3600"])[-1])
            for subscriber in subscriber_list:
                subscription_data = dict(subscriber=subscriber, ttl=ttl)
                zaqar_client.subscription(queue_name, **subscription_data)
            queue.post(message)
        except Exception as exc:  # LOG.exception("Unknown error occurred; ...")
            self.errors.append(f"{type(exc).__name__}: {exc}")


class TrustZaqarAlarmNotifier(ZaqarAlarmNotifier):
    def _trust_conf(self, auth_token: str) -> dict[str, Any]:
        return {"auth_opts": {"backend": "keystone", "options": {"os_auth_token": auth_token}}}

    def notify_trust(self, action: Any, message: dict[str, Any], headers: dict[str, str]) -> None:
        queue_info = urlparse.parse_qs(action.query)
        try:
            queue_name = queue_info.get("queue_name")[-1]  # type: ignore[index]
        except IndexError:
            return
        try:
            conf = self._trust_conf(headers["X-Auth-Token"])
            client = self.get_zaqar_client(conf)
            queue = client.queue(queue_name)
            queue.post(message)
        except Exception as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")


def alarm_message(alarm_id: str) -> dict[str, Any]:
    body = {"alarm_name": "cpu_high", "alarm_id": alarm_id, "severity": "low",
            "previous": "ok", "current": "alarm", "reason": "threshold", "reason_data": {}}
    return dict(body=body)


def run(env: Env, steps: Steps) -> None:
    deployment = env.keystone
    demo = env.users["demo"]
    endpoint: dict[str, str] = {}

    def messages_in(queue_name: str, project: str, token: str) -> list[Any]:
        url = f"{deployment.http}/v2/queues/{queue_name}/messages?echo=true"
        listing = zaqar("GET", url, project=project, token=token) or {}
        return [m["body"] for m in listing.get("messages", [])]

    with steps.step("_get_endpoint: messaging endpoint from Keystone"):
        endpoint["url"] = find_endpoint(env)
        assert endpoint["url"] == deployment.http

    # A pre-signed queue URL as Heat's OS::Zaqar::SignedQueueURL would hand it over.
    alarm_queue = unique("alarms")
    signed = zaqar("POST", f"{deployment.http}/v2/queues/{alarm_queue}/share",
                   {"methods": ["POST"]}, project=demo["project_id"], token=env.tokens["demo"])
    query = urlparse.urlencode({
        "signature": signed["signature"], "expires": signed["expires"],
        "paths": ",".join(signed["paths"]), "methods": ",".join(signed["methods"]),
        "project_id": signed["project"], "queue_name": alarm_queue,
    })
    notifier = ZaqarAlarmNotifier(env, endpoint.get("url"))
    with steps.step("zaqar://?<signed URL>: signed-url client posts the alarm"):
        notifier.notify_zaqar(urlparse.urlsplit("zaqar://?" + query), alarm_message("a-1"))
        assert not notifier.errors, notifier.errors
        bodies = messages_in(alarm_queue, demo["project_id"], env.tokens["demo"])
        assert [b["alarm_id"] for b in bodies] == ["a-1"], bodies

    aodh = env.users["aodh"]
    notifier = ZaqarAlarmNotifier(env, endpoint.get("url"))
    topic = unique("topic")
    subscriber = urlparse.quote("mailto://ops@example.com")
    action = urlparse.urlsplit(f"zaqar://?topic={topic}&subscriber={subscriber}&ttl=3600")
    with steps.step("zaqar://?topic=: service credentials (no domain) subscribe and post"):
        notifier.notify_zaqar(action, alarm_message("a-2"))
        assert not notifier.errors, notifier.errors
        bodies = messages_in(f"a-2-{topic}", aodh["project_id"], env.tokens["aodh"])
        assert [b["alarm_id"] for b in bodies] == ["a-2"], bodies

    trust_queue = unique("trusted")
    headers: dict[str, str] = {}
    with steps.step("trust+zaqar://: trust-scoped token from Keystone (aodh's trust.py)"):
        headers["X-Auth-Token"] = trusted_token(env)
    notifier = TrustZaqarAlarmNotifier(env, endpoint.get("url"))
    with steps.step("trust+zaqar://?queue_name=: token client posts to the user's queue"):
        notifier.notify_trust(urlparse.urlsplit(f"zaqar://?queue_name={trust_queue}"),
                              alarm_message("a-3"), headers)
        assert not notifier.errors, notifier.errors
        bodies = messages_in(trust_queue, demo["project_id"], env.tokens["demo"])
        assert [b["alarm_id"] for b in bodies] == ["a-3"], bodies


def trusted_token(env: Env) -> str:
    """The user delegates to aodh (a trust), aodh logs in with it: get_trusted_session."""
    from keystoneauth1 import session as ks_session
    from keystoneauth1.identity import v3

    demo, aodh = env.users["demo"], env.users["aodh"]
    user = ks_session.Session(auth=v3.Token(auth_url=env.keystone_url,
                                            token=env.tokens["demo"],
                                            project_id=demo["project_id"]))
    trust = user.post(f"{env.keystone_url}/OS-TRUST/trusts", json={"trust": {
        "trustor_user_id": demo["id"], "trustee_user_id": aodh["id"],
        "project_id": demo["project_id"], "impersonation": True,
        "roles": [{"name": "member"}]}}).json()["trust"]
    session = ks_session.Session(auth=v3.Password(
        username=aodh["name"], password=aodh["password"], auth_url=env.keystone_url,
        user_domain_id="default", trust_id=trust["id"]))
    return str(session.get_auth_headers()["X-Auth-Token"])
