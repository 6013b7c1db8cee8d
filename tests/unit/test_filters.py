"""The filter language: paths, patterns, forms and errors."""

from __future__ import annotations

from typing import Any

import pytest

from zaqarclient.errors import ConfigurationError
from zaqarclient.filters import (
    MISSING,
    Condition,
    FieldPath,
    Filter,
    FilterError,
    as_filter,
    plain,
    split_alternatives,
)

# nova's unversioned compute.instance.update payload and the versioned instance.update
# one (InstanceUpdatePayload 2.1 with its nested InstanceStateUpdatePayload), trimmed.
UNVERSIONED = {
    "event_type": "compute.instance.update",
    "priority": "INFO",
    "payload": {
        "tenant_id": "p1", "instance_id": "i-1", "state": "active", "old_state": "building",
        "host": "compute-7", "fixed_ips": [{"address": "10.0.0.5"}, {"address": "10.0.0.9"}],
        "metadata": {"role": "db"}, "progress": 100, "locked": False, "deleted_at": None,
    },
}
VERSIONED = {
    "event_type": "instance.update",
    "payload": {
        "nova_object.name": "InstanceUpdatePayload",
        "nova_object.version": "2.1",
        "nova_object.data": {
            "uuid": "i-2", "tenant_id": "p2", "state": "error",
            "state_update": {
                "nova_object.name": "InstanceStateUpdatePayload",
                "nova_object.data": {"old_state": "active", "state": "error"},
            },
            "flavor": {"nova_object.data": {"name": "m1.small", "vcpus": 1}},
        },
    },
}


@pytest.mark.parametrize(
    ("path", "document", "expected"),
    [
        ("payload.state", UNVERSIONED, "active"),
        ("payload.state", VERSIONED, "error"),
        ("payload.nova_object.data.state", VERSIONED, "error"),
        ("payload.state_update.state", VERSIONED, "error"),
        ("payload.state_update.old_state", VERSIONED, "active"),
        ("payload.nova_object.name", VERSIONED, "InstanceUpdatePayload"),
        ("payload.fixed_ips.1.address", UNVERSIONED, "10.0.0.9"),
        ("payload.fixed_ips.address", UNVERSIONED, ["10.0.0.5", "10.0.0.9"]),
        ("payload.fixed_ips.7.address", UNVERSIONED, MISSING),
        ("payload.nope", UNVERSIONED, MISSING),
        ("payload.state.deeper", UNVERSIONED, MISSING),
        ("payload.deleted_at", UNVERSIONED, None),
        ("a.b", {"a.b": 1, "a": {"b": 2}}, 1),  # the dotted key wins, as in versioned payloads
        ("a.b.c", {"a.b": {}, "a": {"b": {"c": 2}}}, 2),  # ...unless it leads nowhere
    ],
)
def test_paths_resolve(path: str, document: Any, expected: Any) -> None:
    assert FieldPath(path).resolve(document) == expected


def test_plain_strips_versioned_envelopes() -> None:
    flavor = FieldPath("payload.flavor").resolve(VERSIONED)
    assert plain(flavor) == {"name": "m1.small", "vcpus": 1}
    assert plain(VERSIONED["payload"])["state_update"] == {"old_state": "active", "state": "error"}
    assert plain([1, {"x": None}]) == [1, {"x": None}]


@pytest.mark.parametrize(
    ("terms", "document", "expected"),
    [
        (["event_type=compute.instance.*"], UNVERSIONED, True),
        (["event_type=compute.instance.*"], VERSIONED, False),
        (["event_type=compute.instance.*", "payload.state=active"], UNVERSIONED, True),
        (["event_type=compute.instance.*", "payload.state=error"], UNVERSIONED, False),
        (["payload.state=active|error"], VERSIONED, True),
        (["payload.state!=active|error"], VERSIONED, False),
        (["payload.state!=deleted"], VERSIONED, True),
        (["payload.gone!=x"], VERSIONED, True),  # missing counts as "not matching"
        (["payload.gone=*"], VERSIONED, False),
        (["payload.state=ACTIVE"], UNVERSIONED, False),  # case-sensitive by default
        (["payload.progress=100"], UNVERSIONED, True),
        (["payload.progress=1?0"], UNVERSIONED, True),
        (["payload.locked=false"], UNVERSIONED, True),
        (["payload.deleted_at=null"], UNVERSIONED, True),
        (["payload.metadata=*"], UNVERSIONED, False),  # an object never matches
        (["payload.fixed_ips.address=10.0.0.9"], UNVERSIONED, True),  # any item of a list
        (["payload.fixed_ips.address=10.1.*"], UNVERSIONED, False),
        (["  payload.state =  active "], UNVERSIONED, True),
        ([], UNVERSIONED, True),
    ],
)
def test_terms_match(terms: list[str], document: Any, expected: bool) -> None:
    assert Filter.parse(terms).matches(document) is expected


