"""The asyncio pipeline: the sync pipeline's policies, driven with an awaitable transport.

Headers, the auth flow, retries, error mapping and logging are
:class:`~zaqarclient.transport.pipeline.Policies` (written once, as steps);
this module only awaits the sends and the waits they ask for.
"""

from __future__ import annotations

import asyncio
from typing import Protocol, cast

from zaqarclient.errors import ConnectionError
from zaqarclient.transport.contract import Headers, Result
from zaqarclient.transport.pipeline import Policies, Send, Wait
from zaqarclient.transport.request import Request


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
    :class:`AsyncTransport`.
    """

    @property
    def transport(self) -> AsyncTransport:
        """The asyncio transport every call goes through."""
        return cast(AsyncTransport, self.describer)

    async def call(self, request: Request) -> Result:
        """Send ``request``; its result, or the typed error for what came back."""
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
                        step = steps.send(result)
                else:
                    assert isinstance(step, Wait)
                    await asyncio.sleep(step.seconds)
                    step = steps.send(None)
        except StopIteration as done:
            checked: Result = done.value
            return checked
