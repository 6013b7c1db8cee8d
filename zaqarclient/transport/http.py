"""The HTTP transport: one ``requests.Session`` per client, retries, error mapping."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import requests
import requests.adapters
import urllib3
from urllib3 import HTTPHeaderDict
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)

from zaqarclient import __version__
from zaqarclient.auth.base import AuthBackend
from zaqarclient.errors import ConfigurationError, ConnectionError, TimeoutError
from zaqarclient.tracing import add_trace_headers
from zaqarclient.transport.error_mapper import error_from_response
from zaqarclient.transport.one_write import OneWriteHTTPConnection, OneWriteHTTPSConnection
from zaqarclient.transport.redaction import redact_body, redact_headers, redact_url
from zaqarclient.transport.request import NO_BODY, Api, Request, Response
from zaqarclient.transport.retry import RetryPolicy

LOG = logging.getLogger("zaqarclient")

#: Default (connect, read) timeouts in seconds.
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 30.0)
_LOG_BODY_LIMIT = 2048


def encode_query(params: Mapping[str, Any]) -> str:
    """A query string with list values joined by literal commas.

    Zaqar splits ``ids``/``claim_ids`` on literal commas only; a ``%2C`` is
    part of an id, so the usual URL encoders cannot be used.
    """
    parts = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (list, tuple, set, frozenset)):
            text = ",".join(quote(str(item), safe="") for item in value)
            parts.append(f"{quote(key, safe='')}={text}")
            continue
        else:
            text = str(value)
        parts.append(f"{quote(key, safe='')}={quote(text, safe='')}")
    return "&".join(parts)


def parse_timeout(value: Any) -> float | tuple[float, float]:
    """A ``requests`` timeout from a conf value: seconds or (connect, read)."""
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in value)
    ):
        return (float(value[0]), float(value[1]))
    raise ConfigurationError(
        f"timeout must be a positive number of seconds or a (connect, read) pair, not {value!r}"
    )


#: What a send can raise when no response arrives (urllib3 or a mounted requests adapter).
SendError = (HTTPError, requests.RequestException, OSError)


def _root_cause(exc: BaseException) -> BaseException:
    """The urllib3 error inside a requests exception, if any."""
    reason = exc.args[0] if isinstance(exc, requests.RequestException) and exc.args else exc
    return getattr(reason, "reason", None) or reason


def _never_sent(exc: BaseException) -> bool:
    """True when the connection could not be opened, so the request never left."""
    if isinstance(exc, (requests.exceptions.ConnectTimeout, ConnectTimeoutError)):
        return True
    return isinstance(_root_cause(exc), (NewConnectionError, ConnectTimeoutError))


def _is_timeout(exc: BaseException) -> bool:
    # urllib3 makes NewConnectionError (refused, unreachable) a ConnectTimeoutError.
    if isinstance(exc, NewConnectionError) or isinstance(_root_cause(exc), NewConnectionError):
        return False
    return isinstance(exc, (requests.Timeout, ReadTimeoutError, ConnectTimeoutError)) or (
        isinstance(_root_cause(exc), (ReadTimeoutError, ConnectTimeoutError))
    )


class _Raw:
    """A response from either sender: status, case-insensitive headers, body bytes."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: Any, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


def _pool_manager(tls_verify: bool | str, cert: Any, pool_size: int, proxy: str | None) -> Any:
    """A urllib3 pool manager honouring the TLS options and an environment proxy."""
    kwargs: dict[str, Any] = {"num_pools": 4, "maxsize": pool_size, "block": False}
    if tls_verify is False:
        kwargs["cert_reqs"] = "CERT_NONE"
    else:
        kwargs["cert_reqs"] = "CERT_REQUIRED"
        kwargs["ca_certs"] = tls_verify if isinstance(tls_verify, str) else _default_ca_bundle()
    if isinstance(cert, tuple):
        kwargs["cert_file"], kwargs["key_file"] = cert
    elif cert:
        kwargs["cert_file"] = cert
    if proxy:
        return urllib3.ProxyManager(proxy, **kwargs)
    return urllib3.PoolManager(**kwargs)


def _default_ca_bundle() -> str | None:
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with requests
        return None
    return str(certifi.where())


