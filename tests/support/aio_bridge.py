"""Runs the sync test suites through the asyncio API: a blocking face on ``zaqarclient.aio``.

``bridged_client(url, version, conf)`` is a ``zaqarclient.aio.Client`` whose
every coroutine is run to completion on one event loop (a thread of its
own), whose asynchronous iterators iterate, and whose coroutines that
stand for a sync property (``await queue.stats()`` for ``queue.stats``)
read as that property. So a test written against the sync API proves the
same behaviour of the asyncio one, request for request. It adds nothing
to the asyncio API: every call it makes is one a user awaits.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Coroutine, Iterator
from typing import Any

import zaqarclient.aio as aio
from zaqarclient.aio.iterator import AsyncResourceIterator
from zaqarclient.aio.subscribe import AsyncSubscription

#: Sync properties that send a request, by the asyncio class whose coroutine they are.
_SENDING_PROPERTIES: dict[type, frozenset[str]] = {
    aio.Queue: frozenset({"stats", "metadata_dict"}),
    aio.Claim: frozenset({"age", "ttl"}),
}
_WRAPPED = (aio.Client, aio.Queue, aio.Message, aio.Claim, aio.Subscription, aio.Pool,
            aio.Flavor, aio.Consumer, AsyncSubscription)

_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()
_open: list[aio.Client] = []


def loop() -> asyncio.AbstractEventLoop:
    """The bridge's event loop (started on first use, in a daemon thread)."""
    global _loop
    with _lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="aio-bridge", daemon=True).start()
        return _loop


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coroutine`` on the bridge's loop and wait for its value."""
    return asyncio.run_coroutine_threadsafe(coroutine, loop()).result(60)


def wrap(value: Any) -> Any:
    """``value`` with asyncio objects given their blocking face."""
    if isinstance(value, _WRAPPED):
        return Bridged(value)
    if isinstance(value, AsyncResourceIterator):
        return BridgedIterator(value)
    if isinstance(value, list):
        return [wrap(item) for item in value]
    if isinstance(value, tuple):
        return tuple(wrap(item) for item in value)
    return value


def unwrap(value: Any) -> Any:
    """The asyncio object behind a bridged one (arguments passed back in)."""
    if isinstance(value, Bridged):
        return object.__getattribute__(value, "_target")
    return value


def _call(function: Any, *args: Any, **kwargs: Any) -> Any:
    args = tuple(unwrap(arg) for arg in args)
    kwargs = {key: unwrap(value) for key, value in kwargs.items()}
    result = function(*args, **kwargs)
    if inspect.iscoroutine(result):
        result = run(result)
    return wrap(result)


class BridgedIterator:
    """An asynchronous listing iterated from sync code."""

    def __init__(self, target: AsyncResourceIterator[Any]) -> None:
        self._target = target

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            return wrap(run(self._target.__anext__()))
        except StopAsyncIteration:
            raise StopIteration from None

    def stream(self, enabled: bool = True) -> BridgedIterator:
        self._target.stream(enabled)
        return self


class Bridged:
    """An asyncio resource or client whose coroutines are run to completion."""

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)

    def __getattr__(self, name: str) -> Any:
        target = object.__getattribute__(self, "_target")
        special = type(self).__dict__.get("_bridge_" + name)
        if special is not None:
            found = special.__get__(self)
            if found is not None:
                return found
        value = getattr(target, name)
        for cls, names in _SENDING_PROPERTIES.items():
            if isinstance(target, cls) and name in names:
                return _call(value)
        if callable(value) and not isinstance(value, type):
            return lambda *args, **kwargs: _call(value, *args, **kwargs)
        return wrap(value)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(object.__getattribute__(self, "_target"), name, unwrap(value))

    def __repr__(self) -> str:
        return repr(object.__getattribute__(self, "_target"))

    def __iter__(self) -> Iterator[Any]:
        target = object.__getattribute__(self, "_target")
        if isinstance(target, AsyncSubscription):
            return BridgedIterator(target)  # type: ignore[arg-type]
        return (wrap(item) for item in target)

    def __len__(self) -> int:
        return len(object.__getattribute__(self, "_target"))

    def __bool__(self) -> bool:
        return bool(object.__getattribute__(self, "_target"))

    def __eq__(self, other: object) -> bool:
        return bool(object.__getattribute__(self, "_target") == unwrap(other))

    def __hash__(self) -> int:
        return hash(object.__getattribute__(self, "_target"))

    def __enter__(self) -> Bridged:
        return self

    def __exit__(self, *exc: object) -> None:
        target = object.__getattribute__(self, "_target")
        run(target.close())

    # -- the sync calls whose asyncio form differs ------------------------------

    @property
    def _bridge_queue(self) -> Any:
        target = object.__getattribute__(self, "_target")
        if not isinstance(target, aio.Client):
            return None

        def queue(name: str, force_create: bool = False, **kwargs: Any) -> Bridged:
            handle = target.queue(name, **kwargs)
            if force_create:
                run(handle.create())
            return Bridged(handle)

        return queue

    @property
    def _bridge_queues(self) -> Any:
        target = object.__getattribute__(self, "_target")
        if not isinstance(target, aio.Client):
            return None

        def queues(**params: Any) -> tuple[BridgedIterator, int | None]:
            listing = run(target.queues(**params).fetch())
            return BridgedIterator(listing), listing.count

        return queues

    @property
    def _bridge_metadata_dict(self) -> Any:
        target = object.__getattribute__(self, "_target")
        return run(target.metadata_dict()) if isinstance(target, aio.Queue) else None


def bridged_client(url: str, version: Any = 2, conf: dict[str, Any] | None = None) -> Any:
    """A ``zaqarclient.aio.Client`` behind the blocking face (closed by :func:`close_all`)."""
    client = aio.Client(url, version=version, conf=conf)
    _open.append(client)
    return Bridged(client)


def close_all() -> None:
    """Close the bridged clients made so far (their aiohttp sessions and websockets)."""
    while _open:
        run(_open.pop().close())
