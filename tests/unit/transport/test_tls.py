"""TLS options (verify, CA bundle, client certificate, insecure) over HTTPS on loopback."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.support.loopback import LoopbackServer, Reply
from zaqarclient import errors
from zaqarclient.queues.client import Client

STATS = {"messages": {"claimed": 0, "free": 0, "total": 0}}


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_server(ca: trustme.CA, tmp_path: Path) -> Iterator[tuple[LoopbackServer, Path]]:
    """An HTTPS server on loopback that requires a client certificate signed by ``ca``."""
    server_cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_OPTIONAL
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    with LoopbackServer([Reply(200, STATS)], tls=context) as server:
        yield server, bundle


def conf(**options: object) -> dict[str, object]:
    return {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "p", **options}},
            "retries": 0}


def test_unknown_ca_is_refused_with_a_tls_error(https_server: tuple[LoopbackServer, Path]) -> None:
    server, _ = https_server
    with pytest.raises(errors.ConnectionError, match="TLS error"):
        Client(server.url, conf=conf()).queue("q").stats  # noqa: B018


def test_ca_bundle_is_trusted(https_server: tuple[LoopbackServer, Path]) -> None:
    server, bundle = https_server
    assert Client(server.url, conf=conf(cacert=str(bundle))).queue("q").stats == STATS


def test_insecure_skips_verification(https_server: tuple[LoopbackServer, Path]) -> None:
    server, _ = https_server
    assert Client(server.url, conf=conf(insecure=True)).queue("q").stats == STATS


def test_client_certificate_is_presented(
    https_server: tuple[LoopbackServer, Path], ca: trustme.CA, tmp_path: Path
) -> None:
    server, bundle = https_server
    client_cert = ca.issue_cert("zaqar-client@example.com")
    cert, key = tmp_path / "client.pem", tmp_path / "client.key"
    client_cert.cert_chain_pems[0].write_to_path(str(cert))
    client_cert.private_key_pem.write_to_path(str(key))
    options = conf(cacert=str(bundle), cert=str(cert), key=str(key))
    Client(server.url, conf=options).queue("q").stats  # noqa: B018
    assert server.peer_certs[-1] is not None
    Client(server.url, conf=conf(cacert=str(bundle))).queue("q").stats  # noqa: B018
    assert server.peer_certs[-1] is None
