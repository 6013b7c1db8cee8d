"""Zaqar's JSON patch of queue metadata (``PATCH /v2/queues/{q}``), as pure functions.

Zaqar implements a subset of RFC 6902: ``add``, ``remove`` and ``replace``
on ``/metadata/<key>``, with its own pointer checks and texts. A reserved
key (``_default_message_ttl`` ...) counts as present even when unset,
because Zaqar merges the defaults in before patching.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, NamedTuple

from zaqarclient.server.domain.errors import BadDocument, Conflict

OPERATIONS = ("add", "remove", "replace")
_ADJACENT = re.compile(r"/\s*?/")
_BAD_ESCAPE = re.compile(r"~[^01]")


class Change(NamedTuple):
    """One parsed operation: ``op`` on metadata ``key`` (``value`` None for remove)."""

    op: str
    key: str
    value: Any


class NotAPointer(TypeError):
    """A ``path`` that is not a string: Zaqar fails outside its validation (a 503)."""


def pointer(path: Any) -> list[str]:
    """The tokens of Zaqar's limited JSON pointer; BadDocument for a malformed one."""
    if not isinstance(path, str):
        raise NotAPointer(f"pointer {path!r} is not a string")
    if not path.startswith("/"):
        raise BadDocument(f'Pointer `{path}` does not start with "/".')
    if _ADJACENT.search(path[1:]):
        raise BadDocument(f'Pointer `{path}` contains adjacent "/".')
    if len(path) > 1 and path.endswith("/"):
        raise BadDocument(f'Pointer `{path}` end with "/".')
    if path[1:].strip() == "/":
        raise BadDocument(f"Pointer `{path}` does not contains valid token.")
    if _BAD_ESCAPE.search(path) or path.endswith("~"):
        raise BadDocument(
            f'Pointer `{path}` contains "~" not part of a recognized escape sequence.'
        )
    return [p.replace("~1", "/").replace("~0", "~").strip() for p in path.lstrip("/").split("/")]


def parse_changes(changes: list[Any]) -> list[Change]:
    """Check every operation of a patch document before any is applied."""
    out = []
    for raw in changes:
        if not isinstance(raw, dict):
            raise BadDocument("Operations must be JSON objects.")
        op = raw.get("op")
        if op is None:
            raise BadDocument(
                "Unable to find `op` in JSON Schema change. It must be one of the following: "
                "add, remove, replace."
            )
        if op not in OPERATIONS:
            raise BadDocument(
                f"Invalid operation: `{op}`. It must be one of the following: "
                "add, remove, replace."
            )
        if "path" not in raw:
            raise BadDocument("Unable to find 'path' in JSON Schema change")
        path = pointer(raw["path"])
        if len(path) != 2:
            raise BadDocument(
                f"Invalid JSON pointer for this resource: '/{'/'.join(path)}, e.g /metadata/key'"
            )
        value = None
        if op != "remove":
            if "value" not in raw:
                raise BadDocument(f'Operation "{op}" requires a member named "value".')
            value = raw["value"]
            if path[0].lower() != "metadata":
                raise BadDocument("The root of path must be metadata, e.g /metadata/key.")
        out.append(Change(op, path[1], value))
    return out


def apply_changes(
    metadata: dict[str, Any], changes: list[Change], reserved: Collection[str]
) -> None:
    """Apply ``changes`` to ``metadata`` in place; a missing key answers 409."""
    for op, key, value in changes:
        if op == "add":
            metadata[key] = value
        elif op == "replace":
            if key not in metadata and key not in reserved:
                raise Conflict(f"Can't replace non-existent object {key}.")
            metadata[key] = value
        elif key in metadata:
            del metadata[key]
        elif key not in reserved:
            raise Conflict(f"Can't remove non-existent object {key}.")
