"""The asyncio subscription across dropped connections, on a real reference server.

The server cuts its websocket connections itself (``drop_connections``: an
abort, as a network failure); the subscription reconnects, subscribes
again, and ``async for`` goes on. Posts go over HTTP, which the cut spares.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

import zaqarclient.aio as aio
from zaqarclient.aio.subscribe import AsyncSubscription
from zaqarclient.aio.ws import AsyncWebsocketTransport
from zaqarclient.server.clock import SystemClock
from zaqarclient.testing import ReferenceServer

T = TypeVar("T")
CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "aio-resub"}},
        "retries": {"backoff": 0.0, "jitter": False}, "timeout": 5}


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, 30))


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    """A reference server of this test's own: cutting its connections touches no other test."""
    with ReferenceServer(clock=SystemClock()) as reference:  # type: ignore[arg-type]
        yield reference


def ws_url(server: ReferenceServer) -> str:
    return "ws" + server.url[len("http"):]


async def cut(server: ReferenceServer) -> None:
    """Cut every websocket from the server side (off the loop: it waits for the server)."""
    assert await asyncio.to_thread(server.drop_connections, "websocket") >= 1


def test_iteration_goes_on_after_the_server_cuts_the_connection(server: ReferenceServer) -> None:
    async def scenario() -> tuple[list[Any], str | None, str | None, int]:
        async with aio.Client(ws_url(server), conf=CONF) as client, \
                aio.Client(server.url, conf=CONF) as poster:
            queue = client.queue("resub")
            await queue.create()
            posts = poster.queue("resub")
            async with client.subscribe(queue) as subscription:
                first_id = subscription.id
                await posts.post({"body": "before"})
                received = [(await subscription.next_notification(5)).body]
                renewed = asyncio.ensure_future(subscription.renewed())
                await cut(server)
                await renewed  # the re-subscription is confirmed by now
                await posts.post({"body": "after"})
                async for notification in subscription:
                    received.append(notification.body)
                    break
                return received, first_id, subscription.id, subscription.renewals

    received, first_id, second_id, renewals = run(scenario())
    assert received == ["before", "after"]
    assert renewals == 1 and second_id is not None and second_id != first_id


def test_each_drop_is_renewed_and_the_old_subscription_is_gone(server: ReferenceServer) -> None:
    async def scenario() -> tuple[list[Any], list[str | None], int]:
        async with aio.Client(ws_url(server), conf=CONF) as client, \
                aio.Client(server.url, conf=CONF) as poster:
            queue = client.queue("twice")
            await queue.create()
            subscription = await client.subscribe(queue)
            for round_ in (1, 2):
                await cut(server)
                await subscription.renewed(round_)
            await poster.queue("twice").post({"body": "third"})
            received = [(await subscription.next_notification(5)).body]
            listed = [s.id async for s in poster.subscriptions("twice")]
            await subscription.close()
            return received, listed, subscription.renewals

    received, listed, renewals = run(scenario())
    # One notification, not three: the subscriptions of the cut connections died with them.
    assert received == ["third"] and renewals == 2 and len(listed) == 1


def test_closing_the_client_ends_iteration_cleanly(server: ReferenceServer) -> None:
    async def scenario() -> list[Any]:
        client = aio.Client(ws_url(server), conf=CONF)
        queue = client.queue("closing")
        await queue.create()
        subscription = await client.subscribe(queue)

        async def drain() -> list[Any]:
            return [n.body async for n in subscription]

        drained = asyncio.ensure_future(drain())
        await queue.post({"body": 1})
        await client.close()
        return await drained

    # The one notification may or may not have come before the close; either way no error.
    assert run(scenario()) in ([], [1])


def test_closing_during_the_backoff_ends_iteration(server: ReferenceServer) -> None:
    """With Zaqar gone, re-subscribing fails and backs off; close() ends the wait at once."""

    async def scenario(close_client: bool) -> None:
        other = ReferenceServer(clock=SystemClock())  # type: ignore[arg-type]
        other.start()
        client = aio.Client(ws_url(other), conf=CONF)
        queue = client.queue("gone")
        await queue.create()
        subscription = await client.subscribe(queue)
        transport = client.transport()
        assert isinstance(transport, AsyncWebsocketTransport)
        dropped = asyncio.Event()
        transport.add_drop_hook(dropped.set)
        await asyncio.to_thread(other.stop)
        await dropped.wait()
        drained = asyncio.ensure_future(_drain(subscription))
        if close_client:
            await client.close()
        else:
            await subscription.close()
        assert await asyncio.wait_for(drained, 1.0) == []  # at once, not after a backoff
        assert subscription.renewals == 0
        await client.close()

    run(scenario(close_client=False))
    run(scenario(close_client=True))


async def _drain(subscription: AsyncSubscription) -> list[Any]:
    return [n.body async for n in subscription]
