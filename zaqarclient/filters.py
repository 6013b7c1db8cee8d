"""Field filters for JSON documents: the one filter language of zaqarclient.

Zaqar has no server-side subscription filters, so every filter here runs in
the client: ``client.subscribe(queue, filter=...)`` drops pushed
notifications that do not match, ``queue.messages(filter=...)`` skips
listed messages, ``openstack messaging message watch --filter`` prints only
matching messages, and the notification bridge routes by the same rules
(``match:`` in its YAML file). For messages the document is the message
body; for the bridge it is the notification.

A filter is a conjunction of terms; each term is one of::

    PATH=PATTERN[|PATTERN...]     the value at PATH matches one of the patterns
    PATH!=PATTERN[|PATTERN...]    the value at PATH is missing or matches none

``PATTERN`` is a shell-style glob (``*``, ``?``, ``[abc]``; ``[|]`` matches a
literal ``|``), matched against the whole value, case-sensitively.
Spaces around PATH and PATTERN are ignored (``[ ]`` matches a space).
Scalars are compared by their JSON text (``true``, ``null``, ``3``); a list
matches when any of its items does; an object never matches a pattern.

``PATH`` names a field with dots: ``event_type``, ``payload.state``,
``payload.fixed_ips.0.address`` (a number indexes a list; any other name
applied to a list collects that field from every item). Keys that contain
dots themselves are found too (``payload.nova_object.data.state``), and the
``nova_object.data`` envelope of versioned OpenStack notifications is
looked through, so ``payload.state`` reaches the state of both the
unversioned and the versioned payload.

The same filter can be given as a string (one term), a list of strings
(all must match), or a mapping ``{PATH: PATTERN or [PATTERN, ...]}`` (the
bridge's ``match:`` form; a list means any of them).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

from zaqarclient.errors import ConfigurationError

__all__ = [
    "MISSING",
    "Condition",
    "FieldPath",
    "Filter",
    "FilterError",
    "FilterSpec",
    "as_filter",
    "plain",
    "split_alternatives",
]



class _Missing:
    """The type of :data:`MISSING`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


#: What a path resolves to when the document has no such field.
MISSING: Any = _Missing()

#: The envelope key of a versioned OpenStack notification object.
VERSIONED_DATA = "nova_object.data"
_VERSIONED_PREFIX = "nova_object."


class FilterError(ConfigurationError):
    """A filter or field path is malformed; the message says which part and why."""


class FieldPath:
    """A dotted path into a JSON document, compiled once and resolved many times."""

    __slots__ = ("segments", "text")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not text.strip():
            raise FilterError(f"a field path must be a non-empty string, got {text!r}")
        self.text = text.strip()
        segments = tuple(self.text.split("."))
        if any(not segment for segment in segments):
            raise FilterError(f"field path {self.text!r} has an empty part (two dots in a row?)")
        self.segments = segments

    def __repr__(self) -> str:
        return f"FieldPath({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldPath) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    @property
    def name(self) -> str:
        """The last segment: the key a selected field gets by default."""
        return self.segments[-1]

    def resolve(self, document: Any) -> Any:
        """The value at this path in ``document``, or :data:`MISSING`."""
        return _resolve(document, self.segments)


def _resolve(value: Any, segments: tuple[str, ...]) -> Any:
    if not segments:
        return value
    if isinstance(value, Mapping):
        return _resolve_in_mapping(value, segments)
    if isinstance(value, list):
        head = segments[0]
        if head.isdigit():
            index = int(head)
            return _resolve(value[index], segments[1:]) if index < len(value) else MISSING
        found = [_resolve(item, segments) for item in value]
        found = [item for item in found if item is not MISSING]
        return found if found else MISSING
    return MISSING


def _resolve_in_mapping(mapping: Mapping[str, Any], segments: tuple[str, ...]) -> Any:
    # Longest key first, so "nova_object.data" is one key and not two.
    for end in range(len(segments), 0, -1):
        key = ".".join(segments[:end]) if end > 1 else segments[0]
        if key in mapping:
            found = _resolve(mapping[key], segments[end:])
            if found is not MISSING:
                return found
    inner = mapping.get(VERSIONED_DATA)
    if isinstance(inner, Mapping) and not segments[0].startswith(_VERSIONED_PREFIX):
        return _resolve_in_mapping(inner, segments)
    return MISSING


