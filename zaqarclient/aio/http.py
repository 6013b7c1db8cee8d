"""The asyncio HTTP transport, on aiohttp's connection pool.

Requests are built and replies read by the same
:class:`~zaqarclient.transport.http_wire.HttpWire` as the sync transports;
this module sends them with aiohttp (picked over httpx by measurement:
``benchmarks/aio_http_libs.py``, figures in the docs) and translates
aiohttp's exceptions into :class:`~zaqarclient.errors.ConnectionError` and
:class:`~zaqarclient.errors.TimeoutError`. Proxies come from the
environment, as for the sync client.
"""

from __future__ import annotations

import builtins
import ssl

import aiohttp

from zaqarclient.auth.base import TLSOptions
from zaqarclient.errors import ConnectionError, TimeoutError
from zaqarclient.transport.contract import Headers, Result
from zaqarclient.transport.env_proxy import environ_proxy
from zaqarclient.transport.http_wire import HttpCall, HttpWire
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import Request
from zaqarclient.transport.routes import Api
from zaqarclient.transport.timeouts import Timeout, parse_timeout


def ssl_context(tls: TLSOptions) -> ssl.SSLContext | bool:
    """aiohttp's ``ssl`` argument for the auth backend's TLS settings."""
    if tls.verify is False and tls.cert is None:
        return False
    return tls.ssl_context()


def _client_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    if isinstance(timeout, tuple):
        return aiohttp.ClientTimeout(total=None, sock_connect=timeout[0], sock_read=timeout[1])
    return aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout)


def connection_error(
    exc: BaseException, call: HttpCall, endpoint: str, timeout: Timeout
) -> ConnectionError:
    """The SDK error for a send that got no answer (``exc`` from aiohttp or asyncio)."""
    safe_url = redact_url(call.url)
    never_sent = isinstance(exc, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError))
    if isinstance(exc, (builtins.TimeoutError, aiohttp.ServerTimeoutError)):
        kind = "connect" if never_sent else "read"
        return TimeoutError(
            f"Zaqar did not answer in time ({kind} timeout, timeout={timeout})",
            method=call.method, url=safe_url, request_sent=not never_sent,
        )
    if isinstance(exc, (aiohttp.ClientSSLError, ssl.SSLError)):
        message = f"TLS error talking to Zaqar: {exc}"
    elif isinstance(exc, aiohttp.ClientProxyConnectionError):
        message = f"Proxy error talking to Zaqar: {exc}"
    elif never_sent:
        message = f"Cannot connect to Zaqar at {redact_url(endpoint)}"
    else:
        message = f"Connection to Zaqar failed: {type(exc).__name__}"
    return ConnectionError(message, method=call.method, url=safe_url, request_sent=not never_sent)


class AiohttpTransport:
    """Sends requests to one Zaqar endpoint over HTTP(S) on an aiohttp keep-alive pool.

    ``timeout`` is seconds or a (connect, read) pair; ``pool_size`` bounds
    the connections open at once (requests beyond it wait for one).
    The session is opened on first use, inside the running event loop.
    """

    def __init__(
        self,
        endpoint: str,
        api: Api,
        *,
        tls: TLSOptions | None = None,
        timeout: object = None,
        pool_size: int = 100,
    ) -> None:
        self.wire = HttpWire(endpoint, api)
        self.endpoint = self.wire.endpoint
        self.timeout = parse_timeout(timeout)
        self._ssl = ssl_context(tls or TLSOptions())
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None
        # The environment's proxy, read once as the sync transport does (aiohttp's
        # trust_env reads the environment and netrc on a thread for every request).
        self._proxy = environ_proxy(self.endpoint)

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self._pool_size, ssl=self._ssl)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=_client_timeout(self.timeout), trust_env=False,
            auto_decompress=True, skip_auto_headers=("User-Agent", "Content-Type"),
        )
        return self._session

    async def handle(self, request: Request, headers: Headers) -> Result:
        """Send ``request``; the reply as a result (``ConnectionError`` if none came)."""
        call = self.wire.call(request, headers)
        session = self._session or self._open()
        try:
            async with session.request(
                call.method, call.url, data=call.body, headers=call.headers,
                allow_redirects=False, proxy=self._proxy,
            ) as answer:
                content = await answer.read()
                return self.wire.result(request, call, answer.status, answer.headers, content)
        except (aiohttp.ClientError, builtins.TimeoutError, OSError) as exc:
            raise connection_error(exc, call, self.endpoint, self.timeout) from exc

    def describe(self, request: Request) -> str:
        """``METHOD url`` of ``request``, without secrets."""
        return self.wire.describe(request)

    async def close(self) -> None:
        """Close pooled connections."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()
