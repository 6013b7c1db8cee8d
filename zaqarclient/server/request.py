"""Reading requests the way falcon and Zaqar do: query parameters and JSON bodies."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, unquote_plus

from zaqarclient.server import documents
from zaqarclient.server.protocol import HTTPError, bad_request_body

_TRUE = frozenset(("true", "True", "t", "yes", "y", "1", "on"))
_FALSE = frozenset(("false", "False", "f", "no", "n", "0", "off"))
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def _invalid_param(name: str, detail: str) -> HTTPError:
    return HTTPError(400, "Invalid parameter", f'The "{name}" parameter is invalid. {detail}')


class Query:
    """A query string parsed as Zaqar's falcon does (``auto_parse_qs_csv``, no blanks).

    A value holding a literal comma becomes a list (blank items dropped, so
    ``ids=,,`` is an empty list); ``%2C`` stays inside one item. A repeated name
    collects every value; scalar reads take the last one.
    """

    __slots__ = ("_params", "read")

    def __init__(self, query: str) -> None:
        params: dict[str, str | list[str]] = {}
        for part in query.split("&") if query else ():
            key, _, value = part.partition("=")
            if not value:
                continue  # falcon drops blank values: `echo=` counts as absent
            key = unquote_plus(key)
            if "," in value:
                items: list[str] = [unquote_plus(v) for v in value.split(",") if v]
            else:
                items = [unquote_plus(value)]
            old = params.get(key)
            if old is None:
                params[key] = items if "," in value else items[0]
            elif isinstance(old, list):
                old.extend(items)
            else:
                params[key] = [old, *items]
        self._params = params
        # Recognised parameters, in the order the handler read them (for `next` links).
        self.read: dict[str, Any] = {}

    def names(self) -> list[str]:
        return list(self._params)

    def value(self, name: str) -> str | list[str] | None:
        """The value as falcon holds it: a string, or a list for repeats and commas."""
        return self._params.get(name)

    def _last(self, name: str) -> str | None:
        value = self._params.get(name)
        if isinstance(value, list):
            if not value:
                # falcon takes the last value; `limit=,` leaves none and falcon fails
                # with an IndexError, which Zaqar reports as a 500.
                raise HTTPError(500, "Internal server error", "list index out of range")
            return value[-1]
        return value

    def get(self, name: str, store: bool = True) -> str | None:
        value = self._last(name)
        if value is not None and store:
            self.read[name] = value
        return value

    def get_int(self, name: str, store: bool = True) -> int | None:
        text = self._last(name)
        if text is None:
            return None
        try:
            value = int(text)
        except ValueError:
            raise _invalid_param(name, "The value must be an integer.") from None
        if store:
            self.read[name] = value
        return value

    def get_bool(self, name: str, store: bool = True) -> bool | None:
        text = self._last(name)
        if text is None:
            return None
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
        """Every value of ``name``, comma lists split (``%2C`` stays inside one item)."""
        value = self._params.get(name)
        if value is None:
            return None
        return list(value) if isinstance(value, list) else [value]

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


def decode_document(body: bytes, unparsable: str, too_large: str) -> Any:
    """A JSON object or array from a request body, checked by `documents.check_text`."""
    try:
        text = body.decode("utf-8")
        doc = json.loads(text, parse_int=_json_int)
    except OverflowError:
        raise bad_request_body(too_large) from None
    except RecursionError:
        raise bad_request_body(str(documents.too_deep())) from None
    except ValueError:
        raise bad_request_body(unparsable) from None
    if not isinstance(doc, (dict, list)):
        raise bad_request_body(unparsable)
    try:
        documents.check_text(text, doc)
    except documents.DocumentError as exc:
        raise bad_request_body(str(exc)) from None
    return doc


def parse_json(body: bytes, content_length: int | None) -> Any:
    """Parse a JSON body: an object or an array, with Zaqar's error texts."""
    if content_length is None:
        raise bad_request_body("Request body can not be empty")
    return decode_document(
        body, "Request body could not be parsed.", "JSON contains integer that is too large."
    )


def load_json(body: bytes) -> Any:
    """Parse a JSON body the way the pools and flavors endpoints do (one error text)."""
    return decode_document(body, "JSON could not be parsed.", "JSON could not be parsed.")


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


def decode_path(path: str) -> str:
    return unquote(path) if "%" in path else path
