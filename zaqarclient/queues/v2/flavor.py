"""Flavors (admin): named sets of pools that queues are placed on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zaqarclient.queues.v2.protocol import Caller
from zaqarclient.transport.contract import JSONObject, JSONValue, Result
from zaqarclient.transport.request import NO_BODY, QueryValue, Request


class Flavor:
    """A flavor: a ``pool_list`` and optional ``capabilities``.

    With ``auto_create`` (the default) constructing it creates it on the
    server. Zaqar 23 reports ``capabilities`` as the first pool's driver
    capability names; the ``capabilities`` given at creation are sent as is
    (Zaqar accepts an object there).
    """

    def __init__(
        self,
        client: Caller,
        name: str,
        pool_list: list[str] | None = None,
        auto_create: bool = True,
        capabilities: Any = None,
        **kwargs: Any,
    ) -> None:
        self.client = client
        self.name = name
        self.pool_list = list(pool_list) if pool_list is not None else []
        self.capabilities: Any = capabilities
        self.href: str | None = kwargs.get("href")
        if auto_create:
            self.ensure_exists()

    def __repr__(self) -> str:
        return f"<Flavor name:{self.name} pools:{self.pool_list}>"

    def _send(
        self,
        operation: str,
        *,
        body: JSONValue = NO_BODY,
        params: Mapping[str, QueryValue] | None = None,
    ) -> Result:
        request = Request(operation, {"flavor_name": self.name}, dict(params or {}), body)
        return self.client.call(request)

    def ensure_exists(self) -> None:
        """Create the flavor with the current ``pool_list`` (and ``capabilities`` if set)."""
        body: JSONObject = {"pool_list": self.pool_list}
        if isinstance(self.capabilities, dict):
            body["capabilities"] = self.capabilities
        self._send("flavor_create", body=body)

    def get(self, detailed: bool = True) -> JSONObject:
        """The flavor as the server shows it."""
        params = {"detailed": True} if detailed else None
        data: JSONObject = self._send("flavor_get", params=params).data
        self.pool_list = list(data.get("pool_list") or self.pool_list)
        self.capabilities = data.get("capabilities", self.capabilities)
        return data

    def update(self, flavor_data: Mapping[str, JSONValue]) -> None:
        """Change the ``pool_list``."""
        data = self._send("flavor_update", body=dict(flavor_data)).data
        if isinstance(data, Mapping):
            self.pool_list = list(data.get("pool_list") or self.pool_list)
            self.capabilities = data.get("capabilities", self.capabilities)
        elif "pool_list" in flavor_data:
            self.pool_list = list(flavor_data["pool_list"])

    def delete(self) -> None:
        """Delete the flavor."""
        self._send("flavor_delete")


def create_object(parent: Caller) -> Callable[[JSONObject], Flavor]:
    """A factory turning listing entries into :class:`Flavor` objects."""
    return lambda args: Flavor(parent, auto_create=False, **args)
