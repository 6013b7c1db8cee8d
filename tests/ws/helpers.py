"""Shared helpers of the websocket tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zaqarclient.queues.v2.client import Client
from zaqarclient.transport.ws import WebsocketTransport


def make_client(url: str, conf: Mapping[str, Any]) -> Client:
    """A Client on a ws:// URL: Client picks the websocket transport itself."""
    client = Client(url, version=2, conf=dict(conf))
    assert isinstance(client.transport(), WebsocketTransport)
    return client


def ws(client: Client) -> WebsocketTransport:
    """The client's websocket transport."""
    transport = client.transport()
    assert isinstance(transport, WebsocketTransport)
    return transport
