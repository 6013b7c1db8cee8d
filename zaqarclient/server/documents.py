"""JSON documents from clients: what may be stored, checked once where they are parsed.

Everything stored must be servable again on every channel (HTTP JSON,
websocket JSON and MessagePack, the SQLite journal). Three kinds of input
break that, so they are refused where the document enters the server:

* **Unpaired surrogates.** JSON's ``"\\ud800"`` escape decodes to a Python
  string that cannot be encoded as UTF-8; stored, it would turn every later
  listing of that queue into a 500.
* **Deep nesting.** Encoding, decoding and copying documents recurse once per
  level; past :data:`MAX_DEPTH` levels some of them would fail later (or at
  once, with a ``RecursionError``). Zaqar 23.0.1 itself accepts about 945
  levels and answers 503 beyond; the bound here leaves room for the server's
  own stack under any caller.
* **Non-JSON values** (MessagePack ``bin`` and extension types, non-string
  map keys), which only a binary websocket frame can carry.

The checks cost nothing on ordinary bodies: a document is walked only when
its text contains a surrogate escape or more brackets than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Most levels of nested arrays and objects in one document (the top level counts).
MAX_DEPTH = 900

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_encode_unicode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_SCALARS = (str, int, float, bool, type(None))


class DocumentError(ValueError):
    """A document that the server refuses to store; ``str()`` says why."""


def too_deep() -> DocumentError:
    return DocumentError(
        f"The document is nested too deeply: at most {MAX_DEPTH} levels of arrays and objects "
        "are accepted."
    )


def unpaired_surrogate() -> DocumentError:
    return DocumentError(
        "The document contains an unpaired UTF-16 surrogate escape (such as \\ud800); only "
        "text that can be encoded as UTF-8 is accepted."
    )


def check_text(text: str, doc: Any) -> None:
    """Check a document just decoded from JSON ``text``; raises :class:`DocumentError`."""
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth_exceeds(doc, MAX_DEPTH):
        raise too_deep()
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        try:
            _encode_unicode(doc).encode("utf-8")
        except UnicodeEncodeError:
            raise unpaired_surrogate() from None


def check_decoded(doc: Any) -> None:
    """Check a document decoded from MessagePack: JSON types only, bounded depth."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
            for key in node:
                if not isinstance(key, str):
                    raise DocumentError(
                        f"Object keys must be strings, not {type(key).__name__}."
                    )
        elif isinstance(node, list):
            children = node
        elif isinstance(node, _SCALARS):
            continue
        else:
            raise DocumentError(
                f"Values of type {type(node).__name__} cannot be stored; use JSON types."
            )
        if depth > MAX_DEPTH:
            raise too_deep()
        stack.extend((child, depth + 1) for child in children)


def _depth_exceeds(doc: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if type(node) is dict else node
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
    return False


def copy_document(doc: Any) -> Any:
    """A deep copy of a JSON document without recursion (any depth, faster than deepcopy)."""
    kind = type(doc)
    if kind is not dict and kind is not list:
        return doc
    root: Any = {} if kind is dict else []
    stack: list[tuple[Any, Any]] = [(doc, root)]
    while stack:
        source, target = stack.pop()
        if type(source) is dict:
            for key, value in source.items():
                kind = type(value)
                if kind is dict or kind is list:
                    child: Any = {} if kind is dict else []
                    stack.append((value, child))
                    value = child
                target[key] = value
        else:
            for value in source:
                kind = type(value)
                if kind is dict or kind is list:
                    child = {} if kind is dict else []
                    stack.append((value, child))
                    value = child
                target.append(value)
    return root
