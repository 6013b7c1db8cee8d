"""The keystone backend: given tokens used as given, lazy sessions, typed failures."""

from __future__ import annotations

import pytest
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import generic

from tests.support.keystone import MiniKeystone
from tests.support.loopback import LoopbackServer, Reply
from tests.support.real_zaqar import free_port
from zaqarclient import errors
from zaqarclient.queues.client import Client
from zaqarclient.queues.v2 import client as v2_client

STATS = {"messages": {"claimed": 0, "free": 0, "total": 0}}


def heat_conf(auth_url: str, token: str = "heat-held-token") -> dict[str, object]:
    """What Heat's ZaqarClientPlugin.create_for_tenant passes."""
    return {"auth_opts": {"backend": "keystone", "options": {
        "os_auth_token": token, "os_auth_url": auth_url,
        "os_project_id": "tenant-1", "os_service_type": "messaging"}}}


def test_given_token_with_url_never_contacts_keystone() -> None:
    with MiniKeystone() as keystone, LoopbackServer([Reply(200, STATS)]) as zaqar:
        client = v2_client.Client(url=zaqar.url, conf=heat_conf(keystone.url), version=2)
        for _ in range(3):
            assert client.queue("signals").stats == STATS
        assert keystone.server.requests == []
    headers = zaqar.requests[0].headers
    assert headers["X-Auth-Token"] == "heat-held-token"
    assert headers["X-Project-ID"] == "tenant-1"


def test_given_token_works_with_keystone_unreachable() -> None:
    dead = f"http://127.0.0.1:{free_port()}/v3"
    with LoopbackServer([Reply(201, {"resources": ["/v2/queues/q/messages/1"]})]) as zaqar:
        client = v2_client.Client(url=zaqar.url, conf=heat_conf(dead), version=2)
        client.queue("q").post({"body": {"status": "ok"}, "ttl": 3600})
    assert zaqar.requests[0].headers["X-Auth-Token"] == "heat-held-token"


def test_client_without_url_or_session_can_be_built_and_says_so_on_first_request() -> None:
    client = Client(version=2)  # Mistral's action generator does exactly this
    assert callable(client.queue("q").messages)
    assert "catalog" in repr(client)
    with pytest.raises(errors.ConfigurationError, match="No Zaqar URL"):
        client.queue("q").post({"body": 1})


def test_keystone_options_without_auth_url_fail_at_the_first_request() -> None:
    client = Client("http://127.0.0.1:1", conf={"auth_opts": {"options": {"os_username": "u"}}})
    with pytest.raises(errors.ConfigurationError, match="auth_url"):
        client.queue("q").stats  # noqa: B018


def test_session_catalog_is_read_on_first_use_not_at_construction() -> None:
    with LoopbackServer([Reply(200, STATS)]) as zaqar, \
            MiniKeystone(messaging_url=zaqar.url) as keystone:
        auth = generic.Password(auth_url=keystone.url, username="demo",
                                password="secret-password", project_name="demo",
                                user_domain_name="Default", project_domain_name="Default")
        client = Client(version=2, session=ks_session.Session(auth=auth))
        assert keystone.server.requests == []
        assert client.queue("q").stats == STATS
        assert client.api_url == zaqar.url


def test_unreachable_keystone_is_identity_unavailable() -> None:
    dead = f"http://127.0.0.1:{free_port()}/v3"
    conf = {"auth_opts": {"backend": "keystone", "options": {
        "os_auth_url": dead, "os_username": "demo", "os_password": "pw-in-conf",
        "os_project_name": "demo", "os_user_domain_name": "Default",
        "os_project_domain_name": "Default"}}}
    client = Client("http://127.0.0.1:1", conf=conf)
    with pytest.raises(errors.IdentityUnavailable) as caught:
        client.queue("q").stats  # noqa: B018
    assert isinstance(caught.value, errors.ConnectionError)
    assert isinstance(caught.value, errors.AuthenticationError)
    assert "pw-in-conf" not in str(caught.value)


def test_refused_password_is_an_authentication_error_with_keystones_status() -> None:
    with MiniKeystone() as keystone:
        conf = {"auth_opts": {"backend": "keystone", "options": {
            "os_auth_url": keystone.url, "os_username": "demo", "os_password": "wrong-pw",
            "os_project_name": "demo", "os_user_domain_name": "Default",
            "os_project_domain_name": "Default"}}}
        client = Client("http://127.0.0.1:1", conf=conf)
        with pytest.raises(errors.AuthenticationError) as caught:
            client.queue("q").stats  # noqa: B018
    assert caught.value.status == 401
    assert "wrong-pw" not in str(caught.value)


def test_given_token_without_url_is_still_sent_as_given() -> None:
    # The catalog is read through the caller's session; the token is the given one.
    with LoopbackServer([Reply(200, STATS)]) as zaqar, \
            MiniKeystone(messaging_url=zaqar.url) as keystone:
        auth = generic.Password(auth_url=keystone.url, username="demo",
                                password="secret-password", project_name="demo",
                                user_domain_name="Default", project_domain_name="Default")
        conf = {"auth_opts": {"backend": "keystone", "options": {"os_auth_token": "given"}}}
        client = Client(version=2, conf=conf, session=ks_session.Session(auth=auth))
        assert client.queue("q").stats == STATS
        assert zaqar.requests[0].headers["X-Auth-Token"] == "given"
