"""Pools (admin): the storage back ends behind a pooled Zaqar."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import NO_BODY

if TYPE_CHECKING:
    from zaqarclient.queues.v2.client import Client


class Pool:
    """A storage pool: ``uri``, ``weight``, optional ``flavor`` and ``options``.

    With ``auto_create`` (the default) constructing it creates or replaces it
    on the server (``PUT`` is an upsert in Zaqar).
    """

    def __init__(
        self,
        client: Client,
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
        self.options: dict[str, Any] = dict(kwargs.get("options") or {})
        self.href: str | None = kwargs.get("href")
        if auto_create:
            self.ensure_exists()

    def __repr__(self) -> str:
        uri = redact_url(self.uri) if self.uri else self.uri
        return f"<Pool name:{self.name} uri:{uri} weight:{self.weight}>"

    def _call(self, operation: str, *, body: Any = NO_BODY, params: Any = None) -> Any:
        return self.client._call(operation, body=body, params=params, pool_name=self.name)

    def ensure_exists(self) -> None:
        """Create (or replace) the pool with the current fields."""
        body: dict[str, Any] = {"uri": self.uri, "weight": self.weight, "options": self.options}
        if self.flavor is not None:
            body["flavor"] = self.flavor
        self._call("pool_create", body=body)

    def get(self, detailed: bool = True) -> dict[str, Any]:
        """The pool as the server shows it (with ``options`` when detailed)."""
        params = {"detailed": True} if detailed else None
        data: dict[str, Any] = self._call("pool_get", params=params).deserialized_content
        self.uri = data.get("uri", self.uri)
        self.weight = data.get("weight", self.weight)
        self.flavor = data.get("flavor", self.flavor)
        if "options" in data:
            self.options = dict(data["options"] or {})
        return data

    def update(self, pool_data: Mapping[str, Any]) -> None:
        """Change ``uri``, ``weight``, ``flavor`` and/or ``options``."""
        self._call("pool_update", body=dict(pool_data))
        for key in ("uri", "weight", "flavor", "options"):
            if key in pool_data:
                setattr(self, key, pool_data[key])

    def delete(self) -> None:
        """Delete the pool (refused while a flavor uses it)."""
        self._call("pool_delete")


def create_object(parent: Client) -> Callable[[dict[str, Any]], Pool]:
    """A factory turning listing entries into :class:`Pool` objects."""
    return lambda args: Pool(parent, auto_create=False, **args)
