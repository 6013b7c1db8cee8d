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

The decisions are :class:`Policies`, written once as steps without I/O
(:meth:`Policies.steps` yields :class:`Send` and :class:`Wait`);
:class:`Pipeline` drives them with a blocking transport and
:class:`zaqarclient.aio.pipeline.AsyncPipeline` with an asyncio one.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Generator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol, TypeAlias, cast

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


@dataclass(frozen=True, slots=True)
class Send:
    """A step of a call: send the request with these headers, and resume with the result.

    A driver resumes the steps with the transport's :class:`Result`, or throws
    the :class:`~zaqarclient.errors.ConnectionError` it raised into them.
    """

    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class Wait:
    """A step of a call: wait ``seconds`` before the next send, then resume with ``None``."""

    seconds: float


#: The decisions of one call, without I/O: steps to drive, the checked result at the end.
CallSteps: TypeAlias = Generator[Send | Wait, Result | None, Result]


class Describes(Protocol):
    """What the policies need from a transport, sync or async: where a request goes."""

    def describe(self, request: Request) -> str:
        """Where ``request`` would go (method and URL or action; no secrets)."""
        ...


class Policies:
    """The decisions of every call, as steps a sync or an async driver runs.

    :meth:`steps` yields :class:`Send` and :class:`Wait` steps; the sync
    :class:`Pipeline` drives them with a blocking transport, the asyncio one
    (:mod:`zaqarclient.aio.pipeline`) with an awaitable one.
    """

    def __init__(
        self,
        transport: Describes,
        api: Api,
        auth: AuthBackend,
        *,
        client_id: str,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.describer = transport
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

    def steps(self, request: Request) -> CallSteps:
        """The sends and waits of ``request``; returns its checked result."""
        route = self.api.route(request.operation)
        idempotent = route.idempotent if request.retry is None else request.retry
        flow = self.auth.auth_flow()
        auth_headers = next(flow)
        while True:
            result = yield from self._sends(request, auth_headers, idempotent)
            try:
                auth_headers = flow.send(result)
            except StopIteration:
                return self.check(result, route)

    def headers(self, auth_headers: Headers, extra: Headers | None) -> dict[str, str]:
        """The headers of one send: the client's, the auth flow's, the request's, tracing."""
        headers = {**self._base_headers, **auth_headers}
        if extra:
            headers.update(extra)
        add_trace_headers(headers)
        return headers

    def first_headers(self, request: Request) -> dict[str, str]:
        """The headers of a send that is never repeated (pipelined requests)."""
        return self.headers(next(self.auth.auth_flow()), request.headers)

    def check(self, result: Result, route: Route) -> Result:
        """``result`` when its status is a normal answer and its body decodes, else the error."""
        if result.status < 300 or result.status in route.answers:
            try:
                result.data  # noqa: B018 - decoded now, so a bad body fails here, typed
            except ValueError as exc:
                raise invalid_body(result, exc) from None
            return result
        raise error_from_result(result)

    def _sends(
        self, request: Request, auth_headers: Headers, idempotent: bool
    ) -> Generator[Send | Wait, Result | None, Result]:
        """One send and the resends the retry policy allows."""
        policy = self.retry
        attempt = 0
        while True:
            headers = self.headers(auth_headers, request.headers)
            debug = LOG.isEnabledFor(logging.DEBUG)
            if debug:
                LOG.debug(
                    "REQ %s headers=%s body=%s", self.describer.describe(request),
                    redact_headers(headers), _loggable_value(request.body),
                )
            started = time.monotonic()
            try:
                answer = yield Send(headers)
            except ConnectionError as exc:
                if not policy.retry_error(exc, idempotent, attempt):
                    raise
                yield self._wait(request, type(exc).__name__, attempt)
                attempt += 1
                continue
            assert answer is not None  # a driver resumes a Send with its result
            if debug:
                LOG.debug(
                    "RESP %s %s -> %d in %.1fms request-id=%s body=%s",
                    answer.method, answer.url, answer.status,
                    (time.monotonic() - started) * 1000, answer.request_id, _loggable(answer),
                )
            if not policy.retry_status(answer.status, idempotent, attempt):
                return answer
            yield self._wait(request, f"answered {answer.status}", attempt, answer)
            attempt += 1

    def _wait(self, request: Request, why: str, attempt: int, result: Result | None = None) -> Wait:
        policy = self.retry
        wait = policy.delay(attempt, result.headers.get("retry-after") if result else None)
        LOG.warning(
            "%s %s; retry %d/%d in %.2fs", self.describer.describe(request), why,
            attempt + 1, policy.max_retries, wait,
        )
        return Wait(wait)


class Pipeline(Policies):
    """Sends requests through a blocking ``transport`` with the client's policies.

    Built as :class:`Policies` is, with a :class:`~zaqarclient.transport.contract.Transport`.
    """

    @property
    def transport(self) -> Transport:
        """The transport every call goes through (replaceable: ``Client.mount`` wraps it)."""
        return cast(Transport, self.describer)

    @transport.setter
    def transport(self, transport: Transport) -> None:
        self.describer = transport

    def call(self, request: Request) -> Result:
        """Send ``request``; its result, or the typed error for what came back."""
        steps = self.steps(request)
        handle = self.transport.handle
        step = next(steps)
        try:
            while True:
                if type(step) is Send:
                    try:
                        result = handle(request, step.headers)
                    except ConnectionError as exc:
                        step = steps.throw(exc)
                    else:
                        step = steps.send(result)
                else:
                    assert isinstance(step, Wait)
                    self.retry.sleep(step.seconds)
                    step = steps.send(None)
        except StopIteration as done:
            checked: Result = done.value
            return checked

    def submit(self, request: Request) -> Future[Result]:
        """Send ``request`` without waiting (pipelining transports only); no resends.

        The future resolves to the checked result or to the mapped error.
        """
        if not _pipelines(type(self.transport)):
            raise TypeError(f"{type(self.transport).__name__} cannot have requests in flight")
        transport = cast(PipeliningTransport, self.transport)
        route = self.api.route(request.operation)
        headers = self.first_headers(request)
        return transport.submit(request, headers, lambda result: self.check(result, route))


@functools.cache
def _pipelines(kind: type) -> bool:
    """Whether transports of class ``kind`` can have requests in flight.

    Asked once per class: an ``isinstance`` against a runtime-checkable protocol walks
    the protocol's attributes every time (a tenth of a pipelined request's client CPU).
    """
    return issubclass(kind, PipeliningTransport)


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
