"""Keystone token fetches run off the event loop, one fetch for all the calls waiting.

The Keystone is a slow one (tests/support/keystone.MiniKeystone with
``delay``: 0.5 s per token, on a real loopback socket); a ticker task
records the loop's turns meanwhile. A blocked loop shows as a gap of the
fetch's length between two ticks.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import zaqarclient.aio as aio
from tests.support.keystone import STATS, MiniKeystone, password_conf, zaqar_accepting
from tests.ws.fake_server import TOKEN, FakeZaqar
from zaqarclient.aio.ws import AsyncWebsocketTransport
from zaqarclient.transport.ws_connection import AUTH_EXPIRED

T = TypeVar("T")
SLOW = 0.5
TICK = 0.01
#: A loop turn later than this behind the last one means something blocked it.
BLOCKED = 0.25


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, 30))


async def while_ticking(work: Callable[[], Awaitable[T]]) -> tuple[T, float, int]:
    """``work()``'s value, the longest gap between two ticks meanwhile, and the tick count."""
    loop = asyncio.get_running_loop()
    ticks = [loop.time()]
    finished = asyncio.Event()

    async def ticker() -> None:
        while not finished.is_set():
            await asyncio.sleep(TICK)  # the ticker is a clock: sleeping is its job
            ticks.append(loop.time())

    ticking = asyncio.ensure_future(ticker())
    try:
        value = await work()
    finally:
        finished.set()
        await ticking
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    return value, max(gaps, default=0.0), len(ticks)


def token_requests(keystone: MiniKeystone) -> int:
    return sum(1 for r in keystone.server.requests
               if r.method == "POST" and r.path == "/v3/auth/tokens")


def test_first_token_is_fetched_off_the_loop_once_for_20_concurrent_calls() -> None:
    with MiniKeystone(delay=SLOW) as keystone, zaqar_accepting(keystone) as zaqar:
        async def scenario() -> tuple[list[Any], float, int]:
            async with aio.Client(zaqar.url, conf=password_conf(keystone)) as client:
                queue = client.queue("q")
                return await while_ticking(
                    lambda: asyncio.gather(*(queue.stats() for _ in range(20))))

        results, gap, ticks = run(scenario())
        assert results == [STATS] * 20
        assert gap < BLOCKED and ticks >= 10  # the loop went on during the 0.5 s fetch
        assert token_requests(keystone) == 1
        assert len({r.headers["X-Auth-Token"] for r in zaqar.requests}) == 1


def test_renewal_after_401_is_off_the_loop_and_shared_by_20_calls() -> None:
    with MiniKeystone(delay=SLOW) as keystone, zaqar_accepting(keystone) as zaqar:
        async def scenario() -> tuple[list[Any], float]:
            async with aio.Client(zaqar.url, conf=password_conf(keystone)) as client:
                queue = client.queue("q")
                await queue.stats()
                keystone.revoke_all()  # every call now meets a 401 with the old token
                results, gap, _ = await while_ticking(
                    lambda: asyncio.gather(*(queue.stats() for _ in range(20))))
                return results, gap

        results, gap = run(scenario())
        assert results == [STATS] * 20
        assert gap < BLOCKED
        assert token_requests(keystone) == 2  # the first token and one renewal, for all 20
        rejected = zaqar.requests[1].headers["X-Auth-Token"]
        resent = {r.headers["X-Auth-Token"] for r in zaqar.requests[1:]} - {rejected}
        assert len(resent) == 1 and resent <= keystone.valid_tokens


def test_websocket_authenticate_fetches_off_the_loop() -> None:
    """The connection flow's fetch (a token renewed after Zaqar closed with 4003) too."""
    with FakeZaqar() as fake, MiniKeystone(delay=SLOW, token=TOKEN) as keystone:
        async def scenario() -> tuple[float, list[str]]:
            async with aio.Client(fake.url, conf=password_conf(keystone)) as client:
                assert await client.ping()
                transport = client.transport()
                assert isinstance(transport, AsyncWebsocketTransport)
                dropped = asyncio.Event()
                transport.add_drop_hook(dropped.set)
                await asyncio.to_thread(fake.close_all, AUTH_EXPIRED, "token expired")
                await dropped.wait()
                value, gap, _ = await while_ticking(client.ping)
                assert value
                return gap, fake.actions()

        gap, actions = run(scenario())
        assert gap < BLOCKED
        assert token_requests(keystone) == 2  # the renewal ran in the connection flow
        assert actions.count("authenticate") == 2
