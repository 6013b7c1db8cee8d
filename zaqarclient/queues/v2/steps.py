"""Resource operations written once, as steps without I/O, and the sync driver.

An operation (``Queue.post``, ``Claim.update``...) is a generator: it yields
each :class:`~zaqarclient.transport.request.Request` it needs sent and is
resumed with its checked :class:`~zaqarclient.transport.contract.Result`
(or has the typed error thrown in, so it can read a 404 as an answer); what
it returns is the operation's value. The sync resources run it with
:func:`drive` (``client.call``); the asyncio ones (:mod:`zaqarclient.aio`)
with ``await client.call``. So every rule of an operation (its request, how
its answer reads, which errors mean something) exists once.

:func:`operation` turns a steps method into the sync method of the same
signature; :func:`zaqarclient.aio.steps.operation` into the coroutine.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from typing import Concatenate, ParamSpec, Protocol, TypeAlias, TypeVar, cast

from zaqarclient.errors import ZaqarError
from zaqarclient.queues.v2.protocol import Caller
from zaqarclient.transport.contract import Result
from zaqarclient.transport.request import Request

T = TypeVar("T")
P = ParamSpec("P")

#: An operation's steps: yields requests, is sent their results, returns its value.
Steps: TypeAlias = Generator[Request, Result, T]


class HasCaller(Protocol):
    """A resource: it knows the client its requests go through."""

    @property
    def caller(self) -> object:
        """The client (sync or asyncio) this resource's requests go through."""
        ...


R = TypeVar("R", bound=HasCaller)


def drive(caller: Caller, steps: Steps[T]) -> T:
    """Run ``steps`` with ``caller.call``; the operation's value."""
    try:
        request = next(steps)
        while True:
            try:
                result = caller.call(request)
            except ZaqarError as exc:
                request = steps.throw(exc)
            else:
                request = steps.send(result)
    except StopIteration as done:
        value: T = done.value
        return value


def operation(steps: Callable[Concatenate[R, P], Steps[T]]) -> Callable[Concatenate[R, P], T]:
    """The sync method that runs the steps method ``steps`` through the resource's client.

    The steps are looked up on the instance, so a subclass that overrides
    them (API v1.1's flavor create) changes the sync and asyncio methods alike.
    """
    name = steps.__name__

    @functools.wraps(steps)
    def run(self: R, /, *args: P.args, **kwargs: P.kwargs) -> T:
        bound: Callable[P, Steps[T]] = getattr(self, name)
        return drive(cast(Caller, self.caller), bound(*args, **kwargs))

    return run
