"""Bodies and limits shared by the edge-case sessions (v2 and v1.1)."""

from __future__ import annotations

MSG_LIMIT = 262144  # max_messages_post_size
META_LIMIT = 65536  # max_queue_metadata
# The run's project ("diff-" and 8 hex digits) padded to 256 characters, so runs never share it.
PROJECT_256 = "{project}" + "p" * (256 - len("diff-12345678"))


def sized_messages(size: int) -> str:
    """A one-message post body of exactly ``size`` bytes."""
    head, tail = '{"messages": [{"body": "', '"}]}'
    return head + "x" * (size - len(head) - len(tail)) + tail


def sized_metadata(size: int) -> str:
    """A queue metadata body of exactly ``size`` bytes."""
    head, tail = '{"k": "', '"}'
    return head + "x" * (size - len(head) - len(tail)) + tail


def messages(n: int) -> dict[str, object]:
    """A post body with ``n`` messages whose bodies are 0..n-1."""
    return {"messages": [{"body": i} for i in range(n)]}


def deep(depth: int) -> object:
    """A JSON value nested ``depth`` lists deep."""
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value
