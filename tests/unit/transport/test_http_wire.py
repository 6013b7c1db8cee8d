"""The HTTP wire's pure helpers: query encoding, created ids, next links, markers."""

from __future__ import annotations

import pytest

from zaqarclient.transport.http_wire import created_ids, encode_query, marker_of, next_href


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ""),
        ({"limit": 5}, "limit=5"),
        ({"a": None, "b": 1}, "b=1"),
        ({"echo": True, "detailed": False}, "echo=true&detailed=false"),
        ({"ids": ["a", "b"]}, "ids=a,b"),
        ({"ids": ("a,b", "c")}, "ids=a%2Cb,c"),
        ({"ids": []}, "ids="),
        ({"marker": "a b/c"}, "marker=a%20b%2Fc"),
        ({"k y": "v"}, "k%20y=v"),
        ({"n": 1.5}, "n=1.5"),
    ],
)
def test_encode_query(params: dict[str, object], expected: str) -> None:
    assert encode_query(params) == expected


def test_encode_query_joins_sets_with_literal_commas() -> None:
    assert sorted(encode_query({"ids": {"x", "y"}})[4:].split(",")) == ["x", "y"]


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (None, ()),
        ("", ()),
        ("/v2/queues/q/messages?ids=1,2,,3", ("1", "2", "3")),
        ("/v2/queues/q/claims/abc", ("abc",)),
        ("/v2/queues/q/claims/abc/", ("abc",)),
        ("http://h/v2/queues/q/subscriptions/a%20b", ("a b",)),
        ("/", ()),
        ("/v2/x?other=1", ("x",)),
    ],
)
def test_created_ids(location: str | None, expected: tuple[str, ...]) -> None:
    assert created_ids(location) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (None, None),
        ([], None),
        ({}, None),
        ({"links": "x"}, None),
        ({"links": [{"rel": "prev", "href": "/p"}]}, None),
        ({"links": ["junk", {"rel": "next", "href": "/n?marker=3"}]}, "/n?marker=3"),
        ({"links": [{"rel": "next", "href": ""}]}, None),
    ],
)
def test_next_href(data: object, expected: str | None) -> None:
    assert next_href(data) == expected


@pytest.mark.parametrize(
    ("href", "expected"),
    [("/v2/queues?marker=q5&limit=2", "q5"), ("/v2/queues?limit=2", None), ("/v2/queues", None)],
)
def test_marker_of(href: str, expected: str | None) -> None:
    assert marker_of(href) == expected
