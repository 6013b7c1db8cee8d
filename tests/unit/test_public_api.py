"""Pins the public surface python-zaqarclient users depend on (import paths, names, signatures)."""

from __future__ import annotations

import importlib
import inspect

import pytest

from zaqarclient import errors
from zaqarclient.transport import errors as terrors

PEER_SURFACE = {
    "zaqarclient.queues.client": ["Client"],
    "zaqarclient.queues.v2.client": ["Client"],
    "zaqarclient.queues.v2.queues": ["Queue", "create_object"],
    "zaqarclient.queues.v2.message": ["Message", "create_object"],
    "zaqarclient.queues.v2.claim": ["Claim"],
    "zaqarclient.queues.v2.subscription": ["Subscription", "create_object"],
    "zaqarclient.queues.v2.pool": ["Pool", "create_object"],
    "zaqarclient.queues.v2.flavor": ["Flavor", "create_object"],
    "zaqarclient.queues.v2.iterator": ["_Iterator"],
    "zaqarclient.errors": ["ZaqarError", "DriverLoadFailure", "InvalidOperation",
                           "UnsupportedVersion"],
    "zaqarclient.transport.errors": [
        "TransportError", "MalformedRequest", "UnauthorizedError", "ForbiddenError",
        "ResourceNotFound", "ConflictError", "InternalServerError", "ServiceUnavailableError",
    ],
    "zaqarclient.auth": ["get_backend"],
    # The low-level API os-collect-config uses.
    "zaqarclient.transport": ["get_transport", "get_transport_for"],
    "zaqarclient.transport.request": ["Request", "prepare_request"],
    "zaqarclient.transport.response": ["Response"],
    "zaqarclient.transport.base": ["Transport"],
}

PEER_METHODS = {
    "Client": ["transport", "queue", "queues", "follow", "pool", "pools", "flavor", "flavors",
               "subscription", "subscriptions", "ping", "health", "homedoc"],
    "Queue": ["exists", "ensure_exists", "metadata", "delete", "post", "message", "messages",
              "delete_messages", "pop", "signed_url", "subscriptions", "purge", "claim"],
    "Claim": ["delete", "update"],
    "Subscription": ["ensure_exists", "update", "delete"],
    "Pool": ["ensure_exists", "update", "delete", "get"],
    "Flavor": ["ensure_exists", "update", "delete", "get"],
}


@pytest.mark.parametrize("module", sorted(PEER_SURFACE))
def test_peer_import_paths_and_names_exist(module: str) -> None:
    loaded = importlib.import_module(module)
    for name in PEER_SURFACE[module]:
        assert hasattr(loaded, name), f"{module}.{name} is missing"


def test_peer_methods_exist() -> None:
    from zaqarclient.queues.v2 import claim, client, flavor, pool, queues, subscription

    classes = {"Client": client.Client, "Queue": queues.Queue, "Claim": claim.Claim,
               "Subscription": subscription.Subscription, "Pool": pool.Pool,
               "Flavor": flavor.Flavor}
    for class_name, methods in PEER_METHODS.items():
        for method in methods:
            assert callable(getattr(classes[class_name], method)), f"{class_name}.{method}"


def test_constructor_signatures_match_the_peer() -> None:
    from zaqarclient.queues.v2.claim import Claim
    from zaqarclient.queues.v2.client import Client
    from zaqarclient.queues.v2.message import Message
    from zaqarclient.queues.v2.queues import Queue

    def params(obj: object) -> list[str]:
        return [p for p in inspect.signature(obj).parameters if p not in {"kwargs"}]  # type: ignore[arg-type]

    assert params(Client)[:4] == ["url", "version", "conf", "session"]
    assert params(Queue)[:6] == ["client", "name", "href", "metadata", "auto_create",
                                 "force_create"]
    assert params(Message)[:9] == ["queue", "ttl", "age", "body", "href", "id", "claim_id",
                                   "claim_count", "checksum"]
    assert params(Claim) == ["queue", "id", "ttl", "grace", "limit"]
    from zaqarclient.transport.request import LegacyRequest

    assert params(LegacyRequest) == ["endpoint", "operation", "ref", "content", "params",
                                     "headers", "api", "verify", "cert", "session"]


def test_every_http_error_is_a_zaqar_error_with_the_right_status() -> None:
    for status, cls in [(400, terrors.MalformedRequest), (401, terrors.UnauthorizedError),
                        (403, terrors.ForbiddenError), (404, terrors.ResourceNotFound),
                        (409, terrors.ConflictError), (500, terrors.InternalServerError),
                        (503, terrors.ServiceUnavailableError)]:
        assert cls.code == status and terrors.error_class(status) is cls
        assert issubclass(cls, errors.TransportError) and issubclass(cls, errors.ZaqarError)
    assert issubclass(errors.InvalidNameError, ValueError)
    assert issubclass(errors.TimeoutError, errors.ConnectionError)
    assert issubclass(errors.ConnectionError, errors.ZaqarError)


def test_message_tolerates_new_server_fields() -> None:
    from zaqarclient.queues.v2.message import Message

    message = Message(None, ttl=60, age=1, body={}, href="/v2/queues/q/messages/m1?claim_id=c9",  # type: ignore[arg-type]
                      new_field="future")
    assert (message.id, message.claim_id, message.extra) == ("m1", "c9", {"new_field": "future"})


def test_package_ships_type_information() -> None:
    from importlib.resources import files

    assert files("zaqarclient").joinpath("py.typed").is_file()
