"""Service endpoints, errors with context, signed URLs and subscriptions through the SDK."""

from __future__ import annotations

import pytest

from tests.conftest import Backend
from zaqarclient.auth import signed_url as signer
from zaqarclient.queues.client import Client as make_client
from zaqarclient.queues.v2.client import Client
from zaqarclient.transport import errors as terrors


def test_ping_homedoc_versions(client: Client) -> None:
    assert client.ping() is True
    rels = client.homedoc()["resources"]
    assert rels["rel/queues"]["href-template"] == "/v2/queues{?marker,limit,detailed}"
    assert "2" in [v["id"] for v in client.versions()]


def test_health_needs_the_admin_role(client: Client, admin_client: Client) -> None:
    with pytest.raises(terrors.ForbiddenError) as caught:
        client.health()
    assert caught.value.description == "You are not authorized to complete this action."
    # A pooled Zaqar (devstack) reports its catalogue; real Zaqar 23.0.1 set up so agrees.
    assert "catalog_reachable" in admin_client.health()


def test_missing_project_is_a_clear_error(backend: Backend) -> None:
    anonymous = make_client(backend.url, version=2, conf={"auth_opts": {"backend": "noauth"}})
    with pytest.raises(terrors.MalformedRequest) as caught:
        anonymous.queue("q").stats  # noqa: B018
    assert caught.value.title == "Project-Id Missing"


def test_signed_url_from_server_drives_a_second_client(backend: Backend, client: Client) -> None:
    queue = client.queue("shared")
    queue.post({"body": "before"})
    doc = queue.signed_url(paths=["messages"], methods=["GET", "POST"], ttl_seconds=600)
    assert doc["paths"] == ["/v2/queues/shared/messages"]
    assert doc["methods"] == ["GET", "POST"]
    guest = make_client(
        backend.url, version=2, conf={"auth_opts": {"backend": "signed-url", "options": doc}}
    )
    guest.queue("shared").post({"body": "from guest"})
    bodies = [m.body for m in guest.queue("shared").messages(echo=True)]
    assert bodies == ["before", "from guest"]
    with pytest.raises(terrors.ResourceNotFound):  # DELETE was not signed: Zaqar says 404
        guest.queue("shared").delete_messages("x")


def test_locally_signed_url_is_accepted(backend: Backend, client: Client, project: str) -> None:
    client.queue("local").post({"body": 1})
    doc = signer.sign(backend.signed_url_key, "local", methods=["GET"], project=project)
    guest = make_client(
        backend.url,
        version=2,
        conf={"auth_opts": {"backend": "signed-url", "options": doc.as_dict()}},
    )
    assert [m.body for m in guest.queue("local").messages(echo=True)] == [1]
    forged = signer.sign("wrong-key", "local", methods=["GET"], project=project)
    intruder = make_client(
        backend.url,
        version=2,
        conf={"auth_opts": {"backend": "signed-url", "options": forged.as_dict()}},
    )
    with pytest.raises(terrors.ResourceNotFound):
        list(intruder.queue("local").messages(echo=True))


def test_subscription_create_duplicate_update_delete(client: Client) -> None:
    sub = client.subscription(
        "subq", subscriber="http://127.0.0.1:9/hook", ttl=3600, options={"k": "v"}
    )
    assert sub.id and sub.subscriber == "http://127.0.0.1:9/hook"
    assert sub.options == {"k": "v"} and sub.confirmed is False
    again = client.subscription("subq", subscriber="http://127.0.0.1:9/hook", ttl=600)
    assert again.id == sub.id
    sub.update({"ttl": 7200, "options": {"x": 1}})
    fetched = client.subscription("subq", id=sub.id)
    assert (fetched.ttl, fetched.options) == (7200, {"x": 1})
    listed = list(client.subscriptions("subq"))
    assert [s.id for s in listed] == [sub.id]
    assert [s.id for s in client.queue("subq").subscriptions()] == [sub.id]
    sub.delete()
    assert list(client.subscriptions("subq")) == []


def test_subscription_validation_error(client: Client) -> None:
    with pytest.raises(terrors.MalformedRequest, match="subscriber type"):
        client.subscription("subq2", subscriber="ftp://example.com", ttl=3600)
