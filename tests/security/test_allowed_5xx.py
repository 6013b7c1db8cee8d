"""Every 5xx the fuzzers accept is one real Zaqar gives to the same request."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from websocket import create_connection

from tests.security.allowed_5xx import HTTP, WS, Allowed
from tests.support.real_zaqar import RealZaqar
from zaqarclient.server.config import Config
from zaqarclient.testing import ReferenceServer

CID = "3381af92-2b9e-11e3-b191-71861300734c"


@pytest.fixture(scope="module")
def reference() -> Iterator[ReferenceServer]:
    with ReferenceServer(Config(enable_v1_1=True)) as ref:
        yield ref


def send_http(url: str, entry: Allowed) -> tuple[int, str]:
    headers = {"Client-ID": CID, "X-Project-ID": "allowed-" + uuid.uuid4().hex[:8],
               "Content-Type": "application/json", **entry.headers}
    data = None if entry.body is None else json.dumps(entry.body)
    resp = requests.request(entry.method, url + entry.path, data=data, headers=headers,
                            timeout=30)
    try:
        text = str(resp.json().get("description", ""))
    except ValueError:
        text = ""
    return resp.status_code, text


def send_ws(url: str, entry: Allowed) -> tuple[int, str]:
    assert entry.ws is not None
    conn = create_connection(url, timeout=30)
    try:
        doc: dict[str, Any] = {
            "action": entry.ws["action"], "body": entry.ws["body"],
            "headers": {"Client-ID": CID, "X-Project-ID": "allowed-" + uuid.uuid4().hex[:8]},
        }
        conn.send(json.dumps(doc))
        answer = json.loads(conn.recv())
    finally:
        conn.close()
    body = answer["body"]
    return answer["headers"]["status"], str(body.get("exception", "")) if isinstance(
        body, dict) else ""


@pytest.mark.parametrize("entry", HTTP, ids=[a.name for a in HTTP])
def test_the_reference_server_gives_each_allowed_http_5xx(
    reference: ReferenceServer, entry: Allowed
) -> None:
    status, text = send_http(reference.url, entry)
    assert entry.matches(status, text), (status, text)


@pytest.mark.parametrize("entry", WS, ids=[a.name for a in WS])
def test_the_reference_server_gives_each_allowed_websocket_5xx(
    reference: ReferenceServer, entry: Allowed
) -> None:
    status, text = send_ws(reference.url.replace("http", "ws", 1), entry)
    assert entry.matches(status, text), (status, text)


@pytest.mark.parametrize("entry", HTTP, ids=[a.name for a in HTTP])
def test_real_zaqar_also_answers_5xx(
    entry: Allowed, request: pytest.FixtureRequest
) -> None:
    real: RealZaqar = request.getfixturevalue(entry.real)
    status, text = send_http(real.url, entry)
    assert status == entry.status, (status, text)


@pytest.mark.parametrize("entry", WS, ids=[a.name for a in WS])
def test_real_zaqar_websocket_also_answers_5xx(entry: Allowed, real_zaqar_ws: RealZaqar) -> None:
    status, text = send_ws(real_zaqar_ws.url, entry)
    assert status == entry.status, (status, text)
