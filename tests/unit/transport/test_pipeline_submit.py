"""``Client.submit``: requests in flight where the transport pipelines, a typed refusal if not."""

from __future__ import annotations

from typing import Any

import pytest

from zaqarclient.errors import InvalidOperation
from zaqarclient.queues.v2.client import Client
from zaqarclient.transport.request import Request

CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "p"}}}


def test_an_http_client_refuses_to_pipeline_with_a_typed_error() -> None:
    client = Client("http://127.0.0.1:9", conf=CONF)
    with pytest.raises(InvalidOperation, match=r"submit\(\) needs a websocket client"):
        client.submit(Request("queue_get_stats", {"queue_name": "q"}))


def test_a_websocket_client_has_requests_in_flight(reference_server: Any) -> None:
    client = Client("ws" + reference_server.url[len("http"):], conf=CONF)
    try:
        futures = [client.submit(Request("message_post", {"queue_name": "pipelined"},
                                         body={"messages": [{"body": n, "ttl": 60}]}))
                   for n in range(20)]
        assert all(len(f.result(10).created) == 1 for f in futures)
    finally:
        client.close()
