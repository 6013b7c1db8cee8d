"""The runner's own connection registry: both kinds of connection are listed, then closed."""

from __future__ import annotations

import http.client
import subprocess
import sys

import pytest
from websocket import WebSocket, WebSocketException, create_connection

from zaqarclient.server import App
from zaqarclient.server.runner import ServerThread


def _open_both(thread: ServerThread) -> tuple[http.client.HTTPConnection, WebSocket]:
    """A keep-alive HTTP connection that answered a ping, and a websocket."""
    conn = http.client.HTTPConnection(f"127.0.0.1:{thread.port}")
    conn.request("GET", "/v2/ping", headers={
        "Client-ID": "3381af92-2b9e-11e3-b191-71861300734c", "X-Project-ID": "p"})
    assert conn.getresponse().read() == b""
    return conn, create_connection(thread.ws_url)


def test_connections_of_both_kinds_are_seen_and_closed() -> None:
    thread = ServerThread(App())
    thread.start()
    try:
        conn, ws = _open_both(thread)
        kinds = sorted(kind for kind, _ in thread.connections())
        assert kinds == ["http", "websocket"]
    finally:
        thread.stop()
    ws.close()
    conn.close()


def test_serving_http_and_websocket_loads_no_uvicorn() -> None:
    """The default path runs on public asyncio, httptools and websockets APIs alone."""
    code = (
        "import sys, http.client\n"
        "from websocket import create_connection\n"
        "from zaqarclient.testing import ReferenceServer\n"
        "with ReferenceServer() as srv:\n"
        "    conn = http.client.HTTPConnection(srv.url[len('http://'):])\n"
        "    conn.request('GET', '/v2/ping', headers={'Client-ID': "
        "'3381af92-2b9e-11e3-b191-71861300734c', 'X-Project-ID': 'p'})\n"
        "    assert conn.getresponse().status == 204\n"
        "    create_connection('ws' + srv.url[len('http'):] + '/').close()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'uvicorn', 'h11', 'starlette'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_drop_connections_cuts_only_the_kind_asked_for() -> None:
    thread = ServerThread(App())
    thread.start()
    try:
        conn, ws = _open_both(thread)
        assert thread.drop_connections("websocket") == 1
        with pytest.raises((WebSocketException, OSError)):
            ws.recv()  # the server's abort: no close frame, the socket just ends
        assert [kind for kind, _ in thread.connections()] == ["http"]
        assert thread.drop_connections() == 1
        assert thread.connections() == []
    finally:
        thread.stop()
    ws.close()
    conn.close()
