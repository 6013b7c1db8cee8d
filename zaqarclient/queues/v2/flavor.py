"""Flavors (admin): named sets of pools that queues are placed on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from zaqarclient.transport.request import NO_BODY

if TYPE_CHECKING:
    from zaqarclient.queues.v2.client import Client


class Flavor:
    """A flavor: a ``pool_list``; ``capabilities`` is reported by the server.

    With ``auto_create`` (the default) constructing it creates it on the server.
    """

    def __init__(
        self,
        client: Client,
        name: str,
        pool_list: list[str] | None = None,
        auto_create: bool = True,
        **kwargs: Any,
    ) -> None:
        self.client = client
        self.name = name
        self.pool_list = list(pool_list) if pool_list is not None else []
        self.capabilities: Any = kwargs.get("capabilities")
        self.href: str | None = kwargs.get("href")
        if auto_create:
            self.ensure_exists()

    def __repr__(self) -> str:
        return f"<Flavor name:{self.name} pools:{self.pool_list}>"

    def _call(self, operation: str, *, body: Any = NO_BODY, params: Any = None) -> Any:
        return self.client._call(operation, body=body, params=params, flavor_name=self.name)

    def ensure_exists(self) -> None:
        """Create the flavor with the current ``pool_list``."""
        self._call("flavor_create", body={"pool_list": self.pool_list})

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
