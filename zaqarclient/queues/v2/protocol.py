"""What the resources need from a client: the :class:`Caller` protocol.

Resources (queues, messages, claims, subscriptions, pools, flavors,
iterators) build :class:`~zaqarclient.transport.request.Request` values and
hand them to ``caller.call``; a listing's next page is the request in its
result's :attr:`~zaqarclient.transport.contract.Result.cursor`, sent the
same way. :class:`~zaqarclient.queues.v2.client.Client` implements it; a
test double or another client (an asynchronous one wraps its own) can too.
"""

from __future__ import annotations

from typing import Protocol

from zaqarclient.transport.contract import Result
from zaqarclient.transport.request import Request
from zaqarclient.transport.routes import Api


class Caller(Protocol):
    """Sends one request through the client's pipeline and returns its checked result."""

    api: Api

    def call(self, request: Request) -> Result:
        """The result of ``request``; an error status raises its typed error."""
        ...
