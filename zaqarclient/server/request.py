"""Reading requests the way falcon and Zaqar do: query parameters and JSON bodies."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, unquote_plus

from zaqarclient.server.protocol import HTTPError, bad_request_body

_TRUE = frozenset(("true", "True", "t", "yes", "y", "1", "on"))
_FALSE = frozenset(("false", "False", "f", "no", "n", "0", "off"))
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def _invalid_param(name: str, detail: str) -> HTTPError:
    return HTTPError(400, "Invalid parameter", f'The "{name}" parameter is invalid. {detail}')


class Query:
    """Parsed query string; raw (still percent-encoded) values are kept for list splitting."""

    __slots__ = ("_raw", "read")

    def __init__(self, query: str) -> None:
        raw: dict[str, list[str]] = {}
        if query:
            for part in query.split("&"):
                if not part:
                    continue
                key, _, value = part.partition("=")
                if not value:
                    continue  # falcon drops blank values: `echo=` counts as absent
                raw.setdefault(unquote_plus(key), []).append(value)
        self._raw = raw
        # Recognised parameters, in the order the handler read them (for `next` links).
        self.read: dict[str, Any] = {}

    def names(self) -> list[str]:
        return list(self._raw)

    def has(self, name: str) -> bool:
        return name in self._raw

    def get(self, name: str, store: bool = True) -> str | None:
        values = self._raw.get(name)
        if values is None:
            return None
        value = unquote_plus(values[-1])
        if store:
            self.read[name] = value
        return value

    def get_int(self, name: str, store: bool = True) -> int | None:
        values = self._raw.get(name)
        if values is None:
            return None
        text = unquote_plus(values[-1])
        try:
            value = int(text)
        except ValueError:
            raise _invalid_param(name, "The value must be an integer.") from None
        if store:
            self.read[name] = value
        return value

    def get_bool(self, name: str, store: bool = True) -> bool | None:
        values = self._raw.get(name)
        if values is None:
            return None
        text = unquote_plus(values[-1])
        if text in _TRUE:
            value = True
        elif text in _FALSE:
            value = False
        else:
            raise _invalid_param(
                name, 'The value of the parameter must be "true" or "false".'
            )
        if store:
            self.read[name] = value
        return value

    def get_list(self, name: str) -> list[str] | None:
        """Split on literal commas only; `%2C` stays inside one item."""
        values = self._raw.get(name)
        if values is None:
            return None
        items: list[str] = []
        for value in values:
            items.extend(unquote_plus(piece) for piece in value.split(","))
        return items

    def next_href(self, path: str, marker: Any) -> str:
        """The `next` link: path plus the recognised parameters, marker replaced or appended."""
        params = dict(self.read)
        params["marker"] = marker
        parts = []
        for key, value in params.items():
            if value is True:
                text = "true"
            elif value is False:
                text = "false"
            else:
                text = str(value)
            parts.append(f"{key}={text}")
        return path + "?" + "&".join(parts)


def _json_int(text: str) -> int:
    value = int(text)
    if value < _INT64_MIN or value > _INT64_MAX:
        raise OverflowError(text)
    return value


def parse_json(body: bytes, content_length: int | None) -> Any:
    """Parse a JSON body: an object or an array, with Zaqar's error texts."""
    if content_length is None:
        raise bad_request_body("Request body can not be empty")
    try:
        doc = json.loads(body.decode("utf-8"), parse_int=_json_int)
    except OverflowError:
        raise bad_request_body("JSON contains integer that is too large.") from None
    except ValueError:
        raise bad_request_body("Request body could not be parsed.") from None
    if not isinstance(doc, (dict, list)):
        raise bad_request_body("Request body could not be parsed.")
    return doc


def load_json(body: bytes) -> Any:
    """Parse a JSON body the way the pools and flavors endpoints do (one error text)."""
    try:
        doc = json.loads(body.decode("utf-8"), parse_int=_json_int)
    except (OverflowError, ValueError):
        raise bad_request_body("JSON could not be parsed.") from None
    if not isinstance(doc, (dict, list)):
        raise bad_request_body("JSON could not be parsed.")
    return doc


def content_length(headers: dict[str, str] | Any, body: bytes) -> int | None:
    """Content-Length as falcon reports it (None when absent)."""
    value = headers.get("content-length")
    if value is None:
        return len(body) if body else None
    try:
        return int(value)
    except ValueError:
        raise HTTPError(
            400, "Invalid header value", 'The value provided for the "Content-Length" header '
            "is invalid. The value of the header must be a positive number."
        ) from None


def checked_field(doc: dict[str, Any], name: str, kind: type, default: Any) -> Any:
    """Zaqar's typed field read: bool passes as int because bool subclasses int."""
    try:
        value = doc[name]
    except KeyError:
        if default is None:
            raise bad_request_body(f'Missing "{name}" field.') from None
        value = default
    if kind is object or isinstance(value, kind):
        return value
    raise bad_request_body(f'The value of the "{name}" field must be a {kind.__name__}.')


def decode_path(path: str) -> str:
    return unquote(path) if "%" in path else path