class HttpTransport:
    """Sends :class:`Request` objects over HTTP(S) to one Zaqar endpoint.

    One ``requests.Session`` (keep-alive, connection pool) serves every
    call. Auth headers come from the backend; errors come back as
    :class:`~zaqarclient.errors.TransportError` subclasses; idempotent
    requests are retried per the :class:`RetryPolicy`.
    """

    def __init__(
        self,
        endpoint: str,
        api: Api,
        auth: AuthBackend,
        *,
        client_id: str,
        timeout: Any = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        pool_size: int = 10,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.api = api
        self.auth = auth
        self.client_id = client_id
        self.timeout = parse_timeout(timeout)
        self.retry = retry or RetryPolicy()
        self.version_root = f"{self.endpoint}/{api.label}/"
        proxies = requests.utils.get_environ_proxies(self.endpoint)
        proxy = proxies.get(self.endpoint.split(":", 1)[0]) or proxies.get("all")
        self._pool = _pool_manager(auth.tls.verify, auth.tls.cert, pool_size, proxy)
        parsed = urllib3.util.parse_url(self.endpoint)
        # Through a proxy every request takes the pool manager's full-URL path.
        self._origin = "\0" if proxy else f"{parsed.scheme}://{parsed.netloc}"
        self._endpoint_pool = self._pool.connection_from_url(self.endpoint)
        if not proxy:
            self._endpoint_pool.ConnectionCls = (
                OneWriteHTTPSConnection if parsed.scheme == "https" else OneWriteHTTPConnection
            )
        self._timeout = (
            urllib3.Timeout(connect=self.timeout[0], read=self.timeout[1])
            if isinstance(self.timeout, tuple)
            else urllib3.Timeout(total=None, connect=self.timeout, read=self.timeout)
        )
        # Requests adapters mounted for in-process servers (zero-socket mode).
        self._mounted: requests.Session | None = None
        self._mounted_prefixes: tuple[str, ...] = ()
        # In-process handlers that take raw requests directly (no requests overhead).
        self._direct: list[tuple[str, Any]] = []
        self._verify = auth.tls.verify
        self._cert = auth.tls.cert
        base = {
            "Client-ID": client_id,
            "Accept": "application/json",
            "User-Agent": f"zaqarclient/{__version__}",
        }
        base.update(headers or {})
        self._base_headers = base
        self._static_headers: dict[str, str] | None = None
        if not auth.dynamic:
            self._static_headers = {**base, **auth.headers()}

    # -- public API ---------------------------------------------------------

    def send(self, request: Request) -> Response:
        """Send ``request``; return the response or raise the mapped error."""
        route = self.api.route(request.operation)
        if request.ref is not None:
            url = self.absolute(request.ref)
        else:
            path = route.path
            if request.path_params:
                path = path.format(
                    **{k: quote(str(v), safe="") for k, v in request.path_params.items()}
                )
            url = self.endpoint + path if path.startswith("/") else self.version_root + path
        if request.params:
            query = encode_query(request.params)
            if query:
                url = f"{url}{'&' if '?' in url else '?'}{query}"
        body: bytes | None = None
        content_type = None
        if request.body is not NO_BODY:
            body = json.dumps(request.body, separators=(",", ":")).encode("utf-8")
            content_type = route.content_type
        retryable = route.idempotent if request.retry is None else request.retry
        return self._send(route.method, url, body, content_type, request, retryable)

    def follow(self, href: str) -> Response:
        """GET a ``links`` href (an absolute path such as ``/v2/queues?marker=x``)."""
        return self._send("GET", self.absolute(href), None, None, None, True)

    def absolute(self, href: str) -> str:
        """The full URL of a server-relative href."""
        if href.startswith(("http://", "https://")):
            return href
        if not href.startswith("/"):
            return self.version_root + href
        return self.endpoint + href

    def mount(self, prefix: str, adapter: requests.adapters.BaseAdapter) -> None:
        """Route URLs starting with ``prefix`` through a ``requests`` adapter.

        For in-process servers (zero-socket mode) and custom transports;
        everything else goes through the client's own urllib3 pool. An
        adapter with a ``send_raw(method, url, headers, body)`` method
        returning ``(status, header pairs, body bytes)`` is called directly.
        """
        send_raw = getattr(adapter, "send_raw", None)
        if callable(send_raw):
            self._direct.append((prefix, send_raw))
            return
        if self._mounted is None:
            self._mounted = requests.Session()
            self._mounted.trust_env = False
        self._mounted.mount(prefix, adapter)
        self._mounted_prefixes = (*self._mounted_prefixes, prefix)

    def close(self) -> None:
        """Close pooled connections."""
        self._pool.clear()
        if self._mounted is not None:
            self._mounted.close()

    def _raw_send(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str]
    ) -> _Raw:
        for prefix, send_raw in self._direct:
            if url.startswith(prefix):
                status, header_pairs, content = send_raw(method, url, headers, body)
                return _Raw(status, HTTPHeaderDict(header_pairs), content)
        if self._mounted_prefixes and url.startswith(self._mounted_prefixes):
            assert self._mounted is not None
            response = self._mounted.request(
                method, url, data=body, headers=headers, timeout=self.timeout,
                verify=self._verify, cert=self._cert, allow_redirects=False,
            )
            return _Raw(response.status_code, response.headers, response.content)
        if url.startswith(self._origin):
            # Most calls go to the endpoint's own host: use its pool directly and
            # skip the pool manager's per-call URL parsing and key lookup.
            raw = self._endpoint_pool.urlopen(
                method, url[len(self._origin):] or "/", body=body, headers=headers,
                timeout=self._timeout, retries=False, redirect=False, preload_content=True,
                assert_same_host=False,
            )
        else:
            raw = self._pool.urlopen(
                method, url, body=body, headers=headers, timeout=self._timeout,
                retries=False, redirect=False, preload_content=True,
            )
        return _Raw(raw.status, raw.headers, raw.data)

    # -- internals ----------------------------------------------------------

    def _headers(self, content_type: str | None, extra: Mapping[str, str] | None) -> dict[str, str]:
        if self._static_headers is not None:
            headers = dict(self._static_headers)
        else:
            headers = {**self._base_headers, **self.auth.headers()}
        if content_type is not None:
            headers["Content-Type"] = content_type
        if extra:
            headers.update(extra)
        add_trace_headers(headers)
        return headers

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        content_type: str | None,
        request: Request | None,
        retryable: bool,
    ) -> Response:
        policy = self.retry
        attempt = 0
        reauthenticated = False
        extra = request.headers if request is not None else None
        while True:
            headers = self._headers(content_type, extra)
            debug = LOG.isEnabledFor(logging.DEBUG)
            if debug:
                self._log_request(method, url, headers, body)
            started = time.monotonic()
            try:
                raw = self._raw_send(method, url, body, headers)
            except SendError as exc:
                may_retry = retryable or _never_sent(exc) or policy.retry_non_idempotent
                if may_retry and attempt < policy.max_retries:
                    wait = policy.delay(attempt)
                    LOG.warning(
                        "%s %s failed (%s); retry %d/%d in %.2fs",
                        method, redact_url(url), type(exc).__name__,
                        attempt + 1, policy.max_retries, wait,
                    )
                    policy.sleep(wait)
                    attempt += 1
                    continue
                raise self._connection_error(exc, method, url) from exc
            status = raw.status_code
            if debug:
                self._log_response(method, url, raw, time.monotonic() - started)
            if status < 300:
                return Response(request, raw.content, raw.headers, status)
            if status == 401 and not reauthenticated and self.auth.reauthenticate():
                reauthenticated = True
                continue
            if (
                status in policy.retry_statuses
                and (retryable or policy.retry_non_idempotent)
                and attempt < policy.max_retries
            ):
                wait = policy.delay(attempt, raw.headers.get("retry-after"))
                LOG.warning(
                    "%s %s answered %d; retry %d/%d in %.2fs",
                    method, redact_url(url), status, attempt + 1, policy.max_retries, wait,
                )
                policy.sleep(wait)
                attempt += 1
                continue
            if status == 300 and request is not None and request.operation == "versions":
                return Response(request, raw.content, raw.headers, status)
            raise error_from_response(
                status, raw.headers, raw.content, method=method, url=redact_url(url)
            )

    def _connection_error(self, exc: BaseException, method: str, url: str) -> ConnectionError:
        safe_url = redact_url(url)
        if _is_timeout(exc):
            kind = "connect" if _never_sent(exc) else "read"
            return TimeoutError(
                f"Zaqar did not answer in time ({kind} timeout, timeout={self.timeout})",
                method=method,
                url=safe_url,
            )
        if isinstance(exc, (requests.exceptions.SSLError, SSLError)) or isinstance(
            _root_cause(exc), SSLError
        ):
            message = f"TLS error talking to Zaqar: {_root_cause(exc)}"
        elif isinstance(exc, ProxyError):
            message = f"Proxy error talking to Zaqar: {exc}"
        elif _never_sent(exc):
            message = f"Cannot connect to Zaqar at {self.endpoint}"
        else:
            message = f"Connection to Zaqar failed: {type(exc).__name__}"
        return ConnectionError(message, method=method, url=safe_url)

    def _log_request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> None:
        LOG.debug(
            "REQ %s %s headers=%s body=%s",
            method, redact_url(url), redact_headers(headers), _loggable(body),
        )

    def _log_response(self, method: str, url: str, raw: _Raw, elapsed: float) -> None:
        LOG.debug(
            "RESP %s %s -> %d in %.1fms request-id=%s body=%s",
            method, redact_url(url), raw.status_code, elapsed * 1000,
            raw.headers.get("x-openstack-request-id"), _loggable(raw.content),
        )


def _loggable(body: bytes | None) -> str:
    if not body:
        return "-"
    try:
        text = json.dumps(redact_body(json.loads(body)))
    except ValueError:
        text = body.decode("utf-8", "replace")
    if len(text) > _LOG_BODY_LIMIT:
        text = text[:_LOG_BODY_LIMIT] + f"... ({len(body)} bytes)"
    return text
