"""Passwords inside URLs never reach errors, logs or reprs."""

from __future__ import annotations

import logging

import pytest

from tests.support.loopback import LoopbackServer, Reply
from tests.support.real_zaqar import free_port
from zaqarclient import errors
from zaqarclient.queues.client import Client
from zaqarclient.queues.v2.pool import Pool
from zaqarclient.transport.redaction import redact_body, redact_url

NOAUTH = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "proj"}},
          "retries": 0}


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("http://user:pw@host:8888/v2", "http://user:***@host:8888/v2"),
        ("mongodb://admin:s3cr@t@db:27017/zaqar", "mongodb://admin:***@db:27017/zaqar"),
        ("redis://:only-pass@cache:6379?dbid=2", "redis://:***@cache:6379?dbid=2"),
        ("http://user@host/v2", "http://user@host/v2"),
        ("mailto:ops@example.com", "mailto:ops@example.com"),
        ("http://h/v2?signature=abc&x=1", "http://h/v2?signature=***&x=1"),
    ],
)
def test_redact_url_hides_userinfo_passwords(url: str, safe: str) -> None:
    assert redact_url(url) == safe


def test_redact_body_hides_uri_passwords_in_any_string() -> None:
    body = {"uri": "mongodb://u:hunter2@db", "options": {"x": ["redis://:hunter2@c"]}}
    assert "hunter2" not in repr(redact_body(body))


def test_endpoint_password_stays_out_of_errors_logs_and_repr(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"http://svc:endpoint-pw@127.0.0.1:{free_port()}"
    caplog.set_level(logging.DEBUG, logger="zaqarclient")
    client = Client(url, conf=NOAUTH)
    assert "endpoint-pw" not in repr(client)
    with pytest.raises(errors.ConnectionError) as caught:
        client.queue("q").stats  # noqa: B018
    assert "endpoint-pw" not in str(caught.value)
    assert "endpoint-pw" not in caught.value.url
    assert "REQ GET" in caplog.text and "endpoint-pw" not in caplog.text


def test_pool_uri_password_stays_out_of_debug_bodies_and_repr(
    caplog: pytest.LogCaptureFixture,
) -> None:
    uri = "mongodb://zaqar:pool-pw@db.example:27017"
    with LoopbackServer([Reply(201)]) as srv:
        caplog.set_level(logging.DEBUG, logger="zaqarclient")
        pool = Client(srv.url, conf=NOAUTH).pool("p1", uri=uri, weight=10)
        assert srv.requests[0].json()["uri"] == uri  # sent as given
    assert "pool-pw" not in repr(pool)
    assert "REQ PUT" in caplog.text and "pool-pw" not in caplog.text
    assert isinstance(pool, Pool)
