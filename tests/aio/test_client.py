"""The asyncio client itself: lifecycle, errors, retries, concurrency, redaction.

(Its resource behaviour is proven by the functional and websocket suites,
which run through the asyncio API too.)
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

import zaqarclient.aio as aio
from tests.support.loopback import LoopbackServer, Recorded, Reply
from zaqarclient import errors
from zaqarclient.server.clock import SystemClock
from zaqarclient.transport import errors as terrors

T = TypeVar("T")
CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "aio-tests"}},
        "retries": {"backoff": 0.0, "jitter": False}}


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """A reference server on the wall clock (HTTP and ws on one port)."""
    from zaqarclient.testing import ReferenceServer

    with ReferenceServer(clock=SystemClock()) as server:  # type: ignore[arg-type]
        yield server.url


def test_async_with_closes_and_close_is_idempotent(server_url: str) -> None:
    async def scenario() -> None:
        async with aio.Client(server_url, conf=CONF) as client:
            assert await client.ping()
        await client.close()

    run(scenario())


@pytest.mark.parametrize("scheme", ["http", "ws"])
def test_many_requests_in_flight_at_once(server_url: str, scheme: str) -> None:
    url = scheme + server_url[len("http"):]

    async def scenario() -> list[Any]:
        async with aio.Client(url, conf=CONF) as client:
            queue = client.queue("wide-" + scheme)
            await asyncio.gather(*(queue.post({"body": n}) for n in range(60)))
            return sorted([m.body async for m in queue.messages(echo=True)])

    assert run(scenario()) == list(range(60))


def test_ws_requests_share_one_connection(server_url: str) -> None:
    async def scenario() -> None:
        async with aio.Client("ws" + server_url[4:], conf=CONF) as client:
            queue = client.queue("one-conn")
            await queue.post({"body": 0})
            transport: Any = client.transport()
            first = await transport.connection()
            await asyncio.gather(*(queue.stats() for _ in range(20)))
            assert await transport.connection() is first

    run(scenario())


def test_no_server_is_a_connection_error_never_sent() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def scenario(url: str) -> errors.ConnectionError:
        async with aio.Client(url, conf={**CONF, "retries": 0}) as client:
            with pytest.raises(errors.ConnectionError) as caught:
                await client.queue("q").post({"body": 1})
            return caught.value

    for url in (f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"):
        error = run(scenario(url))
        assert error.request_sent is False and "Cannot connect to Zaqar" in str(error)


def test_a_silent_server_is_a_timeout(server_url: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"

    async def scenario() -> None:
        async with aio.Client(url, conf={**CONF, "retries": 0, "timeout": 0.2}) as client:
            with pytest.raises(errors.TimeoutError):
                await client.queue("q").stats()

    try:
        started = time.monotonic()
        run(scenario())
        assert time.monotonic() - started < 5
    finally:
        listener.close()


def test_try_again_later_is_retried_and_errors_are_typed() -> None:
    replies = [Reply(503, {"title": "busy", "description": "later"}),
               Reply(200, {"messages": {"claimed": 0, "free": 0, "total": 0}}),
               Reply(404, {"title": "Not found", "description": "no such claim"})]
    with LoopbackServer(replies) as server:
        async def scenario() -> None:
            async with aio.Client(server.url, conf=CONF) as client:
                queue = client.queue("q")
                assert (await queue.stats())["messages"]["total"] == 0
                with pytest.raises(terrors.ResourceNotFound) as caught:
                    await queue.claim(id="abc")
                assert caught.value.description == "no such claim"

        run(scenario())
        assert [r.method for r in server.requests] == ["GET", "GET", "GET"]
        first: Recorded = server.requests[0]
        assert first.headers["X-Project-ID"] == "aio-tests" and "Client-ID" in first.headers


def test_a_post_is_not_resent_after_try_again_later() -> None:
    with LoopbackServer([Reply(503, {"title": "busy"})]) as server:
        async def scenario() -> None:
            async with aio.Client(server.url, conf=CONF) as client:
                with pytest.raises(terrors.ServiceUnavailableError):
                    await client.queue("q").post({"body": 1})

        run(scenario())
        assert len(server.requests) == 1


def test_secrets_stay_out_of_reprs_errors_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    with LoopbackServer([Reply(500, {"title": "boom"})]) as server:
        url = server.url.replace("http://", "http://user:s3cret@")
        conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "p"}},
                "headers": {"X-Auth-Token": "tok-s3cret"}, "retries": 0}

        async def scenario() -> str:
            async with aio.Client(url, conf=conf) as client:
                with pytest.raises(terrors.InternalServerError) as caught:
                    await client.queue("q").stats()
                return repr(client) + str(caught.value)

        with caplog.at_level(logging.DEBUG, logger="zaqarclient"):
            text = run(scenario())
    assert "s3cret" not in text and "s3cret" not in caplog.text
    assert "REQ GET" in caplog.text  # the pipeline's debug log ran (redacted)


def test_async_only_rules_are_clear_errors(server_url: str) -> None:
    client = aio.Client(server_url, conf=CONF)
    with pytest.raises(errors.InvalidOperation, match=r"await queue\.create"):
        client.queue("q", force_create=True)
    with pytest.raises(errors.InvalidOperation, match="websocket"):
        client.subscribe("q")
    with pytest.raises(errors.ConfigurationError, match="only for API v2"):
        aio.Client("ws" + server_url[4:], version=1.1, conf=CONF)
    with pytest.raises(errors.ConfigurationError, match="Unknown Client option"):
        aio.Client(server_url, conf=CONF, colour="blue")


def test_subscribe_yields_pushed_notifications(server_url: str) -> None:
    async def scenario() -> tuple[list[Any], int]:
        async with aio.Client("ws" + server_url[4:], conf=CONF) as client:
            queue = client.queue("pushed")
            await queue.create()
            received: list[Any] = []
            async with client.subscribe(queue, filter="kind=wanted") as subscription:
                await queue.post([{"body": {"kind": "other", "n": 0}},
                                  {"body": {"kind": "wanted", "n": 1}},
                                  {"body": {"kind": "wanted", "n": 2}}])
                async for notification in subscription:
                    received.append(notification.body["n"])
                    if len(received) == 2:
                        break
            return received, subscription.filtered_out

    received, filtered_out = run(scenario())
    assert received == [1, 2] and filtered_out == 1
