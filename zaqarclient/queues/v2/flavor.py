"""Flavors (admin): named sets of pools that queues are placed on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from zaqarclient.transport.request import NO_BODY

if TYPE_CHECKING:
    from zaqarclient.queues.v2.client import Client


class Flavor:
    """A flavor: a ``pool_list`` and optional ``capabilities``.

    With ``auto_create`` (the default) constructing it creates it on the
    server. Zaqar 23 reports ``capabilities`` as the first pool's driver
    capability names; the ``capabilities`` given at creation are sent as is
    (Zaqar accepts an object there).
    """

    def __init__(
        self,
        client: Client,
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

    def _call(self, operation: str, *, body: Any = NO_BODY, params: Any = None) -> Any:
        return self.client._call(operation, body=body, params=params, flavor_name=self.name)

    def ensure_exists(self) -> None:
        """Create the flavor with the current ``pool_list`` (and ``capabilities`` if set)."""
        body: dict[str, Any] = {"pool_list": self.pool_list}
        if isinstance(self.capabilities, dict):
            body["capabilities"] = self.capabilities
        self._call("flavor_create", body=body)

    def get(self, detailed: bool = True) -> dict[str, Any]:
        """The flavor as the server shows it."""
        params = {"detailed": True} if detailed else None
        data: dict[str, Any] = self._call("flavor_get", params=params).deserialized_content
        self.pool_list = list(data.get("pool_list") or self.pool_list)
        self.capabilities = data.get("capabilities", self.capabilities)
        return data

    def update(self, flavor_data: Mapping[str, Any]) -> None:
        """Change the ``pool_list``."""
        data = self._call("flavor_update", body=dict(flavor_data)).deserialized_content
        if isinstance(data, Mapping):
            self.pool_list = list(data.get("pool_list") or self.pool_list)
            self.capabilities = data.get("capabilities", self.capabilities)
        elif "pool_list" in flavor_data:
            self.pool_list = list(flavor_data["pool_list"])

    def delete(self) -> None:
        """Delete the flavor."""
        self._call("flavor_delete")


def create_object(parent: Client) -> Callable[[dict[str, Any]], Flavor]:
    """A factory turning listing entries into :class:`Flavor` objects."""
    return lambda args: Flavor(parent, auto_create=False, **args)
