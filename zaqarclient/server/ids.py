"""Identifier helpers: ObjectId-like message/claim/subscription ids and Client-ID parsing."""

from __future__ import annotations

import os
import re
import threading
import uuid

_OID = re.compile(r"^[0-9a-fA-F]{24}$")


class IdGenerator:
    """Makes 24-hex ids like MongoDB ObjectIds: 4-byte time, 5 random bytes, a counter."""

    def __init__(self) -> None:
        self._random = os.urandom(5).hex()
        self._counter = int.from_bytes(os.urandom(3), "big")
        self._lock = threading.Lock()

    def new(self, now: float) -> str:
        with self._lock:
            self._counter = (self._counter + 1) & 0xFFFFFF
            counter = self._counter
        return f"{int(now) & 0xFFFFFFFF:08x}{self._random}{counter:06x}"


def normalize_oid(value: str) -> str | None:
    """The canonical form of a well-formed id, or None when malformed."""
    if _OID.match(value):
        return value.lower()
    return None


def client_key(client_id: str) -> str:
    """Client-IDs compare as UUID values when they parse as UUIDs."""
    try:
        return uuid.UUID(client_id).hex
    except ValueError:
        return client_id


def request_id() -> str:
    return "req-" + str(uuid.uuid4())
