"""The asyncio driver of resource operations (the steps of :mod:`zaqarclient.queues.v2.steps`).

:func:`drive` runs an operation's steps with ``await client.call``;
:func:`operation` turns a steps method into the coroutine method of the same
signature, so the asyncio resources are the sync ones' steps, awaited.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from zaqarclient.errors import ZaqarError
from zaqarclient.queues.v2.steps import HasCaller, Steps
from zaqarclient.transport.contract import Result
from zaqarclient.transport.request import Request
from zaqarclient.transport.routes import Api

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R", bound=HasCaller)


class AsyncCaller(Protocol):
    """Sends one request through the asyncio pipeline; its checked result."""

    api: Api

    async def call(self, request: Request) -> Result:
        """The result of ``request``; an error status raises its typed error."""
        ...


async def drive(caller: AsyncCaller, steps: Steps[T]) -> T:
    """Run ``steps`` with ``await caller.call``; the operation's value."""
    try:
        request = next(steps)
        while True:
            try:
                result = await caller.call(request)
            except ZaqarError as exc:
                request = steps.throw(exc)
            else:
                request = steps.send(result)
    except StopIteration as done:
        value: T = done.value
        return value


def operation(
    steps: Callable[Concatenate[R, P], Steps[T]],
) -> Callable[Concatenate[R, P], Coroutine[Any, Any, T]]:
    """The coroutine method that runs the steps method ``steps`` through the resource's client.

    As in the sync driver, the steps are looked up on the instance, so
    overriding them in a subclass changes the coroutine too.
    """
    name = steps.__name__

    @functools.wraps(steps)
    async def run(self: R, /, *args: P.args, **kwargs: P.kwargs) -> T:
        bound: Callable[P, Steps[T]] = getattr(self, name)
        return await drive(cast(AsyncCaller, self.caller), bound(*args, **kwargs))

    return run
