"""The OSprofiler traces the server receives: logged, and kept for the state report.

A caller with an active OSprofiler trace sends ``X-Trace-Info`` (base64 JSON
``{"base_id", "parent_id"}``) and ``X-Trace-HMAC`` (its HMAC-SHA1 under the
caller's key). Zaqar's OSprofiler middleware joins the trace only when the
HMAC matches one of its ``hmac_keys``; this server records every well-formed
trace with whether its HMAC matched ``--profiler-hmac-key`` (``None`` when no
key is configured), so a mis-keyed client shows up instead of vanishing. It
needs no OSprofiler itself.
"""

from __future__ import annotations

import base64
import binascii
import collections
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LOG = logging.getLogger("zaqarclient.server.trace")

_KEEP = 200  # the most recent traces the report lists
_MAX_HEADER = 4096


@dataclass(frozen=True, slots=True)
class TraceRecord:
    """One request that carried trace headers."""

    base_id: str
    parent_id: str
    verified: bool | None  # HMAC matched a configured key; None: no key configured
    transport: str  # "http" or "websocket"
    method: str  # HTTP method, or the websocket action
    path: str
    at: float  # wall clock time

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "base_id": self.base_id, "parent_id": self.parent_id, "verified": self.verified,
            "transport": self.transport, "method": self.method, "path": self.path,
            "at": self.at,
        }


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value if isinstance(value, str) and len(value) <= _MAX_HEADER else None


def _printable(text: str, limit: int = 200) -> str:
    # Paths and websocket queue names are caller text too: one log line, bounded.
    cleaned = "".join(c if c.isprintable() else "?" for c in text[:limit])
    return cleaned + ("..." if len(text) > limit else "")


def _identifier(value: Any) -> str | None:
    # Only UUIDs reach the log and the report: the header is caller-controlled text.
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


class TraceLog:
    """The last traces received, thread-safe (HTTP runs on the loop, websocket too)."""

    def __init__(self, hmac_keys: tuple[str, ...] = ()) -> None:
        self.hmac_keys = hmac_keys
        self._records: collections.deque[TraceRecord] = collections.deque(maxlen=_KEEP)
        self._lock = threading.Lock()
        self.total = 0

    def record(
        self, headers: Mapping[str, Any], transport: str, method: str, path: str
    ) -> TraceRecord | None:
        """Record the trace ``headers`` carry (None when they carry none, or a malformed one)."""
        info = _header(headers, "X-Trace-Info")
        if info is None:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(info.encode("ascii")))
        except (ValueError, binascii.Error, UnicodeError):
            LOG.debug("ignoring a malformed X-Trace-Info header on %s %s", method, path)
            return None
        if not isinstance(data, dict):
            return None
        base_id, parent_id = _identifier(data.get("base_id")), _identifier(data.get("parent_id"))
        if base_id is None or parent_id is None:
            return None
        record = TraceRecord(base_id, parent_id, self._verify(info, headers), transport,
                             _printable(method), _printable(path), time.time())
        with self._lock:
            self._records.append(record)
            self.total += 1
        LOG.info("trace %s parent %s: %s %s %s (%s)", base_id, parent_id, transport, method,
                 path, _verdict(record.verified))
        return record

    def _verify(self, info: str, headers: Mapping[str, Any]) -> bool | None:
        if not self.hmac_keys:
            return None
        given = (_header(headers, "X-Trace-HMAC") or "").strip()
        for key in self.hmac_keys:
            expected = hmac.new(key.encode("utf-8"), info.encode("ascii"), hashlib.sha1)
            if given and hmac.compare_digest(given, expected.hexdigest()):
                return True
        return False

    def recent(self) -> list[TraceRecord]:
        """The kept traces, oldest first."""
        with self._lock:
            return list(self._records)


def _verdict(verified: bool | None) -> str:
    if verified is None:
        return "HMAC not checked: no --profiler-hmac-key"
    return "HMAC ok" if verified else "HMAC mismatch"
