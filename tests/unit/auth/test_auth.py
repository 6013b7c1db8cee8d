"""Auth backends against real loopback servers (a mini Keystone and a scripted Zaqar)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import generic

from tests.support.keystone import MiniKeystone, password_conf, zaqar_accepting
from tests.support.loopback import LoopbackServer, Recorded, Reply
from zaqarclient import errors
from zaqarclient.auth import get_backend
from zaqarclient.auth import signed_url as signer
from zaqarclient.queues.client import Client
from zaqarclient.transport import errors as terrors

STATS = {"messages": {"claimed": 0, "free": 0, "total": 0}}


def test_noauth_sends_project_and_roles_but_invents_nothing() -> None:
    backend = get_backend("noauth", {"os_project_id": "p1", "roles": ["admin", "member"]})
    assert backend.headers() == {"X-Project-ID": "p1", "X-Roles": "admin,member"}
    assert get_backend("noauth", {}).headers() == {}


def test_unknown_backend_is_a_configuration_error() -> None:
    with pytest.raises(errors.ConfigurationError, match="Unknown auth backend 'kerberos'"):
        get_backend("kerberos", {})


def test_client_without_conf_is_noauth_not_a_keystone_failure() -> None:
    with LoopbackServer([Reply(200, STATS)]) as srv:
        Client(srv.url).queue("q").stats  # noqa: B018
        assert "X-Auth-Token" not in srv.requests[0].headers
        assert "X-Project-ID" not in srv.requests[0].headers


def test_keystone_password_gets_one_token_for_many_calls() -> None:
    with MiniKeystone() as keystone, zaqar_accepting(keystone) as zaqar:
        client = Client(zaqar.url, conf=password_conf(keystone))
        for _ in range(5):
            assert client.queue("q").stats == STATS
        assert keystone.issued == 1
        tokens = {r.headers["X-Auth-Token"] for r in zaqar.requests}
        assert len(tokens) == 1


def test_keystone_reauthenticates_once_on_401() -> None:
    with MiniKeystone() as keystone, zaqar_accepting(keystone) as zaqar:
        client = Client(zaqar.url, conf=password_conf(keystone))
        client.queue("q").stats  # noqa: B018
        keystone.revoke_all()
        assert client.queue("q").stats == STATS
        assert keystone.issued == 2
        first, rejected, resent = (r.headers["X-Auth-Token"] for r in zaqar.requests)
        assert first == rejected != resent
        assert resent in keystone.valid_tokens


def test_keystone_401_after_reauth_is_raised() -> None:
    def always_401(_: Recorded) -> Reply:
        return Reply(401, {"error": {"code": 401, "title": "Unauthorized", "message": "no"}})

    with MiniKeystone() as keystone, LoopbackServer(always_401) as zaqar:
        client = Client(zaqar.url, conf=password_conf(keystone))
        with pytest.raises(terrors.UnauthorizedError):
            client.queue("q").stats  # noqa: B018
        assert len(zaqar.requests) == 2
        assert keystone.issued == 2


def test_keystone_endpoint_comes_from_the_catalog_with_a_user_session() -> None:
    with LoopbackServer([Reply(200, STATS)]) as zaqar, \
            MiniKeystone(messaging_url=zaqar.url) as keystone:
        auth = generic.Password(auth_url=keystone.url, username="demo",
                                password="secret-password", project_name="demo",
                                user_domain_name="Default", project_domain_name="Default")
        session = ks_session.Session(auth=auth)
        client = Client(session=session)
        assert client.api_url == zaqar.url
        client.queue("q").stats  # noqa: B018
        assert zaqar.requests[0].headers["X-Auth-Token"] in keystone.valid_tokens


def test_keystone_without_auth_url_explains_the_alternatives() -> None:
    client = Client("http://127.0.0.1:1", conf={"auth_opts": {"options": {"os_username": "u"}}})
    with pytest.raises(errors.ConfigurationError, match="'noauth'"):
        client.queue("q").stats  # noqa: B018


def test_keystone_token_with_endpoint_is_used_as_is() -> None:
    conf = {"auth_opts": {"backend": "keystone", "options": {"os_auth_token": "static-tok"}}}
    with LoopbackServer([Reply(200, STATS)]) as zaqar:
        Client(zaqar.url, conf=conf).queue("q").stats  # noqa: B018
        assert zaqar.requests[0].headers["X-Auth-Token"] == "static-tok"


def test_wrong_password_is_an_unauthorized_error_without_the_password() -> None:
    with MiniKeystone() as keystone:
        client = Client("http://127.0.0.1:1", conf=password_conf(keystone, "wrong-pw-123"))
        with pytest.raises(Exception) as caught:
            client.queue("q").stats  # noqa: B018
        assert "wrong-pw-123" not in str(caught.value)


@pytest.mark.parametrize(
    ("key", "paths", "methods", "project", "expires", "expected"),
    [
        ("secret", ["/v2/queues/q/messages"], ["GET"], "p", "2030-01-01T00:00:00",
         "75e8eb995184cfed9aeca9a314497da9b9976b13105df69560fe425b171a2f28"),
        ("secret", ["/v2/queues/q/messages"], ["POST", "GET"], None, "2030-01-01T00:00:00",
         "c3c5827e2fbff8ca68c8e167627ff945666f6bf949da8d63b0c2e23d3dce0400"),
        ("test_secret", ["/v2/queues/src/claims", "/v2/queues/src/messages"], ["GET", "POST"],
         "proj1", "2099-01-01T00:00:00",
         "f9446a6f9ff7452bdce7e32d090f2cd1d55821a6a21de833637c4087a2a6dfa8"),
    ],
)
def test_signature_matches_zaqar_vectors(
    key: str, paths: list[str], methods: list[str], project: str | None, expires: str,
    expected: str,
) -> None:
    assert signer.signature(key, paths, methods, project, expires) == expected


def test_local_sign_and_verify_round_trip() -> None:
    doc = signer.sign("k", "src", paths=["messages", "claims"], methods=["POST", "GET"],
                      project="proj1", expires=datetime(2099, 1, 1, tzinfo=UTC))
    assert doc.paths == ("/v2/queues/src/claims", "/v2/queues/src/messages")
    assert doc.expires == "2099-01-01T00:00:00"
    assert signer.verify("k", paths=doc.paths, methods=doc.methods, project="proj1",
                         expires=doc.expires, signature_value=doc.signature)
    assert not signer.verify("k", paths=doc.paths, methods=doc.methods, project="other",
                             expires=doc.expires, signature_value=doc.signature)
    past = signer.sign("k", "src", project="proj1",
                       expires=datetime.now(UTC) - timedelta(seconds=1))
    assert not signer.verify("k", paths=past.paths, methods=past.methods, project="proj1",
                             expires=past.expires, signature_value=past.signature)
    with pytest.raises(errors.ConfigurationError, match="Invalid paths"):
        signer.sign("k", "src", paths=["queues"], project="proj1")


def test_signed_url_backend_takes_the_share_document_as_is() -> None:
    doc = signer.sign("k", "q", methods=["GET", "POST"], project="p9").as_dict()
    with LoopbackServer([Reply(200, STATS)]) as zaqar:
        Client(zaqar.url, conf={"auth_opts": {"backend": "signed-url", "options": doc}}) \
            .queue("q").stats  # noqa: B018
        headers = zaqar.requests[0].headers
    assert headers["URL-Signature"] == doc["signature"]
    assert headers["URL-Methods"] == "GET,POST"
    assert headers["URL-Paths"] == "/v2/queues/q/messages"
    assert headers["URL-Expires"] == doc["expires"]
    assert headers["X-Project-ID"] == "p9"


def test_signed_url_backend_names_missing_options() -> None:
    with pytest.raises(errors.ConfigurationError, match="missing: signature, expires"):
        get_backend("signed-url", {"methods": ["GET"], "paths": ["/x"]})


def test_tls_options_apply_to_every_backend() -> None:
    signed = signer.sign("k", "q", project="p").as_dict()
    for name, opts in [("noauth", {}), ("signed-url", signed)]:
        backend = get_backend(name, {**opts, "insecure": True})
        assert backend.tls.verify is False
        backend = get_backend(name, {**opts, "os_cacert": "/ca.pem", "cert": "/c.pem",
                                     "key": "/k.pem"})
        assert backend.tls.verify == "/ca.pem"
        assert backend.tls.cert == ("/c.pem", "/k.pem")
    with pytest.raises(errors.ConfigurationError, match="'key' needs 'cert'"):
        get_backend("noauth", {"key": "/k.pem"})
