"""Typed reads of request-document fields, as Zaqar's ``sanitize`` specs read them."""

from __future__ import annotations

from typing import Any

from zaqarclient.server.domain.errors import BadDocument


def checked_field(doc: Any, name: str, kind: type, default: Any) -> Any:
    """``doc[name]`` if it is a ``kind`` (``object``: any), else ``default``.

    A None ``default`` makes the field required. A bool passes as an int (bool
    subclasses int in Python, so Zaqar lets it through too). ``doc`` that is not a
    mapping fails with the TypeError Python raises, as Zaqar's reads do; the
    transports that check the document type first never get there.
    """
    try:
        value = doc[name]
    except KeyError:
        if default is None:
            raise BadDocument(f'Missing "{name}" field.') from None
        value = default
    if kind is object or isinstance(value, kind):
        return value
    raise BadDocument(f'The value of the "{name}" field must be a {kind.__name__}.')
