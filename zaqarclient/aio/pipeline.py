"""The asyncio pipeline: the sync pipeline's policies, driven with an awaitable transport.

Headers, the auth flow, retries, error mapping and logging are
:class:`~zaqarclient.transport.pipeline.Policies` (written once, as steps);
this module only awaits the sends and the waits they ask for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Protocol, cast

from zaqarclient.aio.auth_gate import AuthGate
from zaqarclient.auth.base import AuthBackend
from zaqarclient.errors import ConnectionError
from zaqarclient.transport.contract import Headers, Result
from zaqarclient.transport.pipeline import Policies, Send, Wait
from zaqarclient.transport.request import Request
from zaqarclient.transport.retry import RetryPolicy
from zaqarclient.transport.routes import Api


class AsyncTransport(Protocol):
    """The transport contract with ``async def handle`` (HTTP on aiohttp, websocket)."""

    async def handle(self, request: Request, headers: Headers) -> Result:
        """Send ``request`` with ``headers``; the result, whatever its status."""
        ...

    def describe(self, request: Request) -> str:
        """Where ``request`` would go, for logs (no secrets)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class AsyncPipeline(Policies):
    """Sends requests through an asyncio transport with the client's policies.

    Built as :class:`~zaqarclient.transport.pipeline.Policies` is, with an
    :class:`AsyncTransport`. Credentials the auth flow would fetch (a
    keystone token) are fetched first on a worker thread, one fetch for all
    the calls waiting (:class:`~zaqarclient.aio.auth_gate.AuthGate`).
    """

    def __init__(
        self, transport: AsyncTransport, api: Api, auth: AuthBackend, *, client_id: str,
        retry: RetryPolicy, headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(transport, api, auth, client_id=client_id, retry=retry,
                         headers=headers)
        self.auth_gate = AuthGate(auth)

    @property
    def transport(self) -> AsyncTransport:
        """The asyncio transport every call goes through."""
        return cast(AsyncTransport, self.describer)

    async def call(self, request: Request) -> Result:
        """Send ``request``; its result, or the typed error for what came back."""
        gate = self.auth_gate
        await gate.ready()  # the first send's token: fetched now, off the loop, if needed
        steps = self.steps(request)
        handle = self.transport.handle
        step = next(steps)
        try:
            while True:
                if type(step) is Send:
                    try:
                        result = await handle(request, step.headers)
                    except ConnectionError as exc:
                        step = steps.throw(exc)
                    else:
                        if result.status == 401:
                            # The flow may renew the token for a resend: that fetch, here.
                            await gate.ready(step.headers)
                        step = steps.send(result)
                else:
                    assert isinstance(step, Wait)
                    await asyncio.sleep(step.seconds)
                    step = steps.send(None)
        except StopIteration as done:
            checked: Result = done.value
            return checked
