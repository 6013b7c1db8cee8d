"""Correlation ids of the websocket transports: unique under threads, shaped as before."""

from __future__ import annotations

import re
import threading

from zaqarclient.transport.ws_connection import CorrelationIds


def test_ids_are_32_hex_digits_and_unique_across_threads() -> None:
    ids = CorrelationIds()
    seen: list[list[str]] = [[] for _ in range(8)]

    def take(into: list[str]) -> None:
        into.extend(ids.new() for _ in range(5000))

    threads = [threading.Thread(target=take, args=(bucket,)) for bucket in seen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [key for bucket in seen for key in bucket]
    assert len(set(every)) == len(every) == 40000
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in every)


def test_two_transports_do_not_share_ids() -> None:
    first, second = CorrelationIds(), CorrelationIds()
    assert {first.new() for _ in range(100)}.isdisjoint(second.new() for _ in range(100))
