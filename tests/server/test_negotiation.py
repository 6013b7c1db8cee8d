"""falcon's content negotiation, unit by unit: the Accept check and error encodings."""

from __future__ import annotations

import json

import pytest

from zaqarclient.server.negotiation import (
    accepts_json,
    add_default_type,
    error_media,
    error_response,
    escape,
)
from zaqarclient.server.protocol import JSON_CT, HTTPError, ServerResponse


@pytest.mark.parametrize(("accept", "ok"), [
    (None, True), ("", True), ("*/*", True), ("application/json", True),
    ("application/*", True), ("*", True), ("text/html, application/json;q=0.1", True),
    ("application/json; charset=utf-8", True),
    ("text/html", False), ("APPLICATION/JSON", False),  # types compare case-sensitively
    ("application/json;q=0", False), ("application/json;q=2", False),  # q out of range
    ("application/json;q=x", False), ("garbage", False),  # malformed: the header is unusable
    ("application/json, garbage", False),
])
def test_accepts_json(accept: str | None, ok: bool) -> None:
    assert accepts_json(accept) is ok


@pytest.mark.parametrize(("accept", "media"), [
    (None, JSON_CT), ("", JSON_CT), ("*/*", JSON_CT), ("application/json", JSON_CT),
    ("application/json, application/xml", JSON_CT),  # a tie goes to JSON
    ("application/json;q=0.5, application/xml", "application/xml"),
    ("text/xml", "text/xml"), ("text/*", "text/xml"), ("application/xml", "application/xml"),
    ("application/vnd.x+json", JSON_CT), ("application/vnd.x+xml", "application/xml"),
    ("text/html", None), ("garbage", None),
])
def test_error_media(accept: str | None, media: str | None) -> None:
    assert error_media(accept) == media


def test_escape() -> None:
    assert escape("a<b>&c\"'") == "a&lt;b&gt;&amp;c\"'"


ERR = HTTPError(400, "Bad <title>", "a & b", headers=[("allow", "GET")],
                extra={"link": {"text": "t", "href": "h<", "rel": "help"}})


def test_an_error_in_json() -> None:
    resp = error_response(ERR, "application/json")
    assert resp.status == 400
    assert resp.headers == [("content-type", JSON_CT), ("allow", "GET"), ("vary", "Accept")]
    assert json.loads(resp.body) == {
        "title": "Bad <title>", "description": "a & b",
        "link": {"text": "t", "href": "h<", "rel": "help"},
    }


def test_an_error_in_xml() -> None:
    resp = error_response(ERR, "application/xml")
    assert resp.header("content-type") == "application/xml"
    assert resp.body == (
        b'<?xml version="1.0" encoding="UTF-8"?><error><title>Bad &lt;title&gt;</title>'
        b"<description>a &amp; b</description>"
        b"<link><text>t</text><href>h&lt;</href><rel>help</rel></link></error>"
    )


def test_an_error_nobody_accepts_has_no_body_but_the_default_type() -> None:
    resp = error_response(HTTPError(404, "404 Not Found"), "text/html")
    assert (resp.body, resp.header("content-type")) == (b"", JSON_CT)


def test_an_error_without_description_in_xml() -> None:
    body = error_response(HTTPError(404, "404 Not Found"), "text/xml").body
    assert body.endswith(b"<error><title>404 Not Found</title></error>")


@pytest.mark.parametrize(("status", "headers", "expected"), [
    (200, [], [("content-type", JSON_CT)]),
    (201, [("location", "/x")], [("content-type", JSON_CT), ("location", "/x")]),
    (200, [("content-type", "text/plain")], [("content-type", "text/plain")]),
    (204, [], []), (304, [], []),
])
def test_add_default_type(
    status: int, headers: list[tuple[str, str]], expected: list[tuple[str, str]]
) -> None:
    resp = ServerResponse(status, list(headers))
    add_default_type(resp)
    assert resp.headers == expected
