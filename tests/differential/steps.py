"""The vocabulary of a differential session: steps, and extractors that save values.

A session is a plain list of :class:`Step`. Strings in a step (path, query, header
values, string leaves of the JSON body) are ``str.format`` templates filled from the
session variables: ``{project}``, ``{client}``, ``{run}`` and everything earlier
steps saved (``save=``), such as message ids or a claim id from a ``Location``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

Saver = Callable[[requests.Response], dict[str, str]]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()

CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c"
OTHER_CLIENT_ID = "9c2f7c34-7a77-4b55-b6ce-5bdc6a1d4e11"
JSON_PATCH = "application/openstack-messaging-v2.0-json-patch"
ADMIN = {"X-Roles": "admin"}


@dataclasses.dataclass(frozen=True)
class Step:
    """One HTTP request of a session and how to record its answer.

    ``headers`` are merged over the defaults (Client-ID and X-Project-ID); a value of
    ``None`` removes a default header. ``json`` is sent as a JSON body, ``data`` as a
    raw body (``str`` or ``bytes``). ``query`` is appended verbatim (commas stay
    literal). ``unordered`` names JSON keys whose lists are compared as multisets
    (the server does not guarantee an order); ``mask`` names JSON keys whose values
    are not compared at all (only their presence). ``ignore`` names record fields left
    out of the comparison (for example a description that embeds a Python repr).
    """

    name: str
    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str | None] = dataclasses.field(default_factory=dict)
    json: Any = UNSET
    data: str | bytes | None = None
    save: Saver | None = None
    unordered: tuple[str, ...] = ()
    mask: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    note: str = ""

    def describe(self) -> str:
        query = f"?{self.query}" if self.query else ""
        return f"{self.method} {self.path}{query}"


def step(name: str, method: str, path: str, **kwargs: Any) -> Step:
    """Shorthand used by the session tables."""
    return Step(name, method, path, **kwargs)


def unique_names(steps: list[Step]) -> list[Step]:
    """Return ``steps`` after checking that step names are unique."""
    seen: set[str] = set()
    for s in steps:
        if s.name in seen:
            raise ValueError(f"duplicate step name {s.name!r}")
        seen.add(s.name)
    return steps


# --------------------------------------------------------------------------- savers


def _last_segment(href: str) -> str:
    return urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1]


def _body(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def save_resource_ids(prefix: str) -> Saver:
    """Save the ids of a message POST as ``<prefix>0``, ``<prefix>1``, ..."""

    def saver(resp: requests.Response) -> dict[str, str]:
        resources = (_body(resp) or {}).get("resources", [])
        return {f"{prefix}{i}": _last_segment(href) for i, href in enumerate(resources)}

    return saver


def save_location_id(name: str) -> Saver:
    """Save the last path segment of the ``Location`` header (a claim id)."""

    def saver(resp: requests.Response) -> dict[str, str]:
        location = resp.headers.get("Location")
        return {name: _last_segment(location)} if location else {}

    return saver


def save_json(name: str, *path: str | int) -> Saver:
    """Save one value of the JSON body, found by keys and list indexes."""

    def saver(resp: requests.Response) -> dict[str, str]:
        value: Any = _body(resp)
        try:
            for key in path:
                value = value[key]
        except (KeyError, IndexError, TypeError):
            return {}
        return {name: value if isinstance(value, str) else json.dumps(value)}

    return saver


def save_next_link(name: str) -> Saver:
    """Save the path and query of the ``next`` link of a list page."""

    def saver(resp: requests.Response) -> dict[str, str]:
        links = (_body(resp) or {}).get("links") or []
        hrefs = [link["href"] for link in links if link.get("rel") == "next"]
        return {name: hrefs[0]} if hrefs else {}

    return saver


def save_share(prefix: str) -> Saver:
    """Save a share response as signed-URL header values ``<prefix>_signature`` etc."""

    def saver(resp: requests.Response) -> dict[str, str]:
        body = _body(resp) or {}
        if "signature" not in body:
            return {}
        return {
            f"{prefix}_signature": body["signature"],
            f"{prefix}_expires": body["expires"],
            f"{prefix}_methods": ",".join(body["methods"]),
            f"{prefix}_paths": ",".join(body["paths"]),
        }

    return saver


def save_all(*savers: Saver) -> Saver:
    """Combine several savers."""

    def saver(resp: requests.Response) -> dict[str, str]:
        values: dict[str, str] = {}
        for one in savers:
            values.update(one(resp))
        return values

    return saver


def signed_headers(prefix: str, **overrides: str | None) -> dict[str, str | None]:
    """The ``URL-*`` headers for a signature saved by :func:`save_share`."""
    headers: dict[str, str | None] = {
        "URL-Signature": f"{{{prefix}_signature}}",
        "URL-Expires": f"{{{prefix}_expires}}",
        "URL-Methods": f"{{{prefix}_methods}}",
        "URL-Paths": f"{{{prefix}_paths}}",
    }
    headers.update(overrides)
    return headers
