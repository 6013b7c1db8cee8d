"""Keystone authenticate, 4003 expiry, signed URLs, timeouts, drops, TLS, log redaction.

These run against :class:`FakeZaqar`: the real server in the test harness is
no-auth, and its drops cannot be triggered from outside.
"""

from __future__ import annotations

import logging
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ws.fake_server import PROJECT, TOKEN, FakeZaqar
from tests.ws.helpers import make_client, ws
from zaqarclient.errors import ConnectionError, TimeoutError
from zaqarclient.queues.v2.client import Client
from zaqarclient.transport.errors import UnauthorizedError
from zaqarclient.transport.request import Request

pytest.importorskip("websockets")

KEYSTONE = {"backend": "keystone", "options": {"os_auth_token": TOKEN, "project_id": PROJECT}}
NOAUTH = {"backend": "noauth", "options": {"os_project_id": PROJECT}}


@pytest.fixture
def fake() -> Iterator[FakeZaqar]:
    with FakeZaqar(mute=("queue_get",)) as server:
        yield server


def _client(url: str, auth: dict[str, Any], **conf: Any) -> Client:
    conf.setdefault("timeout", 5)
    return make_client(url, {"auth_opts": auth, **conf})


def test_keystone_authenticates_first_and_keeps_the_token_out_of_envelopes(
    fake: FakeZaqar,
) -> None:
    client = _client(fake.url, KEYSTONE)
    assert client.ping()
    auth, listing = fake.frames
    assert auth == {
        "action": "authenticate",
        "headers": {"X-Auth-Token": TOKEN, "X-Project-ID": PROJECT},
    }
    assert listing["action"] == "queue_list"
    assert listing["headers"]["X-Project-ID"] == PROJECT
    assert "X-Auth-Token" not in listing["headers"]
    client.close()


def test_bad_token_is_unauthorized(fake: FakeZaqar) -> None:
    bad = {"backend": "keystone", "options": {"os_auth_token": "nope", "project_id": PROJECT}}
    client = _client(fake.url, bad)
    with pytest.raises(UnauthorizedError) as info:
        client.ping()
    assert info.value.description == "Authentication failed."


def test_expiry_close_4003_reauthenticates_on_next_use(fake: FakeZaqar) -> None:
    client = _client(fake.url, KEYSTONE)
    client.ping()
    first = ws(client).connection()
    fake.close_all(4003, "Authentication expired.")
    first._reader.join(2)
    assert (first.close_code, first.close_reason) == (4003, "Authentication expired.")
    assert client.ping()
    assert fake.actions() == ["authenticate", "queue_list", "authenticate", "queue_list"]
    client.close()


def test_noauth_never_authenticates(fake: FakeZaqar) -> None:
    fake.keystone = False
    client = _client(fake.url, NOAUTH)
    client.ping()
    assert fake.actions() == ["queue_list"]
    client.close()


def test_signed_url_headers_are_json_arrays_in_the_envelope(fake: FakeZaqar) -> None:
    signed = {
        "backend": "signed-url",
        "options": {
            "signature": "abc",
            "expires": "2099-01-01T00:00:00",
            "methods": ["GET", "POST"],
            "paths": ["/v2/queues/q/messages"],
            "project": PROJECT,
        },
    }
    client = _client(fake.url, signed)
    list(client.queue("q", auto_create=False).messages())
    (frame,) = fake.frames
    assert frame["action"] == "message_list"
    assert frame["headers"]["URL-Methods"] == ["GET", "POST"]
    assert frame["headers"]["URL-Paths"] == ["/v2/queues/q/messages"]
    assert frame["headers"]["URL-Signature"] == "abc"
    client.close()


def test_unanswered_request_times_out_and_the_connection_survives(fake: FakeZaqar) -> None:
    fake.keystone = False
    client = _client(fake.url, NOAUTH, timeout=0.3)
    with pytest.raises(TimeoutError, match="queue_get"):
        client.queue("q", auto_create=False).metadata()
    assert client.ping()
    assert ws(client).connected
    client.close()


def test_server_close_fails_waiting_calls_then_reconnects(fake: FakeZaqar) -> None:
    fake.keystone = False
    client = _client(fake.url, NOAUTH, timeout=10)
    client.ping()
    errors: list[BaseException] = []

    def waiting() -> None:
        try:
            client.call(Request("queue_get", {"queue_name": "q"}, retry=False))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=waiting)
    thread.start()
    while fake.actions().count("queue_get") < 1:
        threading.Event().wait(0.01)
    fake.close_all(1001, "going away")
    thread.join(5)
    assert len(errors) == 1 and isinstance(errors[0], ConnectionError)
    assert not isinstance(errors[0], TimeoutError)
    assert "1001" in str(errors[0])
    assert client.ping()
    client.close()


def test_text_frame_that_is_not_utf8_drops_the_connection(fake: FakeZaqar) -> None:
    fake.keystone = False
    client = _client(fake.url, NOAUTH, timeout=10)
    client.ping()
    errors: list[BaseException] = []

    def waiting() -> None:
        try:
            client.call(Request("queue_get", {"queue_name": "q"}, retry=False))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=waiting)
    thread.start()
    while fake.actions().count("queue_get") < 1:
        threading.Event().wait(0.01)
    fake.connections[-1].send(b'{"request": "\xff"}', text=True)
    thread.join(5)
    assert len(errors) == 1 and isinstance(errors[0], ConnectionError)
    assert "text frame was not UTF-8" in str(errors[0])
    assert client.ping()
    client.close()


def test_connection_refused_is_connection_error() -> None:
    client = _client("ws://127.0.0.1:9", NOAUTH)
    assert client.ping() is False
    with pytest.raises(ConnectionError, match="Cannot connect"):
        client.list_queues()


def test_debug_log_redacts_the_token(fake: FakeZaqar, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="zaqarclient")
    client = _client(fake.url, KEYSTONE)
    client.ping()
    text = caplog.text
    assert "WS SEND" in text and "WS RECV" in text
    assert TOKEN not in text
    assert "***" in text
    client.close()


# -- wss ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    crt, key = folder / "server.crt", folder / "server.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(crt)],
        check=True, capture_output=True,
    )  # fmt: skip
    return crt, key


def _tls_server(cert: tuple[Path, Path], client_ca: Path | None = None) -> FakeZaqar:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*cert)
    if client_ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(client_ca)
    return FakeZaqar(keystone=False, tls=context)


def test_wss_with_ca_bundle(cert: tuple[Path, Path]) -> None:
    with _tls_server(cert) as fake:
        auth = {"backend": "noauth", "options": {"project_id": PROJECT, "cacert": str(cert[0])}}
        client = _client(fake.url, auth)
        assert client.ping()
        client.close()


def test_wss_verify_off_and_default_verify_fails(cert: tuple[Path, Path]) -> None:
    with _tls_server(cert) as fake:
        insecure = {"backend": "noauth", "options": {"project_id": PROJECT, "insecure": True}}
        client = _client(fake.url, insecure)
        assert client.ping()
        client.close()
        strict = _client(fake.url, NOAUTH)
        with pytest.raises(ConnectionError, match="TLS"):
            strict.list_queues()


def test_wss_client_certificate(cert: tuple[Path, Path]) -> None:
    with _tls_server(cert, client_ca=cert[0]) as fake:
        options = {
            "project_id": PROJECT,
            "cacert": str(cert[0]),
            "cert": str(cert[0]),
            "key": str(cert[1]),
        }
        client = _client(fake.url, {"backend": "noauth", "options": options})
        assert client.ping()
        client.close()
