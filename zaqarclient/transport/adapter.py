"""A transport over a mounted ``requests`` transport adapter (``Client.mount``).

``requests.adapters.BaseAdapter.send(prepared_request, ...)`` is the public
seam of ``requests``; any adapter (``HTTPAdapter`` subclasses, requests-mock,
a proxy written for tests) plugs in here. ``requests``' exceptions are
translated into the SDK's connection errors here, once.
"""

from __future__ import annotations

import requests
import requests.adapters
import requests.exceptions
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from zaqarclient.auth.base import TLSOptions
from zaqarclient.errors import ConnectionError, TimeoutError
from zaqarclient.transport.contract import Headers, Result
from zaqarclient.transport.http_wire import HttpCall, HttpWire
from zaqarclient.transport.redaction import redact_url
from zaqarclient.transport.request import Request
from zaqarclient.transport.timeouts import Timeout


def _reason(exc: BaseException) -> object:
    """The urllib3 error a requests exception wraps (requests puts it in ``args[0]``)."""
    reason = exc.args[0] if exc.args else exc
    return getattr(reason, "reason", None) or reason


def _adapter_error(exc: BaseException, call: HttpCall, timeout: Timeout) -> ConnectionError:
    safe_url = redact_url(call.url)
    never_sent = isinstance(exc, requests.exceptions.ConnectTimeout) or isinstance(
        _reason(exc), (NewConnectionError, ConnectTimeoutError)
    )
    if isinstance(exc, requests.exceptions.Timeout):
        kind = "connect" if never_sent else "read"
        return TimeoutError(
            f"Zaqar did not answer in time ({kind} timeout, timeout={timeout})",
            method=call.method, url=safe_url, request_sent=not never_sent,
        )
    if isinstance(exc, requests.exceptions.SSLError):
        message = f"TLS error talking to Zaqar: {exc}"
    elif never_sent:
        message = f"Cannot connect to Zaqar at {safe_url}"
    else:
        message = f"Connection to Zaqar failed: {type(exc).__name__}"
    return ConnectionError(message, method=call.method, url=safe_url, request_sent=not never_sent)


class AdapterTransport:
    """Sends every request through one ``requests`` adapter."""

    def __init__(
        self,
        wire: HttpWire,
        adapter: requests.adapters.BaseAdapter,
        *,
        tls: TLSOptions | None = None,
        timeout: Timeout = 30.0,
    ) -> None:
        self.wire = wire
        self.adapter = adapter
        self.tls = tls or TLSOptions()
        self.timeout = timeout

    def handle(self, request: Request, headers: Headers) -> Result:
        """Send ``request`` through the adapter; its reply as a result."""
        call = self.wire.call(request, headers)
        prepared = requests.Request(
            call.method, call.url, headers=call.headers, data=call.body
        ).prepare()
        try:
            response = self.adapter.send(
                prepared, stream=False, timeout=self.timeout, verify=self.tls.verify,
                cert=self.tls.cert, proxies={},
            )
        except (requests.RequestException, OSError) as exc:
            raise _adapter_error(exc, call, self.timeout) from exc
        return self.wire.result(
            request, call, response.status_code, response.headers, response.content
        )

    def describe(self, request: Request) -> str:
        """``METHOD url`` of ``request``, without secrets."""
        return self.wire.describe(request)

    def close(self) -> None:
        """Close the adapter."""
        self.adapter.close()
