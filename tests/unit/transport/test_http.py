"""The HTTP transport over a real loopback server: URLs, headers, retries, errors."""

from __future__ import annotations

import logging

import pytest

from tests.support.loopback import LoopbackServer, Reply
from zaqarclient import errors
from zaqarclient.queues.client import Client
from zaqarclient.transport import errors as terrors
from zaqarclient.transport.http import encode_query, parse_timeout
from zaqarclient.transport.retry import RetryPolicy

NOAUTH = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "proj"}}}


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make_client(url: str, sleeps: Sleeps | None = None, **conf: object) -> Client:
    policy = RetryPolicy(sleep=sleeps or Sleeps(), jitter=False)
    return Client(url, version=2, conf={**NOAUTH, "retries": policy, **conf})


def test_encode_query_joins_lists_with_literal_commas() -> None:
    assert encode_query({"ids": ["a", "b,c"], "echo": True, "skip": None}) == (
        "ids=a,b%2Cc&echo=true"
    )
    assert encode_query({"marker": "a b/c", "limit": 5}) == "marker=a%20b%2Fc&limit=5"


def test_parse_timeout_accepts_seconds_and_pairs_and_rejects_junk() -> None:
    assert parse_timeout(3) == 3.0
    assert parse_timeout((1, 2)) == (1.0, 2.0)
    for bad in (0, -1, "x", (1,), True):
        with pytest.raises(errors.ConfigurationError):
            parse_timeout(bad)


def test_requests_carry_client_id_project_and_paths() -> None:
    with LoopbackServer([Reply(200, {"messages": [], "links": []})]) as srv:
        client = Client(srv.url + "/v2/", conf={**NOAUTH, "client_uuid": "abc123"})
        list(client.queue("q.1").messages(echo=True, limit=3))
        request = srv.requests[0]
        assert request.path == "/v2/queues/q.1/messages?echo=true&limit=3"
        assert request.headers["Client-ID"] == "abc123"
        assert request.headers["X-Project-ID"] == "proj"
        assert "Content-Type" not in request.headers


def test_ids_are_sent_with_literal_commas() -> None:
    body = {"messages": [{"id": "a", "href": "/v2/queues/q/messages/a", "ttl": 60, "age": 0,
                          "body": 1}]}
    with LoopbackServer([Reply(200, body)]) as srv:
        found = list(make_client(srv.url).queue("q").messages("a", "b"))
        assert srv.requests[0].path == "/v2/queues/q/messages?ids=a,b"
        assert [m.id for m in found] == ["a"]


def test_every_error_status_raises_its_class_with_details() -> None:
    cases = {
        400: terrors.MalformedRequest, 401: terrors.UnauthorizedError,
        403: terrors.ForbiddenError, 404: terrors.ResourceNotFound,
        405: terrors.MethodNotAllowed, 406: terrors.NotAcceptable, 409: terrors.ConflictError,
        410: terrors.GoneError, 413: terrors.PayloadTooLarge, 415: terrors.UnsupportedMediaType,
        418: errors.ClientError, 429: terrors.TooManyRequests,
        500: terrors.InternalServerError, 502: terrors.BadGateway,
        503: terrors.ServiceUnavailableError, 504: terrors.GatewayTimeout,
        599: errors.ServerError,
    }
    for status, cls in cases.items():
        reply = Reply(status, {"title": "T", "description": "D"},
                      {"x-openstack-request-id": f"req-{status}"})
        with LoopbackServer([reply]) as srv:
            client = make_client(srv.url, retries=0)
            with pytest.raises(cls) as caught:
                client.queue("q").stats  # noqa: B018
        err = caught.value
        assert isinstance(err, errors.TransportError)
        assert (err.status, err.title, err.description) == (status, "T", "D")
        assert err.method == "GET" and err.url.endswith("/v2/queues/q/stats")
        assert str(err).startswith(f"[req-{status}] {status} T: D")


def test_redirects_are_errors_not_success() -> None:
    with LoopbackServer([Reply(302, None, {"Location": "/elsewhere"})]) as srv, \
            pytest.raises(terrors.UnexpectedResponse):
        make_client(srv.url).queue("q").stats  # noqa: B018


def test_non_json_error_body_becomes_the_description() -> None:
    with LoopbackServer([Reply(502, "<html>Bad gateway</html>")]) as srv:
        with pytest.raises(terrors.BadGateway) as caught:
            make_client(srv.url, retries=0).queue("q").stats  # noqa: B018
        assert caught.value.description == "<html>Bad gateway</html>"


def test_keystonemiddleware_error_shape_is_understood() -> None:
    body = {"error": {"code": 401, "title": "Unauthorized", "message": "Authenticate first."}}
    with LoopbackServer([Reply(401, body)]) as srv:
        with pytest.raises(terrors.UnauthorizedError) as caught:
            make_client(srv.url).queue("q").stats  # noqa: B018
        assert caught.value.title == "Unauthorized"
        assert caught.value.description == "Authenticate first."


def test_idempotent_requests_retry_on_503_with_backoff() -> None:
    sleeps = Sleeps()
    replies = [Reply(503), Reply(502), Reply(200, {"messages": {"free": 0}})]
    with LoopbackServer(replies) as srv:
        stats = make_client(srv.url, sleeps).queue("q").stats
        assert stats == {"messages": {"free": 0}}
        assert len(srv.requests) == 3
    assert sleeps.calls == [0.5, 1.0]


