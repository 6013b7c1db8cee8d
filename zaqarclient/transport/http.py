"""The HTTP transport on urllib3's connection pool (the default for http:// and https://).

:class:`HttpTransport` implements :class:`~zaqarclient.transport.contract.Transport`:
it builds the HTTP request (:mod:`~zaqarclient.transport.http_wire`), sends it on a
keep-alive pool with the TLS options and an environment proxy, and reads the
reply. urllib3's exceptions are translated here into
:class:`~zaqarclient.errors.ConnectionError` and
:class:`~zaqarclient.errors.TimeoutError`. Retries, auth and error statuses are
the pipeline's (:mod:`zaqarclient.transport.pipeline`).
"""

from __future__ import annotations

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)

from zaqarclient.auth.base import TLSOptions
from zaqarclient.errors import ConnectionError, TimeoutError
from zaqarclient.transport import one_write as one_write_path
from zaqarclient.transport.contract import Headers, Result
from zaqarclient.transport.env_proxy import environ_proxy
from zaqarclient.transport.http_wire import HttpCall, HttpWire, encode_query
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import Request
from zaqarclient.transport.routes import Api
from zaqarclient.transport.timeouts import DEFAULT_TIMEOUT, Timeout, parse_timeout

__all__ = ["DEFAULT_TIMEOUT", "HttpTransport", "encode_query", "parse_timeout"]


def _root_cause(exc: BaseException) -> BaseException:
    """The error a urllib3 wrapper (``MaxRetryError``, ``ProxyError``) carries, if any."""
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, BaseException) else exc


def _never_sent(exc: BaseException) -> bool:
    """True when the connection could not be opened, so the request never left."""
    return isinstance(exc, (NewConnectionError, ConnectTimeoutError)) or isinstance(
        _root_cause(exc), (NewConnectionError, ConnectTimeoutError)
    )


def _is_timeout(exc: BaseException) -> bool:
    # urllib3 makes NewConnectionError (refused, unreachable) a ConnectTimeoutError.
    cause = _root_cause(exc)
    if isinstance(exc, NewConnectionError) or isinstance(cause, NewConnectionError):
        return False
    return isinstance(exc, (ReadTimeoutError, ConnectTimeoutError)) or isinstance(
        cause, (ReadTimeoutError, ConnectTimeoutError)
    )


def connection_error(
    exc: BaseException, call: HttpCall, endpoint: str, timeout: Timeout
) -> ConnectionError:
    """The SDK error for a send that got no answer (``exc`` from urllib3 or a socket)."""
    safe_url = redact_url(call.url)
    sent = not _never_sent(exc)
    if _is_timeout(exc):
        kind = "read" if sent else "connect"
        return TimeoutError(
            f"Zaqar did not answer in time ({kind} timeout, timeout={timeout})",
            method=call.method, url=safe_url, request_sent=sent,
        )
    cause = _root_cause(exc)
    if isinstance(exc, SSLError) or isinstance(cause, SSLError):
        message = f"TLS error talking to Zaqar: {cause}"
    elif isinstance(exc, ProxyError):
        message = f"Proxy error talking to Zaqar: {exc}"
    elif not sent:
        message = f"Cannot connect to Zaqar at {redact_url(endpoint)}"
    else:
        message = f"Connection to Zaqar failed: {type(exc).__name__}"
    return ConnectionError(message, method=call.method, url=safe_url, request_sent=sent)


def _pool_manager(
    tls: TLSOptions, pool_size: int, proxy: str | None
) -> urllib3.PoolManager:
    """A urllib3 pool manager honouring the TLS options and an environment proxy."""
    verify = tls.verify
    ca_certs = verify if isinstance(verify, str) else (None if verify is False else _ca_bundle())
    cert_file, key_file = tls.cert if isinstance(tls.cert, tuple) else (tls.cert, None)
    cert_reqs = "CERT_NONE" if verify is False else "CERT_REQUIRED"
    if proxy:
        return urllib3.ProxyManager(
            proxy, num_pools=4, maxsize=pool_size, block=False, cert_reqs=cert_reqs,
            ca_certs=ca_certs, cert_file=cert_file, key_file=key_file,
        )
    return urllib3.PoolManager(
        num_pools=4, maxsize=pool_size, block=False, cert_reqs=cert_reqs, ca_certs=ca_certs,
        cert_file=cert_file, key_file=key_file,
    )


def _ca_bundle() -> str | None:
    try:
        import certifi  # comes with requests; a system without it uses the OpenSSL default
    except ImportError:  # pragma: no cover
        return None
    return str(certifi.where())


class HttpTransport:
    """Sends requests to one Zaqar endpoint over HTTP(S) on a keep-alive pool.

    ``timeout`` is seconds or a (connect, read) pair; ``one_write`` turns on
    the opt-in fast path of :mod:`zaqarclient.transport.one_write`.
    """

    def __init__(
        self,
        endpoint: str,
        api: Api,
        *,
        tls: TLSOptions | None = None,
        timeout: object = None,
        pool_size: int = 10,
        one_write: bool = False,
    ) -> None:
        self.wire = HttpWire(endpoint, api)
        self.endpoint = self.wire.endpoint
        self.timeout = parse_timeout(timeout)
        proxy = environ_proxy(self.endpoint)
        self._pool = _pool_manager(tls or TLSOptions(), pool_size, proxy)
        parsed = urllib3.util.parse_url(self.endpoint)
        # Through a proxy every request takes the pool manager's full-URL path.
        self._origin = "\0" if proxy else f"{parsed.scheme}://{parsed.netloc}"
        self._endpoint_pool = self._pool.connection_from_url(self.endpoint)
        if one_write and not proxy:
            one_write_path.install(self._endpoint_pool)
        self._urllib3_timeout = (
            urllib3.Timeout(connect=self.timeout[0], read=self.timeout[1])
            if isinstance(self.timeout, tuple)
            else urllib3.Timeout(total=None, connect=self.timeout, read=self.timeout)
        )

    def handle(self, request: Request, headers: Headers) -> Result:
        """Send ``request``; the reply as a result (``ConnectionError`` if none came)."""
        call = self.wire.call(request, headers)
        url = call.url
        try:
            if url.startswith(self._origin):
                # Most calls go to the endpoint's own host: use its pool directly and
                # skip the pool manager's per-call URL parsing and key lookup.
                raw = self._endpoint_pool.urlopen(
                    call.method, url[len(self._origin):] or "/", body=call.body,
                    headers=call.headers, timeout=self._urllib3_timeout, retries=False,
                    redirect=False, preload_content=True, assert_same_host=False,
                )
            else:
                raw = self._pool.urlopen(
                    call.method, url, body=call.body, headers=call.headers,
                    timeout=self._urllib3_timeout, retries=False, redirect=False,
                    preload_content=True,
                )
        except (HTTPError, OSError) as exc:
            raise connection_error(exc, call, self.endpoint, self.timeout) from exc
        return self.wire.result(request, call, raw.status, raw.headers, raw.data)

    def describe(self, request: Request) -> str:
        """``METHOD url`` of ``request``, without secrets."""
        return self.wire.describe(request)

    def close(self) -> None:
        """Close pooled connections."""
        self._pool.clear()
