"""Signed URLs as pure functions: signing, path coverage, and checking a request's headers."""

from __future__ import annotations

import datetime
import hashlib
import hmac

import pytest

from zaqarclient.server import signing
from zaqarclient.server.protocol import ServerRequest

KEY = "secret"
NOW = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC).timestamp()
EXPIRES = "2030-01-02T00:00:00"


def test_sign_matches_zaqars_formula() -> None:
    doc = signing.sign(KEY, ["/v2/queues/q/messages", "/v2/queues/a/claims"], project="p",
                       methods=["POST", "GET"], expires=EXPIRES, now=NOW)
    body = "/v2/queues/a/claims,/v2/queues/q/messages\\nGET,POST\\np\\n" + EXPIRES
    assert doc == {
        "paths": ["/v2/queues/a/claims", "/v2/queues/q/messages"], "methods": ["GET", "POST"],
        "project": "p", "expires": EXPIRES,
        "signature": hmac.new(b"secret", body.encode(), hashlib.sha256).hexdigest(),
    }


def test_sign_defaults_to_get_for_a_day() -> None:
    doc = signing.sign(KEY, ["/p"], now=NOW)
    assert (doc["methods"], doc["expires"], doc["project"]) == (["GET"], EXPIRES, None)


@pytest.mark.parametrize(("key", "paths", "methods", "expires", "text"), [
    (None, ["/p"], None, None, "The `key` can't be None"),
    (KEY, [], None, None, "`paths` must be a non-empty list"),
    (KEY, "/p", None, None, "`paths` must be a non-empty list"),
    (KEY, ["/p"], "GET", None, "`methods` should be a list"),
    (KEY, ["/p"], None, 5, "`expires` should be date format, for example 2016-01-01T00:00:00, "
                           "not integer value: 5"),
    (KEY, ["/p"], None, "tomorrow", "Unable to parse date string 'tomorrow'"),
    (KEY, ["/p"], None, "2029-12-31T00:00:00", "`expires` is lower than the current time"),
])
def test_sign_refuses(
    key: str | None, paths: object, methods: object, expires: object, text: str
) -> None:
    with pytest.raises(ValueError) as caught:
        signing.sign(key, paths, methods=methods, expires=expires, now=NOW)  # type: ignore[arg-type]
    assert str(caught.value) == text


def test_expires_in_any_zone_is_utc() -> None:
    assert signing.sign(KEY, ["/p"], expires="2030-01-02T02:00:00+02:00", now=NOW)[
        "expires"] == EXPIRES
    assert signing.sign(KEY, ["/p"], expires="2030-01-02T00:00:00Z", now=NOW)["expires"] == EXPIRES


@pytest.mark.parametrize(("path", "ok"), [
    ("/v2/queues/q/messages", True), ("/v2/queues/q/messages/", True),
    ("/v2/queues/q/messages/id", True), ("/v2/queues/q/messagesX", False),
    ("/v2/queues/q", False), ("/v2/queues/qq/messages", False),
])
def test_authorizes_whole_segments(path: str, ok: bool) -> None:
    assert signing.authorizes(["/v2/queues/q/messages"], path) is ok
    assert signing.authorizes(["", "/v2/queues/q/messages"], path) is ok  # "" covers nothing


def test_a_dot_is_literal() -> None:
    assert not signing.authorizes(["/v2/queues/a.b/messages"], "/v2/queues/aXb/messages")


def _request(method: str = "GET", **changes: str) -> ServerRequest:
    doc = signing.sign(KEY, ["/v2/queues/q/messages"], project="p", methods=["GET"],
                       expires=EXPIRES, now=NOW)
    headers = {"url-signature": doc["signature"], "url-methods": "GET",
               "url-paths": "/v2/queues/q/messages", "url-expires": EXPIRES, **changes}
    return ServerRequest(method, "/v2/queues/q/messages", "", headers)


def test_verify_request() -> None:
    path = "/v2/queues/q/messages"
    assert signing.verify_request(KEY, NOW, _request(), path, "p")
    assert not signing.verify_request(None, NOW, _request(), path, "p")  # no key: never
    assert not signing.verify_request("other", NOW, _request(), path, "p")
    assert not signing.verify_request(KEY, NOW, _request(), path, "q")  # another project
    assert not signing.verify_request(KEY, NOW, _request("POST"), path, "p")
    assert not signing.verify_request(KEY, NOW, _request(), "/v2/queues/q/claims", "p")
    assert not signing.verify_request(KEY, NOW + 86400, _request(), path, "p")  # expired
    assert not signing.verify_request(KEY, NOW, _request(**{"url-expires": "x"}), path, "p")
    assert not signing.verify_request(
        KEY, NOW, _request(**{"url-paths": "/v2/queues/q"}), path, "p")  # paths are signed
    assert not signing.verify_request(
        KEY, NOW, _request(**{"url-signature": "é"}), path, "p")


def test_same_signature_takes_any_text() -> None:
    assert signing.same_signature("ab", "ab")
    assert not signing.same_signature("ab", "\udcff")
    assert not signing.same_signature("ab", None)