def test_glob_metacharacters_and_literal_bar() -> None:
    assert Condition.parse("v=[ab]x").matches({"v": "bx"})
    assert not Condition.parse("v=[ab]x").matches({"v": "cx"})
    assert Condition.parse("v=a[|]b").matches({"v": "a|b"})
    assert Condition.parse("v=a.b").matches({"v": "a.b"})
    assert not Condition.parse("v=a.b").matches({"v": "axb"})  # '.' is no wildcard
    assert Condition.parse("v=*").matches({"v": "line\nbreak"})
    assert Condition.parse("v=").matches({"v": ""})


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a|b", ["a", "b"]),
        ("a[|]b|c", ["a[|]b", "c"]),
        ("[]|]x|y", ["[]|]x", "y"]),
        ("[!]|]x|y", ["[!]|]x", "y"]),
        ("[a|b", ["[a", "b"]),  # an unclosed '[' is a plain character
        ("", [""]),
    ],
)
def test_alternatives_split_outside_classes(text: str, parts: list[str]) -> None:
    assert split_alternatives(text) == parts


def test_forms_agree_and_round_trip() -> None:
    mapping = Filter.parse({"event_type": "compute.instance.*", "payload.state": ["active", 3]})
    strings = Filter.parse(["event_type=compute.instance.*", "payload.state=active|3"])
    assert mapping == strings
    assert Filter.parse(list(mapping.terms)) == mapping
    assert Filter.parse(mapping) == mapping
    assert Filter.parse("payload.state=active") == Filter.parse(["payload.state=active"])
    literal = Filter.parse({"v": ["a|b"]})
    assert literal.terms == ("v=a[|]b",)
    assert Filter.parse(list(literal.terms)).matches({"v": "a|b"})
    assert str(strings) == "event_type=compute.instance.* AND payload.state=active|3"
    assert str(Filter()) == "(everything)" and repr(mapping).startswith("Filter([")


def test_ignore_case_for_named_paths() -> None:
    priority = Filter.parse({"priority": ["info", "warn"]}, ignore_case=["priority"])
    assert priority.matches({"priority": "INFO"})
    assert not priority.matches({"priority": "ERROR"})
    assert not Filter.parse({"priority": "info"}).matches({"priority": "INFO"})


def test_filter_is_callable_and_as_filter_drops_empty() -> None:
    active = Filter.parse("state=active")
    assert list(filter(active, [{"state": "active"}, {"state": "x"}, "text"])) == [
        {"state": "active"}
    ]
    assert as_filter(None) is None and as_filter([]) is None and as_filter({}) is None
    assert as_filter("state=a") == Filter.parse("state=a")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("state", "has no '='"),
        ("=active", "names no field"),
        ("!=active", "names no field"),
        ("a..b=x", "empty part"),
        ([3], "must be a string"),
        ({"state": {"a": 1}}, "needs a pattern"),
        ({"state": []}, "needs a pattern"),
        ({"state": [{"a": 1}]}, "is not a pattern"),
        ({3: "x"}, "must be strings"),
        (42, "a filter is a string"),
    ],
)
def test_bad_filters_say_what_is_wrong(spec: Any, message: str) -> None:
    with pytest.raises(FilterError, match=message) as caught:
        Filter.parse(spec)
    assert isinstance(caught.value, ConfigurationError) and isinstance(caught.value, ValueError)


def test_field_path_basics() -> None:
    path = FieldPath(" payload.nova_object.data.state ")
    assert path.text == "payload.nova_object.data.state" and path.name == "state"
    assert path == FieldPath("payload.nova_object.data.state") and len({path, path}) == 1
    with pytest.raises(FilterError):
        FieldPath("")
    assert repr(MISSING) == "MISSING" and not MISSING
