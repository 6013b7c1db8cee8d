"""What the bridge has done: counters per route, retries, dead letters and lag.

Thread-safe; :meth:`Metrics.snapshot` is the ``--metrics`` JSON document
and :meth:`Metrics.status_line` the periodic log line.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_LAG_WINDOW = 2048  # recent lags kept for the percentiles


def _percentile(ordered: list[float], fraction: float) -> float:
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Metrics:
    """Counters updated by the bridge's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = datetime.now(UTC)
        self._started_monotonic = time.monotonic()
        self.totals: Counter[str] = Counter()
        self.routes: dict[str, Counter[str]] = {}
        self.dead_letter_reasons: Counter[str] = Counter()
        self.post_errors: Counter[str] = Counter()
        self._lags: deque[float] = deque(maxlen=_LAG_WINDOW)
        self.last_post: datetime | None = None
        self.last_error: str | None = None

    def add(self, name: str, count: int = 1, route: str | None = None) -> None:
        """Count ``name`` (received, posted, dead_lettered, discarded, requeued...)."""
        with self._lock:
            self.totals[name] += count
            if route is not None:
                self.routes.setdefault(route, Counter())[name] += count

    def dead_lettered(self, reason: str, route: str | None) -> None:
        """Count one dead letter under its reason's first clause."""
        with self._lock:
            self.totals["dead_lettered"] += 1
            self.dead_letter_reasons[reason.split(":", 1)[0]] += 1
            if route is not None:
                self.routes.setdefault(route, Counter())["dead_lettered"] += 1

    def posted(self, route: str, lags: list[float]) -> None:
        """One successful post of ``len(lags)`` messages for ``route``."""
        with self._lock:
            self.totals["posted"] += len(lags)
            self.totals["post_requests"] += 1
            self.routes.setdefault(route, Counter())["posted"] += len(lags)
            self._lags.extend(lags)
            self.last_post = datetime.now(UTC)

    def post_failed(self, kind: str, error: str) -> None:
        """A post attempt failed (``kind``: the status or ``connection``)."""
        with self._lock:
            self.post_errors[kind] += 1
            self.last_error = error

    def snapshot(self) -> dict[str, Any]:
        """Everything, as a JSON-ready document."""
        with self._lock:
            lags = sorted(self._lags)
            return {
                "started": self.started.isoformat(),
                "uptime_s": round(time.monotonic() - self._started_monotonic, 3),
                "totals": {
                    name: self.totals[name]
                    for name in ("received", "posted", "dead_lettered", "discarded", "requeued",
                                 "retries", "post_requests", "batches")
                },
                "routes": {name: dict(counts) for name, counts in sorted(self.routes.items())},
                "dead_letter_reasons": dict(self.dead_letter_reasons),
                "post_errors": dict(self.post_errors),
                "lag_s": {
                    "samples": len(lags),
                    "p50": round(statistics.median(lags), 4) if lags else None,
                    "p99": round(_percentile(lags, 0.99), 4) if lags else None,
                    "max": round(lags[-1], 4) if lags else None,
                },
                "last_post": self.last_post.isoformat() if self.last_post else None,
                "last_error": self.last_error,
            }

    def status_line(self) -> str:
        """One line for the log."""
        snap = self.snapshot()
        totals, lag = snap["totals"], snap["lag_s"]
        text = (
            f"received {totals['received']}, posted {totals['posted']} in "
            f"{totals['post_requests']} requests, dead-lettered {totals['dead_lettered']}, "
            f"discarded {totals['discarded']}, retries {totals['retries']}, "
            f"requeued {totals['requeued']}"
        )
        if lag["samples"]:
            text += f"; lag p50 {lag['p50']:.3f}s p99 {lag['p99']:.3f}s"
        return text

    def dump(self, path: str | Path) -> None:
        """Write :meth:`snapshot` to ``path`` atomically (readers never see half a file)."""
        target = Path(path)
        fd, temp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.snapshot(), handle, indent=2, sort_keys=True)
                handle.write("\n")
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
