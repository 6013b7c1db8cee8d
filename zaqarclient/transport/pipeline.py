"""The policies every call goes through, above whichever transport carries it.

:meth:`Pipeline.call` runs, in this order (each one place, for every transport):

1. the route: ``UnsupportedVersion`` before anything is sent, and the
   ``idempotent`` flag (or the request's ``retry``) that decides resends;
2. headers: ``Client-ID``, ``User-Agent``, ``Accept``, the conf's ``headers``,
   the auth flow's headers, the request's own, OSprofiler trace headers;
3. the auth flow (:meth:`~zaqarclient.auth.base.AuthBackend.auth_flow`): a
   401 may be answered by re-authenticating and sending once more;
4. retries (:class:`~zaqarclient.transport.retry.RetryPolicy`): after no
   answer (idempotent requests, or any request that surely never left), and
   after a "try again later" status (idempotent requests), with backoff;
5. error mapping (:mod:`~zaqarclient.transport.error_mapper`): an error
   status, or a success whose body is not JSON, becomes the typed exception;
6. debug logging of each send and answer, secrets redacted.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from concurrent.futures import Future

from zaqarclient import __version__
from zaqarclient.auth.base import AuthBackend
from zaqarclient.errors import ConnectionError
from zaqarclient.tracing import add_trace_headers
from zaqarclient.transport.contract import (
    Headers,
    JSONValue,
    PipeliningTransport,
    Result,
    Transport,
)
from zaqarclient.transport.error_mapper import error_from_result, invalid_body
from zaqarclient.transport.redaction import redact_body, redact_headers
from zaqarclient.transport.request import NO_BODY, Request
from zaqarclient.transport.retry import RetryPolicy
from zaqarclient.transport.routes import Api, Route

LOG = logging.getLogger("zaqarclient")
_LOG_BODY_LIMIT = 2048


class Pipeline:
    """Sends requests through ``transport`` with the client's headers, auth, retries and errors."""

    def __init__(
        self,
        transport: Transport,
        api: Api,
        auth: AuthBackend,
        *,
        client_id: str,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.transport = transport
        self.api = api
        self.auth = auth
        self.retry = retry
        base = {
            "Client-ID": client_id,
            "Accept": "application/json",
            "User-Agent": f"zaqarclient/{__version__}",
        }
        base.update(headers or {})
        self._base_headers = base

    def call(self, request: Request) -> Result:
        """Send ``request``; its result, or the typed error for what came back."""
        route = self.api.route(request.operation)
        idempotent = route.idempotent if request.retry is None else request.retry
        flow = self.auth.auth_flow()
        auth_headers = next(flow)
        while True:
            result = self._send(request, auth_headers, idempotent)
            try:
                auth_headers = flow.send(result)
            except StopIteration:
                return self.check(result, route)

    def submit(self, request: Request) -> Future[Result]:
        """Send ``request`` without waiting (pipelining transports only); no resends.

        The future resolves to the checked result or to the mapped error.
        """
        transport = self.transport
        if not isinstance(transport, PipeliningTransport):
            raise TypeError(f"{type(transport).__name__} cannot have requests in flight")
        route = self.api.route(request.operation)
        headers = self.headers(next(self.auth.auth_flow()), request.headers)
        return transport.submit(request, headers, lambda result: self.check(result, route))

    def headers(self, auth_headers: Headers, extra: Headers | None) -> dict[str, str]:
        """The headers of one send: the client's, the auth flow's, the request's, tracing."""
        headers = {**self._base_headers, **auth_headers}
        if extra:
            headers.update(extra)
        add_trace_headers(headers)
        return headers

    def check(self, result: Result, route: Route) -> Result:
        """``result`` when its status is a normal answer and its body decodes, else the error."""
        if result.status < 300 or result.status in route.answers:
            try:
                result.data  # noqa: B018 - decoded now, so a bad body fails here, typed
            except ValueError as exc:
                raise invalid_body(result, exc) from None
            return result
        raise error_from_result(result)

    def _send(self, request: Request, auth_headers: Headers, idempotent: bool) -> Result:
        """One send and the resends the retry policy allows."""
        policy = self.retry
        attempt = 0
        while True:
            headers = self.headers(auth_headers, request.headers)
            debug = LOG.isEnabledFor(logging.DEBUG)
            if debug:
                LOG.debug(
                    "REQ %s headers=%s body=%s", self.transport.describe(request),
                    redact_headers(headers), _loggable_value(request.body),
                )
            started = time.monotonic()
            try:
                result = self.transport.handle(request, headers)
            except ConnectionError as exc:
                if not policy.retry_error(exc, idempotent, attempt):
                    raise
                self._wait(request, type(exc).__name__, attempt)
                attempt += 1
                continue
            if debug:
                LOG.debug(
                    "RESP %s %s -> %d in %.1fms request-id=%s body=%s",
                    result.method, result.url, result.status,
                    (time.monotonic() - started) * 1000, result.request_id, _loggable(result),
                )
            if not policy.retry_status(result.status, idempotent, attempt):
                return result
            self._wait(request, f"answered {result.status}", attempt, result)
            attempt += 1

    def _wait(self, request: Request, why: str, attempt: int, result: Result | None = None) -> None:
        policy = self.retry
        wait = policy.delay(attempt, result.headers.get("retry-after") if result else None)
        LOG.warning(
            "%s %s; retry %d/%d in %.2fs", self.transport.describe(request), why,
            attempt + 1, policy.max_retries, wait,
        )
        policy.sleep(wait)


def _loggable_value(value: JSONValue) -> str:
    if value is NO_BODY or value is None:
        return "-"
    return _limited(json.dumps(redact_body(value), default=repr))


def _loggable(result: Result) -> str:
    if result.content:
        try:
            return _loggable_value(json.loads(result.content))
        except ValueError:
            return _limited(result.content.decode("utf-8", "replace"))
    return _loggable_value(result.data)


def _limited(text: str) -> str:
    if len(text) > _LOG_BODY_LIMIT:
        return text[:_LOG_BODY_LIMIT] + f"... ({len(text)} characters)"
    return text
