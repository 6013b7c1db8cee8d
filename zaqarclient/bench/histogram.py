"""A latency histogram with bounded memory: percentiles to three significant digits.

Samples are kept in microseconds, rounded down to three significant digits
(exact below 1 ms, 10 µs steps up to 10 ms, and so on), so a run of any
length needs a few thousand counters and two histograms merge by adding
them. A percentile is the lower edge of the bucket holding that rank: off by
less than 1 % of the value.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_SIGNIFICANT = 1000  # values below this many µs are kept exactly


def bucket(micros: int) -> int:
    """``micros`` rounded down to three significant digits."""
    if micros < _SIGNIFICANT:
        return max(micros, 0)
    step: int = 10 ** (len(str(micros)) - 3)
    return micros - micros % step


@dataclass(frozen=True, slots=True)
class Summary:
    """The figures of one histogram, in milliseconds."""

    count: int
    mean_ms: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    def as_dict(self) -> dict[str, float | int]:
        """A JSON-ready mapping of the figures."""
        return {
            "count": self.count, "mean_ms": self.mean_ms, "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms, "p99_ms": self.p99_ms, "max_ms": self.max_ms,
        }


class Histogram:
    """Counts of latencies; cheap to add to, merge and ship between processes."""

    __slots__ = ("_counts", "_max", "_total")

    def __init__(self) -> None:
        self._counts: Counter[int] = Counter()
        self._total = 0  # µs, exact, for the mean
        self._max = 0

    def __len__(self) -> int:
        return sum(self._counts.values())

    def add(self, seconds: float) -> None:
        """Record one latency given in seconds (negative values count as 0)."""
        micros = max(int(seconds * 1_000_000), 0)
        self._counts[bucket(micros)] += 1
        self._total += micros
        if micros > self._max:
            self._max = micros

    def merge(self, other: Histogram) -> None:
        """Add ``other``'s samples to this histogram."""
        self._counts.update(other._counts)
        self._total += other._total
        self._max = max(self._max, other._max)

    def percentile(self, fraction: float) -> float:
        """The latency in ms below which ``fraction`` (0..1) of the samples fall."""
        count = len(self)
        if not count:
            return 0.0
        rank = max(math.ceil(fraction * count), 1)
        seen = 0
        for value in sorted(self._counts):
            seen += self._counts[value]
            if seen >= rank:
                return min(value, self._max) / 1000
        return self._max / 1000  # pragma: no cover - rank <= count always stops above

    def summary(self) -> Summary:
        """Count, mean, p50, p90, p99 and max."""
        count = len(self)
        mean = self._total / count / 1000 if count else 0.0
        return Summary(
            count, round(mean, 3), self.percentile(0.50), self.percentile(0.90),
            self.percentile(0.99), self._max / 1000,
        )

    def to_wire(self) -> dict[str, object]:
        """A picklable, JSON-ready form (for the trip from a worker process)."""
        return {"counts": dict(self._counts), "total": self._total, "max": self._max}

    @classmethod
    def from_wire(cls, data: Mapping[str, object]) -> Histogram:
        """Rebuild a histogram from :meth:`to_wire`'s output."""
        histogram = cls()
        counts = data.get("counts")
        if isinstance(counts, Mapping):
            histogram._counts.update({int(k): int(v) for k, v in counts.items()})
        total, peak = data.get("total"), data.get("max")
        histogram._total = total if isinstance(total, int) else 0
        histogram._max = peak if isinstance(peak, int) else 0
        return histogram

    @classmethod
    def merged(cls, parts: Iterable[Histogram]) -> Histogram:
        """One histogram holding every sample of ``parts``."""
        result = cls()
        for part in parts:
            result.merge(part)
        return result
