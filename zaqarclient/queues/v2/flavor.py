"""Flavors (admin): named sets of pools that queues are placed on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zaqarclient.queues.v2.protocol import Caller
from zaqarclient.queues.v2.steps import Steps, operation
from zaqarclient.transport.contract import JSONObject, JSONValue
from zaqarclient.transport.request import NO_BODY, QueryValue, Request


class FlavorOps:
    """A flavor's fields and operations as steps (shared by the sync and asyncio flavors)."""

    def __init__(
        self,
        client: Any,
        name: str,
        pool_list: list[str] | None = None,
        capabilities: Any = None,
        **kwargs: Any,
    ) -> None:
        self.client = client
        self.name = name
        self.pool_list = list(pool_list) if pool_list is not None else []
        self.capabilities: Any = capabilities
        self.href: str | None = kwargs.get("href")

    def __repr__(self) -> str:
        return f"<Flavor name:{self.name} pools:{self.pool_list}>"

    @property
    def caller(self) -> object:
        """The client this flavor's requests go through."""
        return self.client

    def _request(
        self,
        operation: str,
        *,
        body: JSONValue = NO_BODY,
        params: Mapping[str, QueryValue] | None = None,
    ) -> Request:
        return Request(operation, {"flavor_name": self.name}, dict(params or {}), body)

    def _ensure_exists(self) -> Steps[None]:
        """Create the flavor with the current ``pool_list`` (and ``capabilities`` if set)."""
        body: JSONObject = {"pool_list": self.pool_list}
        if isinstance(self.capabilities, dict):
            body["capabilities"] = self.capabilities
        yield self._request("flavor_create", body=body)

    def _get(self, detailed: bool = True) -> Steps[JSONObject]:
        """The flavor as the server shows it."""
        params = {"detailed": True} if detailed else None
        data: JSONObject = (yield self._request("flavor_get", params=params)).data
        self.pool_list = list(data.get("pool_list") or self.pool_list)
        self.capabilities = data.get("capabilities", self.capabilities)
        return data

    def _update(self, flavor_data: Mapping[str, JSONValue]) -> Steps[None]:
        """Change the ``pool_list``."""
        data = (yield self._request("flavor_update", body=dict(flavor_data))).data
        if isinstance(data, Mapping):
            self.pool_list = list(data.get("pool_list") or self.pool_list)
            self.capabilities = data.get("capabilities", self.capabilities)
        elif "pool_list" in flavor_data:
            self.pool_list = list(flavor_data["pool_list"])

    def _delete(self) -> Steps[None]:
        """Delete the flavor."""
        yield self._request("flavor_delete")


class Flavor(FlavorOps):
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
        super().__init__(client, name, pool_list, capabilities, **kwargs)
        if auto_create:
            self.ensure_exists()

    ensure_exists = operation(FlavorOps._ensure_exists)
    get = operation(FlavorOps._get)
    update = operation(FlavorOps._update)
    delete = operation(FlavorOps._delete)


def create_object(parent: Caller) -> Callable[[JSONObject], Flavor]:
    """A factory turning listing entries into :class:`Flavor` objects."""
    return lambda args: Flavor(parent, auto_create=False, **args)
