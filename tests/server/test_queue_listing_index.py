"""Queue listings read one project's sorted names, whatever the other projects hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zaqarclient.server.clock import TestClock
from zaqarclient.server.storage.memory import MemoryStorage

SCOPES = ("p1", "p2", "p3")
NAMES = st.sampled_from(["a", "b", "B", "a-1", "z_9", "0", "ab", "a_b", "Zz", "q" * 64])


def listed(store: MemoryStorage, scope: str, marker: str | None, limit: int) -> list[str]:
    return [r.name for r in store.queue_list(scope, marker, limit, None, {})]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(("create", "delete", "list")),
                          st.sampled_from(SCOPES), NAMES, st.integers(1, 4)), max_size=40))
def test_listing_and_count_follow_every_create_and_delete(
        ops: list[tuple[str, str, str, int]]) -> None:
    store = MemoryStorage(TestClock())
    model: dict[str, set[str]] = {scope: set() for scope in SCOPES}
    for op, scope, name, limit in ops:
        if op == "create":
            assert store.queue_create(scope, name, {}) is (name not in model[scope])
            model[scope].add(name)
        elif op == "delete":
            store.queue_delete(scope, name)
            model[scope].discard(name)
        else:
            expected = sorted(model[scope], key=str.encode)
            after = [n for n in expected if n.encode() > name.encode()]
            assert listed(store, scope, None, limit) == expected[:limit]
            assert listed(store, scope, name, limit) == after[:limit]
        assert store.queue_count(scope) == len(model[scope])


def test_names_sort_by_their_utf8_bytes_and_pages_resume_after_the_marker() -> None:
    store = MemoryStorage(TestClock())
    for name in ("b", "a", "B", "_x", "-y", "9"):
        store.queue_create("p", name, {})
    assert listed(store, "p", None, 10) == ["-y", "9", "B", "_x", "a", "b"]
    assert listed(store, "p", "B", 2) == ["_x", "a"]
    assert listed(store, "p", "zzz", 2) == []
    assert listed(store, "other", None, 10) == []


class NoScan(dict[tuple[str, str], object]):
    """The store's queue table, refusing to be walked whole."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        raise AssertionError("a listing walked every project's queues")


def test_a_listing_does_not_walk_other_projects_queues() -> None:
    # With 40,000 queues in other projects, sorting them all on every listing held the
    # store lock for ~20 ms; a listing must cost its own project's page only.
    store = MemoryStorage(TestClock())
    for i in range(2_000):
        store.queue_create(f"noise{i % 50}", f"q{i}", {})
    store.queue_create("mine", "only", {})
    assert listed(store, "mine", None, 10) == ["only"]
    store._queues = NoScan(store._queues)  # type: ignore[assignment]
    store.queue_create("mine", "second", {})
    store.queue_delete("noise1", "q1")
    assert listed(store, "mine", None, 10) == ["only", "second"]
    assert listed(store, "mine", "only", 10) == ["second"]
    assert store.queue_count("mine") == 2
