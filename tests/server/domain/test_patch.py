"""Zaqar's JSON patch of queue metadata: pointers, operations and their application."""

from __future__ import annotations

from typing import Any

import pytest

from zaqarclient.server.domain.errors import BadDocument, Conflict
from zaqarclient.server.domain.patch import (
    Change,
    NotAPointer,
    apply_changes,
    parse_changes,
    pointer,
)


@pytest.mark.parametrize(("path", "tokens"), [
    ("/metadata/key", ["metadata", "key"]), ("/metadata/a~1b", ["metadata", "a/b"]),
    ("/metadata/a~0b", ["metadata", "a~b"]), ("/metadata/ k ", ["metadata", "k"]),
    ("/", [""]),
])
def test_pointer_tokens(path: str, tokens: list[str]) -> None:
    assert pointer(path) == tokens


@pytest.mark.parametrize(("path", "text"), [
    ("metadata/k", 'Pointer `metadata/k` does not start with "/".'),
    ("/metadata//k", 'Pointer `/metadata//k` contains adjacent "/".'),
    ("/metadata/ /k", 'Pointer `/metadata/ /k` contains adjacent "/".'),
    ("/metadata/k/", 'Pointer `/metadata/k/` end with "/".'),
    ("/metadata/~2", 'Pointer `/metadata/~2` contains "~" not part of a recognized escape '
                     "sequence."),
    ("/metadata/k~", 'Pointer `/metadata/k~` contains "~" not part of a recognized escape '
                     "sequence."),
])
def test_malformed_pointers(path: str, text: str) -> None:
    with pytest.raises(BadDocument) as caught:
        pointer(path)
    assert str(caught.value) == text


def test_a_pointer_that_is_not_a_string_is_no_validation_error() -> None:
    with pytest.raises(NotAPointer):
        pointer(5)


def test_parse_changes() -> None:
    assert parse_changes([
        {"op": "add", "path": "/metadata/a", "value": 1},
        {"op": "remove", "path": "/metadata/b"},
        {"op": "replace", "path": "/METADATA/c", "value": None},
    ]) == [Change("add", "a", 1), Change("remove", "b", None), Change("replace", "c", None)]


@pytest.mark.parametrize(("change", "text"), [
    ("x", "Operations must be JSON objects."),
    ({"path": "/metadata/a"}, "Unable to find `op` in JSON Schema change. It must be one of "
                              "the following: add, remove, replace."),
    ({"op": "move", "path": "/metadata/a"}, "Invalid operation: `move`. It must be one of the "
                                            "following: add, remove, replace."),
    ({"op": "add"}, "Unable to find 'path' in JSON Schema change"),
    ({"op": "add", "path": "/metadata", "value": 1},
     "Invalid JSON pointer for this resource: '/metadata, e.g /metadata/key'"),
    ({"op": "add", "path": "/metadata/a"}, 'Operation "add" requires a member named "value".'),
    ({"op": "add", "path": "/other/a", "value": 1},
     "The root of path must be metadata, e.g /metadata/key."),
])
def test_bad_changes(change: Any, text: str) -> None:
    with pytest.raises(BadDocument) as caught:
        parse_changes([change])
    assert str(caught.value) == text


def test_remove_checks_no_root() -> None:
    # Zaqar checks the root only of operations that carry a value.
    assert parse_changes([{"op": "remove", "path": "/other/a"}]) == [Change("remove", "a", None)]


def test_every_change_is_checked_before_any_applies() -> None:
    with pytest.raises(BadDocument):
        parse_changes([{"op": "add", "path": "/metadata/a", "value": 1}, {"op": "x"}])


def test_apply_changes() -> None:
    meta: dict[str, Any] = {"a": 1, "b": 2}
    apply_changes(meta, [Change("add", "c", 3), Change("replace", "a", 10),
                         Change("remove", "b", None)], reserved=())
    assert meta == {"a": 10, "c": 3}


def test_reserved_keys_count_as_present() -> None:
    meta: dict[str, Any] = {}
    apply_changes(meta, [Change("replace", "_default_message_ttl", 60),
                         Change("remove", "_max_claim_count", None)],
                  reserved=("_default_message_ttl", "_max_claim_count"))
    assert meta == {"_default_message_ttl": 60}


@pytest.mark.parametrize(("op", "text"), [
    ("replace", "Can't replace non-existent object k."),
    ("remove", "Can't remove non-existent object k."),
])
def test_a_missing_key_is_a_conflict(op: str, text: str) -> None:
    with pytest.raises(Conflict) as caught:
        apply_changes({}, [Change(op, "k", 1)], reserved=())
    assert (str(caught.value), caught.value.status) == (text, 409)
