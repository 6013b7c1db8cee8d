"""Pools (admin): the storage back ends behind a pooled Zaqar."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zaqarclient.queues.v2.protocol import Caller
from zaqarclient.transport.contract import JSONObject, JSONValue, Result
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import NO_BODY, QueryValue, Request


class Pool:
    """A storage pool: ``uri``, ``weight``, optional ``flavor`` and ``options``.

    With ``auto_create`` (the default) constructing it creates or replaces it
    on the server (``PUT`` is an upsert in Zaqar).
    """

    def __init__(
        self,
        client: Caller,
        name: str,
        weight: int | None = None,
        uri: str | None = None,
        flavor: str | None = None,
        auto_create: bool = True,
        **kwargs: Any,
    ) -> None:
        self.client = client
        self.name = name
        self.weight = weight
        self.uri = uri
        self.flavor = flavor
        self.options: JSONObject = dict(kwargs.get("options") or {})
        self.href: str | None = kwargs.get("href")
        if auto_create:
            self.ensure_exists()

    def __repr__(self) -> str:
        uri = redact_url(self.uri) if self.uri else self.uri
        return f"<Pool name:{self.name} uri:{uri} weight:{self.weight}>"

    def _send(
        self,
        operation: str,
        *,
        body: JSONValue = NO_BODY,
        params: Mapping[str, QueryValue] | None = None,
    ) -> Result:
        request = Request(operation, {"pool_name": self.name}, dict(params or {}), body)
        return self.client.call(request)

    def ensure_exists(self) -> None:
        """Create (or replace) the pool with the current fields."""
        body: JSONObject = {"uri": self.uri, "weight": self.weight, "options": self.options}
        if self.flavor is not None:
            body["flavor"] = self.flavor
        self._send("pool_create", body=body)

    def get(self, detailed: bool = True) -> JSONObject:
        """The pool as the server shows it (with ``options`` when detailed)."""
        params = {"detailed": True} if detailed else None
        data: JSONObject = self._send("pool_get", params=params).data
        self.uri = data.get("uri", self.uri)
        self.weight = data.get("weight", self.weight)
        self.flavor = data.get("flavor", self.flavor)
        if "options" in data:
            self.options = dict(data["options"] or {})
        return data

    def update(self, pool_data: Mapping[str, JSONValue]) -> None:
        """Change ``uri``, ``weight``, ``flavor`` and/or ``options``."""
        self._send("pool_update", body=dict(pool_data))
        for key in ("uri", "weight", "flavor", "options"):
            if key in pool_data:
                setattr(self, key, pool_data[key])

    def delete(self) -> None:
        """Delete the pool (refused while a flavor uses it)."""
        self._send("pool_delete")


def create_object(parent: Caller) -> Callable[[JSONObject], Pool]:
    """A factory turning listing entries into :class:`Pool` objects."""
    return lambda args: Pool(parent, auto_create=False, **args)
