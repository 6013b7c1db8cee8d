"""Shared helpers of the websocket tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zaqarclient.errors import DriverLoadFailure
from zaqarclient.queues.v2.client import Client
from zaqarclient.transport.ws import WebsocketTransport


class _WsClient(Client):
    """Client wired to the websocket transport, until Client picks it for ws:// itself."""

    def _make_transport(self) -> Any:
        return WebsocketTransport(
            self.api_url,
            self.api,
            self._auth,
            client_id=self.client_uuid,
            timeout=self.conf.get("timeout"),
            headers=self.conf.get("headers"),
            ws_format=self.conf.get("ws_format"),
        )


def make_client(url: str, conf: Mapping[str, Any]) -> Client:
    """A Client on a ws:// URL, through Client itself when it supports websocket."""
    try:
        client = Client(url, version=2, conf=dict(conf))
    except DriverLoadFailure:
        return _WsClient(url, version=2, conf=dict(conf))
    assert isinstance(client.transport(), WebsocketTransport)
    return client


def ws(client: Client) -> WebsocketTransport:
    """The client's websocket transport."""
    transport = client.transport()
    assert isinstance(transport, WebsocketTransport)
    return transport