def test_retries_stop_after_the_limit_and_raise() -> None:
    sleeps = Sleeps()
    with LoopbackServer([Reply(504)]) as srv:
        with pytest.raises(terrors.GatewayTimeout):
            make_client(srv.url, sleeps).queue("q").stats  # noqa: B018
        assert len(srv.requests) == 4
    assert sleeps.calls == [0.5, 1.0, 2.0]


def test_retry_after_header_is_honoured() -> None:
    sleeps = Sleeps()
    replies = [Reply(429, None, {"Retry-After": "7"}), Reply(200, {"messages": {}})]
    with LoopbackServer(replies) as srv:
        make_client(srv.url, sleeps).queue("q").stats  # noqa: B018
    assert sleeps.calls == [7.0]


def test_message_post_is_not_retried_unless_asked() -> None:
    created = Reply(201, {"resources": ["/v2/queues/q/messages/1"]})
    with LoopbackServer([Reply(503), created]) as srv:
        with pytest.raises(terrors.ServiceUnavailableError):
            make_client(srv.url).queue("q").post({"body": 1})
        assert len(srv.requests) == 1
    with LoopbackServer([Reply(503), created]) as srv:
        result = make_client(srv.url).queue("q").post({"body": 1}, retry=True)
        assert result["resources"] == ["/v2/queues/q/messages/1"]
        assert len(srv.requests) == 2


def test_claims_and_pops_are_not_retried() -> None:
    with LoopbackServer([Reply(503)]) as srv:
        queue = make_client(srv.url).queue("q")
        with pytest.raises(terrors.ServiceUnavailableError):
            queue.claim(limit=2)
        with pytest.raises(terrors.ServiceUnavailableError):
            list(queue.pop(2))
        assert len(srv.requests) == 2


def test_connection_refused_is_a_typed_error_after_retries() -> None:
    with LoopbackServer([Reply(200)]) as srv:
        url = srv.url
    sleeps = Sleeps()
    client = make_client(url, sleeps)
    with pytest.raises(errors.ConnectionError) as caught:
        client.queue("q").stats  # noqa: B018
    assert "Cannot connect" in str(caught.value)
    assert len(sleeps.calls) == 3
    # Never sent, so even a message post may be retried safely.
    sleeps.calls.clear()
    with pytest.raises(errors.ConnectionError):
        client.queue("q").post({"body": 1})
    assert len(sleeps.calls) == 3
    assert client.ping() is False


def test_read_timeout_is_a_typed_timeout_error() -> None:
    import threading

    release = threading.Event()

    def slow(_: object) -> Reply:
        release.wait(2)
        return Reply(200, {})

    with LoopbackServer(slow) as srv:
        client = make_client(srv.url, timeout=(1, 0.05), retries=0)
        with pytest.raises(errors.TimeoutError) as caught:
            client.queue("q").stats  # noqa: B018
        release.set()
    assert isinstance(caught.value, errors.ConnectionError)
    assert "read timeout" in str(caught.value)


def test_ping_raises_unexpected_errors_instead_of_hiding_them() -> None:
    with LoopbackServer([Reply(400, {"title": "Missing header value"})]) as srv, \
            pytest.raises(terrors.MalformedRequest):
        make_client(srv.url).ping()
    with LoopbackServer([Reply(503)]) as srv:
        assert make_client(srv.url, retries=0).ping() is False
    with LoopbackServer([Reply(204)]) as srv:
        assert make_client(srv.url).ping() is True


def test_one_connection_is_reused_across_calls() -> None:
    with LoopbackServer([Reply(200, {"messages": {}})]) as srv:
        client = make_client(srv.url)
        for _ in range(5):
            client.queue("q").stats  # noqa: B018
        ports = {r.client_port for r in srv.requests}
        assert len(srv.requests) == 5
        assert len(ports) == 1, "every call should reuse the one keep-alive connection"


def test_debug_log_redacts_tokens_and_signatures(caplog: pytest.LogCaptureFixture) -> None:
    conf = {"auth_opts": {"backend": "signed-url", "options": {
        "signature": "deadbeefsecret", "expires": "2099-01-01T00:00:00",
        "methods": ["GET"], "paths": ["/v2/queues/q/messages"], "project": "p"}}}
    share = {"signature": "anothersecret", "paths": [], "methods": [], "project": "p",
             "expires": "x"}
    with LoopbackServer([Reply(200, share)]) as srv:
        caplog.set_level(logging.DEBUG, logger="zaqarclient")
        client = Client(srv.url, conf=conf)
        client.queue("q").signed_url()
        assert srv.requests[0].headers["URL-Signature"] == "deadbeefsecret"
    text = caplog.text
    assert "REQ POST" in text and "RESP POST" in text
    assert "deadbeefsecret" not in text and "anothersecret" not in text
    assert "***" in text


def test_environment_proxy_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """An HTTP proxy from the environment receives absolute-URI requests."""
    with LoopbackServer([Reply(200, {"messages": {}})]) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "")
        client = make_client("http://zaqar.example:8888")
        client.queue("q").stats  # noqa: B018
        assert proxy.requests[0].path == "http://zaqar.example:8888/v2/queues/q/stats"


def test_non_json_body_on_a_success_status_is_a_typed_error() -> None:
    page = Reply(200, "<html>Please log in to the proxy</html>",
                 {"x-openstack-request-id": "req-html-1", "Content-Type": "text/html"})
    with LoopbackServer([page]) as srv, pytest.raises(terrors.InvalidResponseBody) as caught:
        make_client(srv.url, retries=0).queue("q").stats  # noqa: B018
    error = caught.value
    assert isinstance(error, errors.ZaqarError)
    assert error.status == 200
    assert error.request_id == "req-html-1"
    assert "queue_get_stats answered 200" in str(error)
    assert "Please log in" in str(error)
