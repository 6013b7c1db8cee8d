"""Identifier helpers: ObjectId-like message/claim/subscription ids and Client-ID parsing."""

from __future__ import annotations

import functools
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


# A client sends the same Client-ID with every request: parsing it once per
# distinct value (bounded, so a flood of new ids only churns the cache).
@functools.lru_cache(maxsize=4096)
def uuid_hex(text: str) -> str | None:
    """The UUID ``text`` spells, as 32 hex digits; None when it is not a UUID."""
    try:
        return uuid.UUID(text).hex
    except ValueError:
        return None


def client_key(client_id: str) -> str:
    """Client-IDs compare as UUID values when they parse as UUIDs."""
    return uuid_hex(client_id) or client_id


_VARIANT = "89ab"


def request_id() -> str:
    """``req-`` and a random (version 4) UUID, as oslo.context makes them."""
    digits = os.urandom(16).hex()
    # uuid.uuid4() costs twice this: the same 122 random bits, with the version and
    # variant digits set by hand.
    return (f"req-{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-"
            f"{_VARIANT[int(digits[16], 16) & 3]}{digits[17:20]}-{digits[20:]}")
