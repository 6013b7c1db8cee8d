"""What the runner relies on in uvicorn beyond its documented options, on the installed uvicorn.

The runner drives ``uvicorn.Server`` itself (its own ``serve()`` polls for exit
every 0.1 s): ``Config.load()`` and the protocol classes it resolves,
``Server.startup(sockets=...)``, ``Server.servers`` and the connection and
task sets of ``Server.server_state``. An upgrade that moves any of them fails
here rather than in every test that starts a server.
"""

from __future__ import annotations

import asyncio
import http.client
import inspect
import socket

import uvicorn
from websocket import create_connection

from zaqarclient.server import App
from zaqarclient.server.asgi import AsgiApp
from zaqarclient.server.http_protocol import HttpProtocol
from zaqarclient.server.runner import ServerThread, bind


def test_config_load_resolves_the_protocol_classes() -> None:
    config = uvicorn.Config(AsgiApp(App()), lifespan="off", http=HttpProtocol,
                            ws="websockets-sansio", log_config=None)
    config.load()
    assert config.http_protocol_class is HttpProtocol
    assert issubclass(config.ws_protocol_class, asyncio.Protocol)
    assert callable(config.lifespan_class)


def test_server_startup_takes_sockets_and_keeps_its_state() -> None:
    assert "sockets" in inspect.signature(uvicorn.Server.startup).parameters
    config = uvicorn.Config(AsgiApp(App()), lifespan="off", http=HttpProtocol,
                            ws="websockets-sansio", log_config=None)
    config.load()
    server = uvicorn.Server(config)
    assert isinstance(server.server_state.connections, set)
    assert isinstance(server.server_state.tasks, set)
    server.lifespan = config.lifespan_class(config)
    loop = asyncio.new_event_loop()
    sock: socket.socket = bind("127.0.0.1", 0)
    try:
        loop.run_until_complete(server.startup(sockets=[sock]))
        assert server.servers and all(isinstance(s, asyncio.AbstractServer)
                                      for s in server.servers)
        for srv in server.servers:
            srv.close()
    finally:
        sock.close()
        loop.close()


def test_connections_of_both_kinds_are_seen_and_closed() -> None:
    thread = ServerThread(App())
    thread.start()
    try:
        conn = http.client.HTTPConnection(f"127.0.0.1:{thread.port}")
        conn.request("GET", "/v2/ping", headers={
            "Client-ID": "3381af92-2b9e-11e3-b191-71861300734c", "X-Project-ID": "p"})
        assert conn.getresponse().read() == b""
        ws = create_connection(thread.ws_url)
        kinds = sorted(kind for kind, _ in thread.connections())
        assert kinds == ["http", "websocket"]
    finally:
        thread.stop()
    ws.close()
    conn.close()
