"""Frame codecs for the websocket transport: JSON text frames or MessagePack binary frames.

Zaqar answers each request in the format of the request, so one codec per
connection is enough; pushed notifications follow the format of the last
connection-bound ``subscription_create``, which is also ours.
"""

from __future__ import annotations

import json
from typing import Any

import msgpack

from zaqarclient.errors import ConfigurationError

#: RFC 6455 opcodes of the two data frames.
OPCODE_TEXT = 0x1
OPCODE_BINARY = 0x2

FORMATS = ("json", "msgpack")
# One encoder for every frame: ``json.dumps`` with ``separators`` builds a new one per call.
_compact_json = json.JSONEncoder(separators=(",", ":")).encode


class Codec:
    """Encodes envelopes to frames and decodes frames of either kind."""

    def __init__(self, fmt: str | None = None) -> None:
        fmt = (fmt or "json").lower()
        if fmt not in FORMATS:
            raise ConfigurationError(f"ws_format must be one of {FORMATS}, not {fmt!r}")
        self.format = fmt
        self.opcode = OPCODE_BINARY if fmt == "msgpack" else OPCODE_TEXT

    def encode(self, envelope: Any) -> bytes:
        """The frame payload for ``envelope``."""
        if self.format == "msgpack":
            packed: bytes = msgpack.packb(envelope, use_bin_type=True)
            return packed
        return _compact_json(envelope).encode("utf-8")

    @staticmethod
    def decode(opcode: int, data: bytes | str) -> Any:
        """The value carried by a received frame (by its opcode, not our format)."""
        if opcode == OPCODE_BINARY:
            if isinstance(data, str):
                data = data.encode("latin-1")
            return msgpack.unpackb(data, raw=False)
        return json.loads(data)