def plain(value: Any) -> Any:
    """``value`` with every versioned-object envelope replaced by its data."""
    if isinstance(value, Mapping):
        inner = value.get(VERSIONED_DATA)
        if isinstance(inner, Mapping):
            return plain(inner)
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _text(value: Any) -> str | None:
    """The text a pattern is matched against; None for objects (never match)."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return None


class Condition:
    """One term: the value at ``path`` matches (or, negated, does not match) a pattern."""

    __slots__ = ("_regex", "ignore_case", "negate", "path", "patterns")

    def __init__(
        self,
        path: FieldPath,
        patterns: Iterable[str],
        negate: bool = False,
        ignore_case: bool = False,
    ) -> None:
        self.path = path
        self.patterns = tuple(patterns)
        self.negate = negate
        self.ignore_case = ignore_case
        if not self.patterns:
            raise FilterError(f"filter on {path.text!r} has no pattern")
        regex = "|".join(f"(?:{fnmatch.translate(p)})" for p in self.patterns)
        self._regex = re.compile(regex, re.DOTALL | (re.IGNORECASE if ignore_case else 0))

    def __repr__(self) -> str:
        return f"Condition({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and (
            other.path, other.patterns, other.negate, other.ignore_case
        ) == (self.path, self.patterns, self.negate, self.ignore_case)

    def __hash__(self) -> int:
        return hash((self.path, self.patterns, self.negate, self.ignore_case))

    def __str__(self) -> str:
        patterns = "|".join(p.replace("|", "[|]") for p in self.patterns)
        return f"{self.path.text}{'!=' if self.negate else '='}{patterns}"

    def matches(self, document: Any) -> bool:
        """Whether ``document`` satisfies this term."""
        value = self.path.resolve(document)
        return self._value_matches(value) != self.negate

    def _value_matches(self, value: Any) -> bool:
        if value is MISSING:
            return False
        if isinstance(value, list):
            return any(self._value_matches(item) for item in value)
        text = _text(value)
        return text is not None and self._regex.match(text) is not None

    @classmethod
    def parse(cls, term: str) -> Condition:
        """``PATH=PATTERN[|PATTERN...]`` or ``PATH!=PATTERN[|PATTERN...]``."""
        if not isinstance(term, str):
            raise FilterError(f"a filter term must be a string like 'state=active', got {term!r}")
        path, sep, patterns = term.partition("=")
        if not sep:
            raise FilterError(
                f"filter {term!r} has no '=': write PATH=PATTERN (or PATH!=PATTERN), "
                "for example 'event_type=compute.instance.*'"
            )
        negate = path.endswith("!")
        if negate:
            path = path[:-1]
        if not path.strip():
            raise FilterError(f"filter {term!r} names no field before '{'!=' if negate else '='}'")
        return cls(FieldPath(path), tuple(p.strip() for p in split_alternatives(patterns)), negate)


def split_alternatives(text: str) -> list[str]:
    """Split ``a|b[|]c`` at the bars outside of ``[...]`` classes: ``["a", "b[|]c"]``."""
    parts: list[str] = []
    start = i = 0
    while i < len(text):
        char = text[i]
        if char == "[":
            # A class as fnmatch reads it: "]" right after "[" or "[!" is a member.
            end = i + 1
            if end < len(text) and text[end] == "!":
                end += 1
            if end < len(text) and text[end] == "]":
                end += 1
            close = text.find("]", end)
            if close != -1:
                i = close + 1
                continue
        elif char == "|":
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


class Filter:
    """All of its conditions must match; an empty filter matches everything."""

    __slots__ = ("conditions",)

    def __init__(self, conditions: Iterable[Condition] = ()) -> None:
        self.conditions = tuple(conditions)

    def __repr__(self) -> str:
        return f"Filter({list(self.terms)!r})"

    def __str__(self) -> str:
        return " AND ".join(self.terms) if self.conditions else "(everything)"

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Filter) and other.terms == self.terms

    def __hash__(self) -> int:
        return hash(self.terms)

    @property
    def terms(self) -> tuple[str, ...]:
        """The conditions as strings that :meth:`parse` reads back."""
        return tuple(str(condition) for condition in self.conditions)

    def matches(self, document: Any) -> bool:
        """Whether ``document`` satisfies every condition."""
        return all(condition.matches(document) for condition in self.conditions)

    __call__ = matches

    @classmethod
    def parse(cls, spec: FilterSpec, *, ignore_case: Iterable[str] = ()) -> Filter:
        """Build from a term, a list of terms, a ``{PATH: PATTERN(S)}`` mapping or a Filter.

        ``ignore_case`` names paths whose patterns match case-insensitively.
        """
        folded = frozenset(ignore_case)
        if spec is None:
            return cls()
        if isinstance(spec, Filter):
            conditions: list[Condition] = list(spec.conditions)
        elif isinstance(spec, str):
            conditions = [Condition.parse(spec)]
        elif isinstance(spec, Mapping):
            conditions = [_from_item(path, patterns) for path, patterns in spec.items()]
        elif isinstance(spec, Iterable):
            conditions = [Condition.parse(term) for term in spec]
        else:
            raise FilterError(
                "a filter is a string ('state=active'), a list of them, or a mapping "
                f"{{'state': 'active'}}; got {type(spec).__name__}"
            )
        return cls(
            Condition(c.path, c.patterns, c.negate, c.ignore_case or c.path.text in folded)
            for c in conditions
        )


def _from_item(path: Any, patterns: Any) -> Condition:
    if not isinstance(path, str):
        raise FilterError(f"filter field names must be strings, got {path!r}")
    if isinstance(patterns, (str, int, float, bool)) or patterns is None:
        values: list[Any] = [patterns]
    elif isinstance(patterns, list) and patterns:
        values = patterns
    else:
        raise FilterError(
            f"filter on {path!r} needs a pattern or a non-empty list of patterns, "
            f"got {patterns!r}"
        )
    texts = []
    for value in values:
        text = _text(value)
        if text is None:
            raise FilterError(f"filter on {path!r}: {value!r} is not a pattern")
        texts.append(text)
    return Condition(FieldPath(path), tuple(texts))


#: What every ``filter=`` argument accepts.
FilterSpec: TypeAlias = str | Iterable[str] | Mapping[str, Any] | Filter | None


def as_filter(spec: FilterSpec) -> Filter | None:
    """A :class:`Filter` for ``spec``, or None when it filters nothing (None or empty)."""
    compiled = Filter.parse(spec)
    return compiled if compiled else None
