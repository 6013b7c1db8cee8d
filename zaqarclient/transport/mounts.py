"""Routing by URL prefix: the transports mounted on a client, and its default one."""

from __future__ import annotations

from zaqarclient.transport.contract import Headers, Result, Transport
from zaqarclient.transport.http_wire import HttpWire
from zaqarclient.transport.request import Request


class MountedTransports:
    """Sends each request to the transport mounted on the longest prefix of its URL.

    URLs no prefix matches go to ``default``.
    """

    def __init__(self, wire: HttpWire, default: Transport) -> None:
        self.wire = wire
        self.default = default
        self._mounts: list[tuple[str, Transport]] = []

    def mount(self, prefix: str, transport: Transport) -> None:
        """Send URLs starting with ``prefix`` to ``transport`` (replacing an earlier mount)."""
        mounts = [(p, t) for p, t in self._mounts if p != prefix]
        mounts.append((prefix, transport))
        mounts.sort(key=lambda item: len(item[0]), reverse=True)
        self._mounts = mounts

    def transport_for(self, request: Request) -> Transport:
        """The transport that carries ``request``."""
        url = self.wire.url(request)
        for prefix, transport in self._mounts:
            if url.startswith(prefix):
                return transport
        return self.default

    def handle(self, request: Request, headers: Headers) -> Result:
        """Send ``request`` with the transport its URL is mounted on."""
        return self.transport_for(request).handle(request, headers)

    def describe(self, request: Request) -> str:
        """Where ``request`` goes, for logs."""
        return self.transport_for(request).describe(request)

    def close(self) -> None:
        """Close every transport."""
        for _, transport in self._mounts:
            transport.close()
        self.default.close()
