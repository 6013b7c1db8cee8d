"""The asyncio websocket through the environment's HTTP proxy (a CONNECT tunnel), as sync.

The proxy is a real one, written here: an asyncio server on loopback that
reads ``CONNECT host:port``, records it, answers 200 and relays bytes both
ways (or refuses with 407). It runs in the test's event loop; the
reference server (or the TLS fake Zaqar) runs on its own thread.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import ssl
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import trustme

import zaqarclient.aio as aio
from tests.support.loopback import LoopbackServer, Reply
from tests.ws.fake_server import FakeZaqar
from zaqarclient import errors
from zaqarclient.queues.v2.client import Client as SyncClient
from zaqarclient.server.clock import SystemClock
from zaqarclient.testing import ReferenceServer

T = TypeVar("T")
CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "aio-proxy"}},
        "retries": 0, "timeout": 5}
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, 30))


class ConnectProxy:
    """An HTTP CONNECT proxy on loopback: records each CONNECT and the bytes it relayed."""

    def __init__(self, refuse: int | None = None) -> None:
        self.refuse = refuse
        self.connects: list[tuple[str, dict[str, str]]] = []
        self.upstream = bytearray()  # client -> server
        self.downstream = bytearray()  # server -> client
        self._server: asyncio.Server | None = None
        self._relays: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> ConnectProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for relay in list(self._relays):
            relay.cancel()

    def url(self, userinfo: str = "") -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://{userinfo}127.0.0.1:{port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        line, *fields = head.rstrip("\r\n").split("\r\n")
        headers = dict(field.split(": ", 1) for field in fields)
        self.connects.append((line, headers))
        method, target, _ = line.split(" ")
        if self.refuse is not None or method != "CONNECT":
            writer.write(f"HTTP/1.1 {self.refuse or 405} Proxy Authentication Required\r\n"
                         'Proxy-Authenticate: Basic realm="tests"\r\n'
                         "Content-Length: 0\r\n\r\n".encode())
            await writer.drain()
            writer.close()
            return
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        for task in (self._relay(reader, up_writer, self.upstream),
                     self._relay(up_reader, writer, self.downstream)):
            relay = asyncio.ensure_future(task)
            self._relays.add(relay)
            relay.add_done_callback(self._relays.discard)

    @staticmethod
    async def _relay(source: asyncio.StreamReader, sink: asyncio.StreamWriter,
                     seen: bytearray) -> None:
        try:
            while chunk := await source.read(65536):
                seen += chunk
                sink.write(chunk)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.close()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variables from the machine running the tests."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(clock=SystemClock()) as reference:  # type: ignore[arg-type]
        yield reference


def ws_url(server: ReferenceServer) -> str:
    return "ws" + server.url[len("http"):]


def test_ws_goes_through_the_environment_proxy(
    server: ReferenceServer, clean_env: pytest.MonkeyPatch
) -> None:
    async def scenario() -> tuple[ConnectProxy, list[Any]]:
        async with ConnectProxy() as proxy:
            clean_env.setenv("http_proxy", proxy.url())
            clean_env.setenv("https_proxy", "http://127.0.0.1:9")  # not for ws://: unused
            async with aio.Client(ws_url(server), conf=CONF) as client:
                queue = client.queue("via-proxy")
                await queue.post({"body": "tunnelled-body-marker"})
                bodies = [m.body async for m in queue.messages(echo=True)]
            return proxy, bodies

    proxy, bodies = run(scenario())
    port = server.url.rsplit(":", 1)[1]
    assert bodies == ["tunnelled-body-marker"]
    assert [line for line, _ in proxy.connects] == [f"CONNECT 127.0.0.1:{port} HTTP/1.1"]
    assert proxy.connects[0][1]["Host"] == f"127.0.0.1:{port}"
    assert "Proxy-Authorization" not in proxy.connects[0][1]
    # The websocket handshake and Zaqar's frames (server frames are unmasked) crossed it.
    assert b"Upgrade: websocket" in proxy.upstream
    assert b"tunnelled-body-marker" in proxy.downstream


def test_no_proxy_is_honoured_by_both_clients(
    server: ReferenceServer, clean_env: pytest.MonkeyPatch
) -> None:
    async def scenario() -> ConnectProxy:
        async with ConnectProxy() as proxy:
            clean_env.setenv("HTTP_PROXY", proxy.url())
            clean_env.setenv("NO_PROXY", "localhost,127.0.0.1")
            async with aio.Client(ws_url(server), conf=CONF) as client:
                assert await client.ping()
            # The sync websocket client (transport.proxy_tunnel's rule) agrees.
            sync = SyncClient(ws_url(server), conf=CONF)
            assert await asyncio.to_thread(sync.ping)
            await asyncio.to_thread(sync.close)
            clean_env.setenv("NO_PROXY", "elsewhere.example")
            async with aio.Client(ws_url(server), conf=CONF) as client:
                assert await client.ping()
            return proxy

    proxy = run(scenario())
    assert len(proxy.connects) == 1  # only the client whose host no_proxy did not cover


def test_sync_client_uses_the_same_proxy(
    server: ReferenceServer, clean_env: pytest.MonkeyPatch
) -> None:
    """The rule matched: the sync client tunnels through http_proxy too."""

    async def scenario() -> ConnectProxy:
        async with ConnectProxy() as proxy:
            clean_env.setenv("http_proxy", proxy.url())
            sync = SyncClient(ws_url(server), conf=CONF)
            assert await asyncio.to_thread(sync.ping)
            await asyncio.to_thread(sync.close)
            return proxy

    assert [line.split(" ")[0] for line, _ in run(scenario()).connects] == ["CONNECT"]


def test_all_proxy_serves_websockets_for_both_clients(
    server: ReferenceServer, clean_env: pytest.MonkeyPatch
) -> None:
    async def scenario() -> ConnectProxy:
        async with ConnectProxy() as proxy:
            clean_env.setenv("ALL_PROXY", proxy.url())
            async with aio.Client(ws_url(server), conf=CONF) as client:
                assert await client.ping()
            sync = SyncClient(ws_url(server), conf=CONF)
            assert await asyncio.to_thread(sync.ping)
            await asyncio.to_thread(sync.close)
            return proxy

    assert len(run(scenario()).connects) == 2


@pytest.fixture(scope="module")
def tls_zaqar(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeZaqar, Path]]:
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path_factory.mktemp("proxy-tls") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    with FakeZaqar(keystone=False, tls=context) as fake:
        yield fake, bundle


def test_wss_runs_tls_inside_the_tunnel(
    tls_zaqar: tuple[FakeZaqar, Path], clean_env: pytest.MonkeyPatch
) -> None:
    fake, bundle = tls_zaqar
    conf = {**CONF, "auth_opts": {"backend": "noauth", "options": {
        "os_project_id": "p", "cacert": str(bundle)}}}

    async def scenario() -> ConnectProxy:
        async with ConnectProxy() as proxy:
            clean_env.setenv("https_proxy", proxy.url())
            clean_env.setenv("http_proxy", "http://127.0.0.1:9")  # not for wss://: unused
            async with aio.Client(fake.url, conf=conf) as client:
                assert await client.ping()
            return proxy

    proxy = run(scenario())
    port = fake.url.rsplit(":", 1)[1]
    assert [line for line, _ in proxy.connects] == [f"CONNECT 127.0.0.1:{port} HTTP/1.1"]
    assert proxy.upstream.startswith(b"\x16\x03")  # a TLS handshake record, first thing
    assert b"websocket" not in proxy.upstream and b"queue_list" not in proxy.upstream
    assert fake.actions() == ["queue_list"]  # what ping sends, over the tunnel


def test_a_refusing_proxy_is_a_typed_error_without_the_password(
    server: ReferenceServer, clean_env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    password = "pr0xy-s3cret"

    async def scenario() -> tuple[ConnectProxy, errors.ConnectionError, str]:
        async with ConnectProxy(refuse=407) as proxy:
            clean_env.setenv("http_proxy", proxy.url(f"alice:{password}@"))
            client = aio.Client(ws_url(server), conf=CONF)
            with pytest.raises(errors.ConnectionError) as caught:
                await client.queue("q").post({"body": 1})
            shown = repr(client) + repr(client.transport()) + repr(caught.value)
            await client.close()
            return proxy, caught.value, shown

    with caplog.at_level(logging.DEBUG, logger="zaqarclient"):
        proxy, error, shown = run(scenario())
    text = str(error)
    assert "proxy" in text and "refused" in text and "407" in text
    assert error.request_sent is False
    encoded = base64.b64encode(f"alice:{password}".encode()).decode()
    assert proxy.connects[0][1]["Proxy-Authorization"] == "Basic " + encoded
    for seen in (text, shown, caplog.text):
        assert password not in seen and encoded not in seen


def test_an_unusable_proxy_url_is_a_configuration_error(
    server: ReferenceServer, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("http_proxy", "socks5://user:pw-s3cret@127.0.0.1:1080")

    async def scenario() -> None:
        async with aio.Client(ws_url(server), conf=CONF) as client:
            with pytest.raises(errors.ConfigurationError, match="http://host:port") as caught:
                await client.ping()
            assert "pw-s3cret" not in str(caught.value)

    run(scenario())


def test_aio_http_keeps_its_rule_all_proxy_included(clean_env: pytest.MonkeyPatch) -> None:
    """The shared rule (transport.env_proxy) still gives HTTP requests' all_proxy fallback."""
    with LoopbackServer([Reply(200, {"messages": {}})]) as proxy:
        clean_env.setenv("ALL_PROXY", proxy.url)

        async def scenario() -> None:
            async with aio.Client("http://zaqar.example:8888", conf=CONF) as client:
                await client.queue("q").stats()

        run(scenario())
    assert proxy.requests[0].path == "http://zaqar.example:8888/v2/queues/q/stats"
