"""The sync websocket transport through the environment's HTTP proxy (a CONNECT tunnel).

The proxy is a real one on loopback (a thread per tunnel, bytes copied both
ways); the server is the reference server's websocket API.
"""

from __future__ import annotations

import base64
import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import new_project
from zaqarclient.errors import ConfigurationError, ConnectionError
from zaqarclient.queues.v2.client import Client
from zaqarclient.transport.proxy_tunnel import (
    Proxy,
    answer_status,
    authority,
    connect_request,
    proxy_for,
)


@dataclass
class TunnelProxy:
    """A loopback HTTP proxy that answers CONNECT with ``answer`` and then tunnels."""

    answer: bytes = b"HTTP/1.1 200 Connection established\r\n\r\n"
    requests: list[bytes] = field(default_factory=list)
    tunnelled: list[int] = field(default_factory=list)  # bytes copied per tunnel, both ways

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                client.close()
                return
            head += chunk
        self.requests.append(head)
        client.sendall(self.answer)
        if not self.answer.startswith(b"HTTP/1.1 200"):
            client.close()
            return
        host, port = head.split(b" ", 2)[1].decode().rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        index = len(self.tunnelled)
        self.tunnelled.append(0)

        def copy(source: socket.socket, target: socket.socket) -> None:
            try:
                while data := source.recv(65536):
                    self.tunnelled[index] += len(data)
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for sock in (source, target):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)

        threading.Thread(target=copy, args=(upstream, client), daemon=True).start()
        copy(client, upstream)


@pytest.fixture
def proxy() -> Iterator[TunnelProxy]:
    server = TunnelProxy()
    yield server
    server.close()


def _ws_client(reference_server: Any, project: str) -> Client:
    url = "ws" + reference_server.url[len("http"):]
    conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}},
            "retries": 0}
    return Client(url, version=2, conf=conf)


def test_frames_go_through_the_proxy_with_its_credentials(
    reference_server: Any, proxy: TunnelProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", f"http://bob:s3cr%40t@127.0.0.1:{proxy.port}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    client = _ws_client(reference_server, new_project())
    queue = client.queue("through-proxy", force_create=True)
    queue.post({"body": "hello"})
    assert [m.body for m in queue.messages(echo=True)] == ["hello"]
    client.close()
    assert len(proxy.requests) == 1
    request = proxy.requests[0].decode()
    host_port = reference_server.url.split("//", 1)[1]
    assert request.startswith(f"CONNECT {host_port} HTTP/1.1\r\n")
    sent = base64.b64encode(b"bob:s3cr@t").decode()
    assert f"Proxy-Authorization: Basic {sent}\r\n" in request
    assert proxy.tunnelled[0] > 500  # the handshake and the frames crossed the tunnel


def test_no_proxy_hosts_connect_directly(
    reference_server: Any, proxy: TunnelProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    client = _ws_client(reference_server, new_project())
    assert client.ping()
    client.close()
    assert proxy.requests == []


def test_a_refusing_proxy_is_a_connection_error_without_its_password(
    reference_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    refusing = TunnelProxy(answer=b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
    monkeypatch.setenv("http_proxy", f"http://bob:hunter2@127.0.0.1:{refusing.port}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    client = _ws_client(reference_server, new_project())
    with pytest.raises(ConnectionError) as caught:
        client.queue("q", force_create=True)
    refusing.close()
    text = str(caught.value)
    assert "refused the tunnel to Zaqar at" in text
    assert text.endswith("407 Proxy Authentication Required")
    assert "hunter2" not in text and "hunter2" not in repr(caught.value)


def test_the_environment_picks_the_proxy_by_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", "http://plain:3128")
    monkeypatch.setenv("https_proxy", "http://user:pw@secure:3129")
    plain = proxy_for("ws://zaqar.example:9000/")
    secure = proxy_for("wss://zaqar.example:9000/")
    assert plain is not None
    assert (plain.host, plain.port, plain.authorization) == ("plain", 3128, None)
    assert secure is not None and (secure.host, secure.port) == ("secure", 3129)
    assert secure.authorization == "Basic " + base64.b64encode(b"user:pw").decode()
    assert "pw" not in repr(secure) and "pw" not in str(secure)
    monkeypatch.setenv("no_proxy", "zaqar.example")
    assert proxy_for("ws://zaqar.example:9000/") is None


def test_connect_request_and_answer_parsing() -> None:
    proxy = Proxy.from_url("proxy.example")  # no scheme: http; no port: 8080
    assert (proxy.host, proxy.port) == ("proxy.example", 8080)
    assert connect_request(proxy, authority("::1", 9000)) == (
        b"CONNECT [::1]:9000 HTTP/1.1\r\nHost: [::1]:9000\r\n\r\n")
    assert authority("z\u00e4qar.example", 443) == "xn--zqar-loa.example:443"
    assert answer_status(b"HTTP/1.0 200 Connection established") == (200, "Connection established")
    assert answer_status(b"SSH-2.0-OpenSSH") == (0, "not an HTTP answer")
    with pytest.raises(ConfigurationError, match="must be an http://host:port URL") as caught:
        Proxy.from_url("socks5://user:secret@proxy:1080")
    assert "secret" not in str(caught.value)
