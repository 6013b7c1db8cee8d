"""Turn one server's responses into values comparable with another server's.

What varies between two correct servers is replaced by placeholders:

* request ids (``req-<uuid>``) become ``<request-id>``;
* message, claim and subscription ids (24-hex ObjectIds or UUIDs, bare or inside
  hrefs and error texts) become ``<id:N>``, numbered by first appearance in the
  transcript, so the same id keeps its number and two servers agree when they
  return "the same" objects in the same places;
* timestamps become ``<timestamp>``, HMAC signatures ``<hex64>``;
* ``age`` values and health-check ``seconds`` become ``<int>`` / ``<number>``;
* message-list markers in links become ``<marker>`` (opaque per driver);
* the run's own variable strings (project id, run token, pool URIs) become
  ``<project>`` and so on, so one server can be compared with itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_REQUEST_ID = re.compile(r"req-" + _UUID)
_HEX64 = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])")
_ID = re.compile(
    r"(?<![0-9a-zA-Z])"
    r"(?:" + _UUID + r"|[0-9a-f]{24})"
    r"(?![0-9a-zA-Z])"
)
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
# Message markers are opaque: a counter in mongo, the last message id in redis.
_MESSAGE_MARKER = re.compile(r"(/messages\?(?:[^\s\"'#]*&)?marker=)[^&\s\"'#]+")
_INT_KEYS = {"age"}
_NUMBER_KEYS = {"seconds"}


class Normalizer:
    """Stateful normaliser for one transcript (it numbers ids as it meets them)."""

    def __init__(self, literals: Mapping[str, str], keep: tuple[str, ...] = ()) -> None:
        # Longest first, so a project id that contains the run token wins.
        self._literals = sorted(
            ((value, name) for name, value in literals.items() if value),
            key=lambda item: -len(item[0]),
        )
        self._keep = set(keep)  # fixed UUIDs of the session itself, e.g. its Client-IDs
        self._ids: dict[str, str] = {}
        # While False, ids not seen before become "<id:new>" instead of taking the
        # next number: a step with a deliberate difference (say, an extra internal
        # id only one driver reports) must not shift the numbering of later steps.
        self.numbering = True

    def id_placeholder(self, raw: str) -> str:
        key = raw.lower()
        if key not in self._ids:
            if not self.numbering:
                return "<id:new>"
            self._ids[key] = f"<id:{len(self._ids) + 1}>"
        return self._ids[key]

    def text(self, value: str) -> str:
        for literal, name in self._literals:
            value = value.replace(literal, f"<{name}>")
        value = _MESSAGE_MARKER.sub(r"\1<marker>", value)
        value = _REQUEST_ID.sub("<request-id>", value)
        value = _HEX64.sub("<hex64>", value)
        value = _TIMESTAMP.sub("<timestamp>", value)
        return _ID.sub(self._replace_id, value)

    def _replace_id(self, match: re.Match[str]) -> str:
        raw = match.group(0)
        if raw.lower() in self._keep:
            return raw
        return self.id_placeholder(raw)

    def value(self, value: Any, key: str | None = None) -> Any:
        """Normalise a decoded JSON value (``key`` is the key it was found under)."""
        if isinstance(value, dict):
            return {self.text(k): self.value(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, bool) or value is None:
            return value
        if key in _INT_KEYS and isinstance(value, int):
            return "<int>"
        if key in _NUMBER_KEYS and isinstance(value, int | float):
            return "<number>"
        if isinstance(value, str):
            return self.text(value)
        return value


def mask(value: Any, keys: tuple[str, ...]) -> Any:
    """Replace the values found under ``keys`` (anywhere) by ``"<masked>"``."""
    if not keys:
        return value
    if isinstance(value, dict):
        return {k: "<masked>" if k in keys else mask(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, keys) for v in value]
    return value


def sort_unordered(value: Any, keys: tuple[str, ...]) -> Any:
    """Sort the lists found under ``keys`` (anywhere) by their JSON text."""
    if not keys:
        return value
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = sort_unordered(v, keys)
            if k in keys and isinstance(v, list):
                v = sorted(v, key=repr)
            out[k] = v
        return out
    if isinstance(value, list):
        return [sort_unordered(v, keys) for v in value]
    return value
